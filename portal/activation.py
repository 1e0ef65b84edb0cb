"""Resident self-activation with a one-time code sent to the phone number in the register.

1. :func:`start_activation`: NIK, No. KK and birth date. A request row is written and a code
   made for every submission; the code goes out only when the three facts match a living
   resident with a phone number and no account yet. The answer is the same either way.
2. :func:`confirm_code`: the code typed back. Ten wrong codes for one NIK lock it for a while.
3. :func:`finish_activation`: the PIN or password; the account is created.

Rate limits: a NIK and an address may each start only a few requests an hour.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import create_resident_account, has_account, match_register
from core import audit
from core.notifications import notify
from portal.models import ActivationRequest

logger = logging.getLogger(__name__)

CODE_LENGTH = 6


def code_lifetime() -> timedelta:
    return timedelta(minutes=getattr(settings, "ACTIVATION_CODE_MINUTES", 10))


def failure_limit() -> int:
    return getattr(settings, "ACTIVATION_CODE_FAILURE_LIMIT", 10)


def cooloff() -> timedelta:
    return timedelta(minutes=getattr(settings, "ACTIVATION_CODE_COOLOFF_MINUTES", 15))


def requests_per_nik() -> int:
    return getattr(settings, "ACTIVATION_REQUESTS_PER_NIK_HOUR", 5)


def requests_per_address() -> int:
    return getattr(settings, "ACTIVATION_REQUESTS_PER_IP_HOUR", 20)


class ActivationRefused(Exception):
    """The step cannot go on; ``message`` says why (never whether the NIK exists)."""

    def __init__(self, message: str, *, retry_at: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.retry_at = retry_at


@dataclass(frozen=True)
class Lockout:
    until: datetime


def _digest(purpose: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def nik_digest(nik: str) -> str:
    return _digest("activation-nik", nik)


def has_account_id(resident_id: int) -> bool:
    return User.objects.filter(resident_id=resident_id).exists()


def _local_time(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def code_lockout(digest: str, *, now: datetime | None = None) -> Lockout | None:
    """The lockout of a NIK after too many wrong codes in the cool-off window, or None."""
    now = now or timezone.now()
    window_start = now - cooloff()
    recent = ActivationRequest.objects.filter(
        nik_digest=digest, last_failure_at__gte=window_start
    ).aggregate(failures=Sum("failures"), last=Max("last_failure_at"))
    if (recent["failures"] or 0) >= failure_limit():
        return Lockout(until=recent["last"] + cooloff())
    return None


def _locked_message(lockout: Lockout) -> str:
    return _(
        "Terlalu banyak kode salah. Demi keamanan, aktivasi untuk NIK ini dikunci sampai pukul "
        "%(time)s. Silakan coba lagi setelah itu, atau datang ke kantor desa/kelurahan."
    ) % {"time": _local_time(lockout.until)}


def _check_rate(digest: str, ip_address: str | None, now: datetime) -> None:
    hour_ago = now - timedelta(hours=1)
    by_nik = ActivationRequest.objects.filter(nik_digest=digest, created_at__gte=hour_ago)
    by_address = ActivationRequest.objects.filter(ip_address=ip_address, created_at__gte=hour_ago)
    for queryset, limit in ((by_nik, requests_per_nik()), (by_address, requests_per_address())):
        if ip_address is None and queryset is by_address:
            continue
        if queryset.count() >= limit:
            oldest = queryset.order_by("created_at").values_list("created_at", flat=True).first()
            retry_at = oldest + timedelta(hours=1)
            raise ActivationRefused(
                _(
                    "Terlalu banyak permintaan kode dalam satu jam. Silakan coba lagi setelah "
                    "pukul %(time)s."
                )
                % {"time": _local_time(retry_at)},
                retry_at=retry_at,
            )


def start_activation(
    *, nik: str, no_kk: str, birth_date: date, ip_address: str | None = None, request=None
) -> ActivationRequest:
    """Write an activation request and send its code when the register matches.

    ``nik`` and ``no_kk`` are normalised 16-digit strings. Raises :class:`ActivationRefused`
    only for limits that apply to every NIK alike (rate, lockout), never for "unknown NIK".
    """
    now = timezone.now()
    digest = nik_digest(nik)
    lockout = code_lockout(digest, now=now)
    if lockout is not None:
        raise ActivationRefused(_locked_message(lockout), retry_at=lockout.until)
    _check_rate(digest, ip_address, now)

    resident = match_register(nik=nik, no_kk=no_kk, birth_date=birth_date)
    code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
    phone = (resident.phone if resident is not None else "") or ""
    # The same query runs for an unknown NIK (on an id no row has), so the work is alike.
    already_active = has_account(resident) if resident is not None else has_account_id(0)
    sendable = resident is not None and bool(phone) and not already_active
    activation = ActivationRequest.objects.create(
        nik_digest=digest,
        resident=resident if sendable else None,
        code_digest=_digest("activation-code", code),
        ip_address=ip_address,
        expires_at=now + code_lifetime(),
    )
    if sendable:
        notify(
            resident,
            _("Smart Kampung"),
            _(
                "Kode aktivasi Anda: %(code)s. Berlaku %(minutes)s menit. Jangan berikan kode "
                "ini kepada siapa pun, termasuk petugas."
            )
            % {"code": code, "minutes": int(code_lifetime().total_seconds() // 60)},
            event="portal.activation.code",
        )
    elif already_active and phone:
        notify(
            resident,
            _("Smart Kampung"),
            _(
                "Ada permintaan aktivasi untuk akun Anda yang sudah aktif. Masuk dengan NIK dan "
                "PIN; bila lupa PIN, datang ke kantor desa/kelurahan dengan membawa KTP."
            ),
            event="portal.activation.already_active",
        )
    logger.info("Activation request %s written (code sent: %s)", activation.pk, sendable)
    return activation


def confirm_code(activation: ActivationRequest, code: str) -> None:
    """Accept the code sent for ``activation``; count a wrong one. Raises ActivationRefused."""
    now = timezone.now()
    lockout = code_lockout(activation.nik_digest, now=now)
    if lockout is not None:
        raise ActivationRefused(_locked_message(lockout), retry_at=lockout.until)
    if activation.used_at is not None or activation.expires_at < now:
        raise ActivationRefused(
            _("Kode ini sudah tidak berlaku. Mulai lagi untuk meminta kode baru.")
        )
    expected = activation.code_digest
    given = _digest("activation-code", code.strip())
    # An unknown NIK got a code nobody received: any code is wrong, after the same comparison.
    if hmac.compare_digest(expected, given) and activation.resident_id is not None:
        ActivationRequest.objects.filter(pk=activation.pk).update(confirmed_at=now)
        activation.confirmed_at = now
        return
    ActivationRequest.objects.filter(pk=activation.pk).update(
        failures=F("failures") + 1, last_failure_at=now
    )
    lockout = code_lockout(activation.nik_digest, now=now)
    if lockout is not None:
        raise ActivationRefused(_locked_message(lockout), retry_at=lockout.until)
    raise ActivationRefused(
        _("Kode salah. Periksa SMS terakhir dari Smart Kampung lalu ketik ulang 6 angkanya.")
    )


def finish_activation(activation: ActivationRequest, *, secret: str, request=None):
    """Create the resident's account once the code was confirmed. Returns the new user."""
    now = timezone.now()
    if (
        activation.confirmed_at is None
        or activation.resident_id is None
        or activation.used_at is not None
        or activation.confirmed_at + code_lifetime() < now
    ):
        raise ActivationRefused(
            _("Langkah ini sudah tidak berlaku. Mulai lagi aktivasi dari awal.")
        )
    resident = activation.resident
    with transaction.atomic():
        claimed = ActivationRequest.objects.filter(pk=activation.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not claimed:
            raise ActivationRefused(_("Langkah ini sudah dipakai. Silakan masuk dengan NIK Anda."))
        user = create_resident_account(
            resident, phone=resident.phone, secret=secret, request=request
        )
        audit.record(
            "portal.activation.finished",
            actor=user,
            target=resident,
            request=request,
            activation=activation.pk,
        )
    return user


def prune_requests(*, now: datetime | None = None) -> int:
    """Delete activation requests older than a day (past every limit and lock window).

    Returns how many were deleted. The job runner does it daily (``portal.prune_activations``
    in ``PERIODIC_JOBS``).
    """
    now = now or timezone.now()
    keep_from = now - max(timedelta(days=1), cooloff(), code_lifetime())
    deleted, _detail = ActivationRequest.objects.filter(created_at__lt=keep_from).delete()
    return deleted
