from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Inti")


class SmartKampungAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that only lets administering roles in."""

    default = False
    default_site = "core.admin_site.RegentOnlyAdminSite"
