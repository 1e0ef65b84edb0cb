"""API sign-in and tokens: issuing, checking and revoking them.

A resident signs in with NIK + PIN through the same backends and django-axes lockout as the
web form. A kiosk device signs in with its device account and gets a token bound to its
village; through that token a resident then signs in on the kiosk and gets a short-lived token
flagged as a kiosk session. Ending the kiosk's session ends every resident session opened on it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from api.models import ApiToken, TokenKind
from core import audit
from people.nik import mask_nik

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "skt_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# last_used_at is written at most this often, so a busy app does not write on every request.
TOUCH_INTERVAL = timedelta(minutes=5)


def resident_token_lifetime() -> timedelta:
    return timedelta(days=getattr(settings, "API_TOKEN_DAYS", 90))


def kiosk_token_lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "API_KIOSK_TOKEN_HOURS", 12))


def kiosk_resident_token_lifetime() -> timedelta:
    return timedelta(minutes=getattr(settings, "API_KIOSK_RESIDENT_MINUTES", 15))


class SignInRefused(Exception):
    """Wrong credentials, or an account that may not sign in here. Says nothing about which."""

    def __init__(self, *, locked_out: bool = False):
        self.locked_out = locked_out
        if locked_out:
            message = _(
                "Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara; coba "
                "lagi nanti atau datanglah ke kantor desa/kelurahan."
            )
        else:
            message = _(
                "NIK/nama pengguna atau PIN/kata sandi tidak cocok. Periksa keduanya lalu coba "
                "lagi."
            )
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(
    user,
    *,
    kind: str,
    name: str = "",
    lifetime: timedelta,
    village=None,
    parent: ApiToken | None = None,
    request=None,
) -> IssuedToken:
    """Create a token for ``user``; the secret is in the result and nowhere else."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            kind=kind,
            name=name.strip()[:100],
            prefix=secret[:PREFIX_LENGTH],
            key_hash=hash_token(secret),
            village=village,
            parent=parent,
            expires_at=timezone.now() + lifetime,
        )
        audit.record(
            "api.token.issued",
            actor=user,
            target=token,
            summary=f"{token.prefix} {kind}",
            request=request,
        )
    return IssuedToken(token, secret)


# --------------------------------------------------------------------------- checking


def _still_valid(token: ApiToken, now) -> bool:
    user = token.user
    if not token.is_active(now) or not user.is_active:
        return False
    if token.kind == TokenKind.KIOSK:
        # A kiosk moved to another village, or no longer a kiosk, loses its sessions.
        return user.role == Role.KIOSK and user.region_id == token.village_id
    if user.role != Role.RESIDENT or not user.resident_id:
        return False
    if token.kind == TokenKind.KIOSK_RESIDENT:
        return token.parent is not None and _still_valid(token.parent, now)
    return True


def check_token(secret: str, *, kinds) -> ApiToken | None:
    """The active token of one of ``kinds`` with this secret, or None. Marks it used."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user__resident", "user__region", "parent__user", "village")
        .filter(key_hash=hash_token(secret), kind__in=list(kinds))
        .first()
    )
    now = timezone.now()
    if token is None or not _still_valid(token, now):
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --------------------------------------------------------------------------- signing in


def _authenticate(request, username: str, password: str, *, role: str):
    """Run Django's authentication (axes counts failures); the user if it has ``role``."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise SignInRefused(locked_out=True)
    if user is None or getattr(user, "role", None) != role:
        return None
    # What the web sign-in does: axes resets the failure count, last_login is updated.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return user


def sign_in_resident(request, *, nik: str, pin: str, device_name: str = "") -> IssuedToken:
    """A token for the app, from the resident's NIK and PIN (or password)."""
    compact = "".join(char for char in nik if char not in " .-")
    user = _authenticate(request, compact, pin, role=Role.RESIDENT)
    if user is None or not user.resident_id:
        logger.info("API sign-in refused for NIK %s", mask_nik(compact))
        raise SignInRefused
    return issue_token(
        user,
        kind=TokenKind.RESIDENT,
        name=device_name,
        lifetime=resident_token_lifetime(),
        request=request,
    )


def sign_in_kiosk(request, *, username: str, password: str, device_name: str = "") -> IssuedToken:
    """A token for a kiosk device, bound to the kiosk account's village."""
    user = _authenticate(request, username.strip(), password, role=Role.KIOSK)
    if user is None or not user.region_id:
        raise SignInRefused
    return issue_token(
        user,
        kind=TokenKind.KIOSK,
        name=device_name,
        lifetime=kiosk_token_lifetime(),
        village=user.region,
        request=request,
    )


def sign_in_resident_at_kiosk(request, kiosk: ApiToken, *, nik: str, pin: str) -> IssuedToken:
    """A short-lived resident token, flagged as a kiosk session of ``kiosk``.

    It ends at the latest when the kiosk's own session ends.
    """
    compact = "".join(char for char in nik if char not in " .-")
    user = _authenticate(request, compact, pin, role=Role.RESIDENT)
    if user is None or not user.resident_id:
        logger.info("Kiosk sign-in refused for NIK %s", mask_nik(compact))
        raise SignInRefused
    lifetime = min(kiosk_resident_token_lifetime(), kiosk.expires_at - timezone.now())
    return issue_token(
        user,
        kind=TokenKind.KIOSK_RESIDENT,
        name=kiosk.name or kiosk.user.get_username(),
        lifetime=lifetime,
        village=kiosk.village,
        parent=kiosk,
        request=request,
    )


# --------------------------------------------------------------------------- revoking


def can_revoke(user, token: ApiToken) -> bool:
    """The token's owner, and the regency administrator, may revoke it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return token.user_id == user.pk or getattr(user, "role", None) == Role.REGENT


def revoke_token(token: ApiToken, *, by, request=None) -> ApiToken:
    """Revoke a token and the kiosk sessions opened through it. Revoking twice changes nothing."""
    if not can_revoke(by, token):
        raise PermissionDenied(_("Anda tidak berwenang mencabut token ini."))
    now = timezone.now()
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by
        )
        ApiToken.objects.filter(parent_id=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by
        )
        if changed:
            audit.record(
                "api.token.revoked",
                actor=by,
                target=token,
                summary=f"{token.prefix} {token.kind}",
                request=request,
            )
    token.refresh_from_db()
    return token
