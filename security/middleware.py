"""Session guards: the staff second sign-in step, and signing out idle sessions."""

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from security import twofactor

# Paths a staff member may open before the second step: the step itself, signing out,
# switching language and static files.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/favicon")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if twofactor.is_staff(user) and not self._open(request.path):
            response = self._hold(request)
            if response is not None:
                return response
        return self.get_response(request)

    @functools.cached_property
    def _open_paths(self) -> frozenset[str]:
        return frozenset(
            reverse(name) for name in ("security:verify", "security:enrol", "accounts:logout")
        )

    def _open(self, path: str) -> bool:
        return path in self._open_paths or path.startswith(_OPEN_PREFIXES)

    def _hold(self, request):
        if twofactor.passed(request):
            return None
        if twofactor.confirmed_device(request.user, of_request=True) is not None:
            target = "security:verify"
        elif twofactor.required(request.user):
            target = "security:enrol"
        else:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "second_factor_required", "message": _("Masukkan kode autentikator.")},
                status=403,
            )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class IdleSessionMiddleware:
    """Signs a session out after ``SESSION_IDLE_MINUTES`` without a request (30 by default).

    The session cookie's own age (``SESSION_COOKIE_AGE``) is the absolute limit; this is the idle
    limit (ASVS 3.3). The last-seen time is written at most once a minute, so an active session
    is not rewritten on every request.
    """

    KEY = "security.last_seen"
    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            idle_limit = 60 * getattr(settings, "SESSION_IDLE_MINUTES", 30)
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > idle_limit:
                logout(request)
                messages.info(
                    request, _("Anda keluar otomatis karena lama tidak aktif. Silakan masuk lagi.")
                )
                return redirect(
                    f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.path})}"
                )
            if last_seen is None or now - last_seen >= self.WRITE_EVERY:
                request.session[self.KEY] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Pages for a signed-in user carry personal data: no browser or proxy keeps a copy.

    ``Cache-Control: no-store`` (ASVS 8.2.1) on every response to a signed-in request that
    did not set its own caching; public pages and static files are untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response
