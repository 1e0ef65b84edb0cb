"""Kiosk mode on every request: idle sign-out, sign-out after a finished task, no-store pages."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from portal import kiosk
from portal.services import own_application_state
from services.models import State

logger = logging.getLogger(__name__)

# Signed out: these pages send a kiosk browser back to its start screen.
_START_INSTEAD = frozenset({"home", "accounts:login"})


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return match.view_name


def _no_store(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["Pragma"] = "no-cache"
    return response


class KioskMiddleware:
    """Place after AuthenticationMiddleware and MessageMiddleware in ``MIDDLEWARE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        device = kiosk.kiosk_of(request) if kiosk.COOKIE_NAME in request.COOKIES else None
        request.kiosk = device
        request.kiosk_idle_seconds = kiosk.idle_seconds()
        if device is None:
            return self.get_response(request)

        user = request.user
        if user.is_authenticated:
            idle = kiosk.idle_for(request)
            if idle is not None and idle > kiosk.idle_seconds():
                logger.info("Kiosk %s: signed out after %.0f s idle", device.pk, idle)
                logout(request)
                messages.info(request, _("Waktu habis: Anda sudah keluar demi keamanan data."))
                return _no_store(redirect("portal:kiosk_start"))
            kiosk.touch(request)
        elif _view_name(request) in _START_INSTEAD:
            return _no_store(redirect("portal:kiosk_start"))

        submitting = self._submitting(request)
        before = own_application_state(request.user, submitting) if submitting else None

        response = self.get_response(request)

        if request.user.is_authenticated and request.method == "POST":
            response = self._after_task(request, response, submitting, before)
        return _no_store(response)

    @staticmethod
    def _submitting(request) -> str:
        """The tracking code when this request submits an application, else ""."""
        if request.method != "POST" or not request.user.is_authenticated:
            return ""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
        if match.view_name != "services:application_action":
            return ""
        if request.POST.get("action") != "submit":
            return ""
        return match.kwargs.get("tracking_code", "")

    def _after_task(self, request, response, submitting: str, before: str | None):
        """Sign the resident out once a task is done; say what was done on the start screen."""
        name = _view_name(request)
        if submitting and response.status_code in (301, 302) and before != State.SUBMITTED:
            code = submitting
            if own_application_state(request.user, code) == State.SUBMITTED:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Permohonan %(code)s sudah diajukan. Simpan kode ini untuk mengikuti "
                        "statusnya. Anda sudah keluar."
                    )
                    % {"code": code},
                )
                return redirect("portal:kiosk_start")
        if name in kiosk.FINISHING_VIEWS and response.status_code < 400:
            logout(request)
        return response
