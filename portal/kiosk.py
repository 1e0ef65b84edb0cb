"""Kiosk mode: a browser bound to a kiosk device account of one village.

The binding is a signed, long-lived cookie set when the kiosk device account signs the browser
in (:func:`bind`). While it is present, :class:`portal.middleware.KioskMiddleware` signs a
resident out after ``KIOSK_IDLE_SECONDS`` without a request and after each finished task,
marks every page ``Cache-Control: no-store`` and sends anyone who is signed out to the kiosk
start screen instead of the public home.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from accounts.roles import Role

COOKIE_NAME = "sk_kiosk"
COOKIE_SALT = "portal.kiosk"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365
LAST_ACTIVITY_KEY = "portal_kiosk_last_activity"
DEFAULT_IDLE_SECONDS = 90
_UNSET = object()


def idle_seconds() -> int:
    return int(getattr(settings, "KIOSK_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


def bind(response, kiosk_user: User) -> None:
    """Put this browser in kiosk mode for ``kiosk_user`` (a KIOSK account bound to a village)."""
    response.set_signed_cookie(
        COOKIE_NAME,
        str(kiosk_user.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
    )


def unbind(response) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")


def kiosk_of(request) -> User | None:
    """The kiosk device account this browser is bound to, or None (cached on the request)."""
    cached = getattr(request, "_portal_kiosk", _UNSET)
    if cached is not _UNSET:
        return cached
    kiosk = None
    try:
        value = request.get_signed_cookie(COOKIE_NAME, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except (KeyError, signing.BadSignature):
        value = None
    if value and value.isdigit():
        kiosk = (
            User.objects.filter(
                pk=int(value), role=Role.KIOSK, is_active=True, region__isnull=False
            )
            .select_related("region")
            .first()
        )
    request._portal_kiosk = kiosk
    return kiosk


def touch(request) -> None:
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


def idle_for(request) -> float | None:
    last = request.session.get(LAST_ACTIVITY_KEY)
    if last is None:
        return None
    return time.time() - float(last)


def queue_ticket_url() -> str | None:
    """The queue ticket page of the ``queues`` app, when that app provides one."""
    try:
        return reverse("queues:take_ticket")
    except NoReverseMatch:
        return None


# Pages that end a task at the kiosk when they answer a POST without error; the resident is
# signed out right after the page is sent (the page itself still shows, e.g. a queue ticket).
FINISHING_VIEWS = frozenset({"queues:take_ticket"})
