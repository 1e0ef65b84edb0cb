"""API tokens in the Django admin: the regency administrator sees every device signed in and
revokes any of them (a lost kiosk tablet, a stolen phone). Tokens are never created or edited
here; only their hash is stored, so there is nothing secret to show."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import Role
from api import services
from api.models import ApiToken


def _is_regent(request) -> bool:
    user = request.user
    return bool(user.is_active and getattr(user, "role", None) == Role.REGENT)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "kind",
        "name",
        "village",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["kind", "revoked_at"]
    list_select_related = ["user", "village"]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = [field.name for field in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_module_permission(self, request):
        return _is_regent(request)

    def has_view_permission(self, request, obj=None):
        return _is_regent(request)

    def has_change_permission(self, request, obj=None):
        # Read-only pages; the revoke action is the one change allowed.
        return _is_regent(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cabut token yang dipilih"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(token, by=request.user, request=request)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d token dicabut.", "%(n)d token dicabut.", count) % {"n": count},
            messages.SUCCESS,
        )
