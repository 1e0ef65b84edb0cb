"""Signing in and out, where each role lands afterwards, and the links each role sees."""

import functools
import importlib

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, LogoutView
from django.core.cache import cache
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.forms import SignInForm
from accounts.roles import APPLICATION_ROLES, REGISTER_ROLES, Role


def landing_url_for(user) -> str:
    """The page a user starts from: the register for register staff, "my data" for residents."""
    role = getattr(user, "role", None)
    if role in REGISTER_ROLES:
        return reverse("people:resident_list")
    if role == Role.RESIDENT and user.resident_id:
        return reverse("people:my_data")
    return reverse("home")


@functools.cache
def _app_navigation_modules() -> tuple:
    """The ``navigation`` module of each installed app that has one."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.navigation":
                raise
            continue
        found.append(module)
    return tuple(found)


def _app_navigation() -> tuple:
    """The ``links(user)`` function of each app's ``navigation`` module.

    Each returns a list of ``(url, label)`` pairs the signed-in user may follow, so that an app
    adds its menu entries without editing this module. A module may also define
    ``public_links()``: pages open to everyone, shown in the footer and on the home page.
    """
    return tuple(module.links for module in _app_navigation_modules() if hasattr(module, "links"))


def navigation(request) -> dict:
    """Context processor: the main links the signed-in user may follow.

    Registered in ``TEMPLATES["OPTIONS"]["context_processors"]``; every page that extends
    ``base.html`` shows them. A link appears only when its page would not answer 403.
    """
    user = getattr(request, "user", None)
    links = [
        (reverse("home"), _("Beranda")),
        (reverse("services:catalogue"), pgettext("menu", "Layanan")),
    ]
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    if role in REGISTER_ROLES:
        links.append((reverse("people:resident_list"), _("Data penduduk")))
    if role == Role.RESIDENT and user.resident_id:
        links.append((reverse("people:my_data"), _("Data saya")))
    if role in APPLICATION_ROLES:
        links.append((reverse("services:application_list"), pgettext("menu", "Permohonan")))
    if role in (Role.REGENT, Role.AGENCY_HEAD):
        links.append((reverse("services:manage_list"), _("Kelola layanan")))
    if role == Role.REGENT:
        links.append((reverse("core:audit_list"), _("Jejak audit")))
    if role is not None:
        for app_links in _app_navigation():
            links.extend(app_links(user))
    current = request.path
    return {
        "nav_links": [
            {"url": url, "label": label, "current": url == current} for url, label in links
        ],
        # Lazy: the footer that shows them is a cached fragment, so most pages never ask.
        "public_links": SimpleLazyObject(_public_links),
        **(_account_labels(user) if role is not None else {}),
    }


REGION_NAMES_CACHE_SECONDS = 300


def _region_name(region_id: int) -> str:
    """A region's name from the shared cache of all names (public reference data, a few
    hundred rows) instead of one query per page for the header."""
    from regions.models import Region

    names = cache.get_or_set(
        "accounts.region_names",
        lambda: dict(Region.objects.values_list("id", "name")),
        REGION_NAMES_CACHE_SECONDS,
    )
    if region_id not in names:  # a region added since the names were cached
        names = dict(Region.objects.values_list("id", "name"))
        cache.set("accounts.region_names", names, REGION_NAMES_CACHE_SECONDS)
    return names.get(region_id, "")


def _account_labels(user) -> dict:
    """The header's "signed in as" role and place, without ``get_role_display`` (which
    translates every role on each call) and without a query for the region."""
    try:
        role_label = Role(user.role).label
    except ValueError:
        role_label = user.role
    if user.region_id:
        place = _region_name(user.region_id)
    elif user.agency_id:
        place = str(user.agency)
    else:
        place = ""
    return {"account_role": role_label, "account_place": place}


def _public_links() -> list[tuple[str, str]]:
    """Pages open to everyone (footer and home page): each app's ``navigation.public_links()``."""
    found = []
    for module in _app_navigation_modules():
        public = getattr(module, "public_links", None)
        if public is not None:
            found.extend(public())
    return found


def _cooloff_minutes() -> int | None:
    # AXES_COOLOFF_TIME is a number of hours in settings; other forms (callables) are not shown.
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    if isinstance(cooloff, int | float):
        return round(cooloff * 60)
    return None


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_url_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = getattr(settings, "AXES_FAILURE_LIMIT", None)
        context["cooloff_minutes"] = _cooloff_minutes()
        return context


class SignOutView(LogoutView):
    """Sign out (POST only, as Django requires) and say so on the next page.

    On a kiosk browser (see ``portal.kiosk``) the next page is the kiosk start screen.
    """

    def get_default_redirect_url(self):
        if getattr(self.request, "kiosk", None) is not None:
            return reverse("portal:kiosk_start")
        return super().get_default_redirect_url()

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Anda sudah keluar. Sampai jumpa."))
        return response
