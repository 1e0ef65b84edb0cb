"""Service points, lines, counters and priority groups in the admin (the regent's site)."""

from django.contrib import admin

from accounts.roles import Role
from queues.models import Counter, PriorityGroup, ServiceLine, ServicePoint


class RegentOnly:
    """Permissions follow the role, not Django's per-model permission table."""

    @staticmethod
    def _is_regent(request) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "role", None) == Role.REGENT)

    def has_module_permission(self, request):
        return self._is_regent(request)

    def has_view_permission(self, request, obj=None):
        return self._is_regent(request)

    def has_add_permission(self, request, obj=None):
        return self._is_regent(request)

    def has_change_permission(self, request, obj=None):
        return self._is_regent(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_regent(request)


class ServiceLineInline(RegentOnly, admin.TabularInline):
    model = ServiceLine
    extra = 0
    autocomplete_fields = ["service"]


class CounterInline(RegentOnly, admin.TabularInline):
    model = Counter
    extra = 0
    filter_horizontal = ["lines"]


@admin.register(ServicePoint)
class ServicePointAdmin(RegentOnly, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region", "agency", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["region", "agency"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [ServiceLineInline, CounterInline]


@admin.register(PriorityGroup)
class PriorityGroupAdmin(RegentOnly, admin.ModelAdmin):
    list_display = ["name", "code", "is_active", "position"]
    list_editable = ["is_active", "position"]
