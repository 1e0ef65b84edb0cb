from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.roles import ADMIN_ROLES


class RegentOnlyAdminSite(admin.AdminSite):
    """The Django admin, open only to active staff accounts whose role may administer.

    ``is_staff`` alone is not enough: a village officer marked staff by mistake must still be
    kept out.

    Installed as the default site by ``core.apps.SmartKampungAdminConfig``; this module
    registers no models, so importing it while the site is built loses nothing.
    """

    site_header = _("Administrasi Smart Kampung")
    site_title = _("Admin Smart Kampung")
    index_title = _("Administrasi kabupaten")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "role", None) in ADMIN_ROLES)
