"""Account rules: resident activation, PIN and password checks, staff accounts."""

import logging
import secrets
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from core import audit
from people.models import Resident, ResidentStatus
from people.nik import InvalidIdentifier, mask_nik, normalise_identifier

logger = logging.getLogger(__name__)

PIN_LENGTH = 6


class ActivationError(Exception):
    """Activation refused. The message never says which of the checked facts was wrong."""


def validate_pin_or_password(secret: str, *, resident: Resident | None = None) -> None:
    """Accept a 6-digit PIN that is not easy to guess, or a password Django's validators accept.

    Follows NIST SP 800-63B: no composition rules, but refuse values from a list of
    commonly used or context-derived secrets (repeats, sequences, the birth date, the NIK).
    """
    if secret.isdigit():
        if len(secret) != PIN_LENGTH:
            raise ValidationError(
                _("PIN harus %(n)s angka. Untuk kata sandi, pakai minimal 8 karakter."),
                params={"n": PIN_LENGTH},
                code="pin_length",
            )
        if _is_guessable_pin(secret, resident):
            raise ValidationError(
                _(
                    "PIN ini terlalu mudah ditebak (angka berulang, berurutan, tanggal lahir, "
                    "atau bagian dari NIK). Pilih 6 angka lain."
                ),
                code="pin_guessable",
            )
        return
    validate_password(secret)


def _is_guessable_pin(pin: str, resident: Resident | None) -> bool:
    if len(set(pin)) <= 2:
        return True
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {-1}):
        return True
    if resident is not None:
        if resident.birth_date:
            born = resident.birth_date
            if pin in {f"{born:%d%m%y}", f"{born:%y%m%d}", f"{born:%m%d%y}", f"{born:%Y}"[:6]}:
                return True
        if resident.nik and pin in resident.nik:
            return True
    return False


def activate_resident(
    *, nik: str, no_kk: str, birth_date: date, phone: str, secret: str, request=None
) -> User:
    """Create a resident's account when NIK, No. KK and birth date match the register.

    Every mismatch raises the same ``ActivationError`` so the answer does not reveal whether
    a NIK exists. The phone number is required to send one-time codes later.
    """
    generic = _(
        "Data tidak cocok dengan data kependudukan. Periksa NIK, No. KK dan tanggal "
        "lahir sesuai Kartu Keluarga, atau datangi kantor desa."
    )
    try:
        nik_digits = normalise_identifier(nik).value
        kk_digits = normalise_identifier(no_kk).value
    except InvalidIdentifier as exc:
        raise ActivationError(generic) from exc
    phone = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if len(phone.lstrip("+")) < 9:
        raise ActivationError(_("Nomor HP wajib diisi dengan benar, contoh 081234567890."))

    resident = match_register(nik=nik_digits, no_kk=kk_digits, birth_date=birth_date)
    if resident is None:
        logger.info("Activation refused for NIK %s", mask_nik(nik_digits))
        raise ActivationError(generic)
    if has_account(resident):
        raise ActivationError(
            _(
                "Akun untuk data ini sudah aktif. Masuk dengan NIK dan PIN, atau minta petugas "
                "desa mengatur ulang PIN."
            )
        )
    return create_resident_account(resident, phone=phone, secret=secret, request=request)


def match_register(*, nik: str, no_kk: str, birth_date: date) -> Resident | None:
    """The living resident whose NIK, No. KK and birth date all match the register, or None.

    ``nik`` and ``no_kk`` are 16-digit strings (already normalised). Always one query, whether
    or not anything matches, so the caller spends comparable time either way.
    """
    return (
        Resident.objects.filter(
            nik=nik,
            family__no_kk=no_kk,
            birth_date=birth_date,
            status=ResidentStatus.LIVING,
        )
        .select_related("family")
        .first()
    )


def has_account(resident: Resident) -> bool:
    return User.objects.filter(resident=resident).exists()


def create_resident_account(resident: Resident, *, phone: str, secret: str, request=None) -> User:
    """Create the account of a resident already matched to the register (see ``match_register``).

    Checks the PIN or password; two activations of one resident at once: the second one loses.
    """
    validate_pin_or_password(secret, resident=resident)
    user = User(
        username=f"warga-{secrets.token_hex(8)}",
        role=Role.RESIDENT,
        resident=resident,
        phone=phone,
        first_name=resident.full_name[:150],
    )
    user.set_password(secret)
    try:
        with transaction.atomic():
            user.save()
            audit.record(
                "accounts.resident.activated", actor=user, target=resident, request=request
            )
    except IntegrityError as exc:
        # Two activations of the same resident at the same moment: the second one loses.
        raise ActivationError(_("Akun untuk data ini sudah aktif.")) from exc
    logger.info("Resident account activated for NIK %s", mask_nik(resident.nik))
    return user


def create_staff_user(
    *,
    username: str,
    password: str,
    role: str,
    region=None,
    agency=None,
    full_name: str = "",
    created_by=None,
) -> User:
    """Create a staff or kiosk account; the role decides which scope it must have."""
    if role == Role.RESIDENT:
        raise ValueError("Resident accounts are created by activate_resident.")
    first, _sep, last = full_name.partition(" ")
    user = User(
        username=username,
        role=role,
        region=region,
        agency=agency,
        first_name=first[:150],
        last_name=last[:150],
        is_staff=role == Role.REGENT,
    )
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        if role == Role.REGENT:
            # The regency administrator manages the catalogue and accounts in the admin.
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        audit.record("accounts.user.created", actor=created_by, target=user, role=role)
    return user
