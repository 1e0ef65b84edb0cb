"""Holds a staff session at the second sign-in step until a TOTP code has been accepted."""

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

    def _open(self, path: str) -> bool:
        open_paths = {
            reverse("security:verify"),
            reverse("security:enrol"),
            reverse("accounts:logout"),
        }
        return path in open_paths or path.startswith(_OPEN_PREFIXES)

    def _hold(self, request):
        if twofactor.passed(request):
            return None
        if twofactor.confirmed_device(request.user) is not None:
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
