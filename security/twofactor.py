"""Two-step sign-in for staff: enrolment and verification of TOTP codes.

Staff sign in with user name and password (``accounts``); when their account has a confirmed
authenticator, ``security.middleware`` holds every page until a code is accepted here. With
``STAFF_TOTP_REQUIRED`` on (the production profile), staff without an authenticator must enrol
before anything else. Residents and kiosks are not asked: they sign in with NIK and PIN.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.roles import STAFF_ROLES
from core.audit import record
from security.crypto import seal, unseal
from security.models import StaffTOTP

logger = logging.getLogger(__name__)

ISSUER = "Smart Kampung Banyuwangi"
SESSION_KEY = "security.second_factor_user"
MAX_FAILURES = 5
LOCK_MINUTES = 15


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "role", None) in STAFF_ROLES)


def confirmed_device(user, *, of_request: bool = False) -> StaffTOTP | None:
    """The user's confirmed authenticator, or None.

    ``of_request``: ``user`` is the request's user, just loaded with its authenticator in the
    same query (accounts.backends), so that copy is current and no second query is needed on
    every page. Any other user object may hold an older copy: it is read again.
    """
    if not is_staff(user):
        return None
    if of_request and user.__class__.totp.is_cached(user):  # __class__: a lazy proxy
        device = getattr(user, "totp", None)
        return device if device is not None and device.confirmed_at is not None else None
    return StaffTOTP.objects.filter(user=user, confirmed_at__isnull=False).first()


def required(user) -> bool:
    return is_staff(user) and getattr(settings, "STAFF_TOTP_REQUIRED", False)


def passed(request) -> bool:
    return request.session.get(SESSION_KEY) == request.user.pk


def mark_passed(request) -> None:
    # A new session key on privilege change, as after the password step.
    request.session.cycle_key()
    request.session[SESSION_KEY] = request.user.pk


def _uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def start_enrolment(user) -> tuple[str, str]:
    """A fresh pending secret for ``user`` and its otpauth:// URI.

    A confirmed secret stays in force until a code from the new one is accepted.
    """
    if not is_staff(user):
        raise PermissionError("Only staff accounts use an authenticator.")
    secret = pyotp.random_base32()
    device, created = StaffTOTP.objects.get_or_create(
        user=user, defaults={"pending_secret_encrypted": seal(secret)}
    )
    if not created:
        device.pending_secret_encrypted = seal(secret)
        device.save(update_fields=["pending_secret_encrypted"])
    return secret, _uri(user, secret)


def pending_uri(user) -> tuple[str, str] | None:
    device = StaffTOTP.objects.filter(user=user).exclude(pending_secret_encrypted="").first()
    if device is None:
        return None
    secret = unseal(device.pending_secret_encrypted)
    return secret, _uri(user, secret)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    locked_until: object = None  # a datetime when locked


def _accept(sealed_secret: str, last_step: int, code: str, now) -> int | None:
    """The time step the code belongs to (this one or one either side), or None."""
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6 or not sealed_secret:
        return None
    totp = pyotp.TOTP(unseal(sealed_secret))
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if candidate > last_step and totp.at(candidate * totp.interval) == code:
            return candidate
    return None


def check_code(user, code: str, *, request=None, confirming: bool = False) -> Outcome:
    """Check a code for the user's device; counts failures and locks after ``MAX_FAILURES``."""
    now = timezone.now()
    with transaction.atomic():
        device = StaffTOTP.objects.select_for_update().filter(user=user).first()
        if device is None:
            return Outcome(False)
        if device.locked_until and device.locked_until > now:
            return Outcome(False, device.locked_until)
        if confirming:
            step = _accept(device.pending_secret_encrypted, 0, code, now)
        elif device.confirmed_at is None:
            return Outcome(False)
        else:
            step = _accept(device.secret_encrypted, device.last_step, code, now)
        if step is None:
            device.failed_attempts += 1
            if device.failed_attempts >= MAX_FAILURES:
                device.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                device.failed_attempts = 0
                logger.warning("Second-factor lock for user %s", user.pk)
                record("security.totp.locked", actor=user, target=user, request=request)
            device.save(update_fields=["failed_attempts", "locked_until"])
            return Outcome(False, device.locked_until if device.locked_until else None)
        device.last_step, device.failed_attempts, device.locked_until = step, 0, None
        fields = ["last_step", "failed_attempts", "locked_until"]
        if confirming:
            device.secret_encrypted, device.pending_secret_encrypted = (
                device.pending_secret_encrypted,
                "",
            )
            device.confirmed_at = now
            fields += ["secret_encrypted", "pending_secret_encrypted", "confirmed_at"]
        device.save(update_fields=fields)
    record(
        "security.totp.enrolled" if confirming else "security.totp.passed",
        actor=user,
        target=user,
        request=request,
    )
    return Outcome(True)


def reset(user, *, actor, request=None) -> None:
    """Remove a staff member's authenticator (lost phone); they enrol again at next sign-in."""
    StaffTOTP.objects.filter(user=user).delete()
    record("security.totp.reset", actor=actor, target=user, request=request)
