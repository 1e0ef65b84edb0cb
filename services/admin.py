"""The catalogue in the Django admin, for the regency administrator (the admin site lets only
the regent in; agency heads edit their own agency's services at ``/kelola-layanan/``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from services.forms import JsonListField, LinesField
from services.models import Application, ApplicationEvent, Service


def _is_regent(request) -> bool:
    user = request.user
    return bool(user.is_active and getattr(user, "role", None) == Role.REGENT)


class RegentEditsMixin:
    """Permissions follow the role, not Django's per-model permission table."""

    def has_module_permission(self, request):
        return _is_regent(request)

    def has_view_permission(self, request, obj=None):
        return _is_regent(request)

    def has_add_permission(self, request):
        return _is_regent(request)

    def has_change_permission(self, request, obj=None):
        return _is_regent(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(RegentEditsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "agency", "fee_label", "sla_days", "is_active"]
    list_filter = ["level", "is_active", "agency"]
    list_select_related = ["agency"]
    search_fields = ["code", "name", "name_en", "keywords"]
    readonly_fields = ["updated_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "required_documents":
            return LinesField(label=db_field.verbose_name, required=False)
        if db_field.name in ("form_definition", "channels"):
            return JsonListField(
                label=db_field.verbose_name, required=False, help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("biaya"))
    def fee_label(self, obj):
        return obj.fee_label


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = ["at", "actor_label", "action", "from_state", "to_state", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _is_regent(request)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change only through their workflow."""

    list_display = ["tracking_code", "service", "village", "state", "submitted_at", "due_date"]
    list_filter = ["state", "service__level"]
    list_select_related = ["service", "village"]
    search_fields = ["=tracking_code"]
    inlines = [ApplicationEventInline]
    exclude = ["form_data"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request):
        return _is_regent(request)

    def has_view_permission(self, request, obj=None):
        return _is_regent(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
