from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.roles import Role
from accounts.services import (
    ActivationError,
    activate_resident,
    create_staff_user,
    validate_pin_or_password,
)
from core.models import AuditEntry
from people.models import ResidentStatus


@pytest.fixture
def registered(resident_in_village):
    return resident_in_village


def activate(resident, **overrides):
    values = {
        "nik": resident.nik,
        "no_kk": resident.family.no_kk,
        "birth_date": resident.birth_date,
        "phone": "0812 3456 7890",
        "secret": "731946",
    }
    values.update(overrides)
    return activate_resident(**values)


def test_activation_creates_a_resident_account_when_the_register_matches(registered):
    user = activate(registered)

    assert user.role == Role.RESIDENT
    assert user.resident == registered
    assert user.phone == "081234567890"
    assert user.check_password("731946")
    assert AuditEntry.objects.filter(action="accounts.resident.activated").count() == 1


def test_activation_never_uses_the_nik_as_username(registered):
    user = activate(registered)

    assert registered.nik not in user.username


@pytest.mark.parametrize(
    "field, value",
    [
        ("no_kk", "3510010101200999"),
        ("birth_date", date(1985, 6, 16)),
        ("nik", "3510011506859999"),
    ],
)
def test_activation_gives_one_answer_for_every_mismatch(registered, field, value):
    with pytest.raises(ActivationError) as refused:
        activate(registered, **{field: value})

    assert "Periksa NIK, No. KK dan tanggal lahir" in str(refused.value)
    assert not User.objects.filter(role=Role.RESIDENT).exists()


def test_activation_is_refused_for_a_deceased_resident(registered):
    registered.status = ResidentStatus.DECEASED
    registered.save()

    with pytest.raises(ActivationError):
        activate(registered)


def test_activation_needs_a_phone_number(registered):
    with pytest.raises(ActivationError, match="Nomor HP"):
        activate(registered, phone="")


def test_a_second_activation_of_the_same_resident_is_refused(registered):
    activate(registered)

    with pytest.raises(ActivationError, match="sudah aktif"):
        activate(registered, secret="482915")


def test_activation_accepts_a_nik_typed_with_spaces(registered):
    spaced = " ".join(registered.nik[i : i + 4] for i in range(0, 16, 4))

    assert activate(registered, nik=spaced).resident == registered


@pytest.mark.parametrize("pin", ["111111", "123456", "654321", "121212", "12345"])
def test_guessable_or_short_pins_are_refused(pin):
    with pytest.raises(ValidationError):
        validate_pin_or_password(pin)


def test_a_pin_equal_to_the_birth_date_is_refused(registered):
    with pytest.raises(ValidationError):
        validate_pin_or_password(f"{registered.birth_date:%d%m%y}", resident=registered)


def test_a_password_must_satisfy_the_password_validators():
    with pytest.raises(ValidationError):
        validate_pin_or_password("password")

    validate_pin_or_password("kebun-kopi-ijen-2026")


def test_village_roles_need_a_village(db, village):
    with pytest.raises(ValidationError) as refused:
        create_staff_user(
            username="petugas",
            password="kebun-kopi-ijen-2026",
            role=Role.VILLAGE_OFFICER,
            region=village.parent,
        )

    assert "region" in refused.value.message_dict


def test_district_roles_need_a_district(db, village):
    with pytest.raises(ValidationError):
        create_staff_user(
            username="camat",
            password="kebun-kopi-ijen-2026",
            role=Role.DISTRICT_HEAD,
            region=village,
        )


def test_agency_roles_need_an_agency(db):
    with pytest.raises(ValidationError) as refused:
        create_staff_user(
            username="dinas", password="kebun-kopi-ijen-2026", role=Role.AGENCY_OFFICER
        )

    assert "agency" in refused.value.message_dict


def test_staff_accounts_are_audited(db, village, regent):
    user = create_staff_user(
        username="petugas",
        password="kebun-kopi-ijen-2026",
        role=Role.VILLAGE_OFFICER,
        region=village,
        created_by=regent,
    )

    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert entry.actor == regent
    assert entry.target_id == str(user.pk)


def test_resident_accounts_are_not_made_by_the_staff_path(db):
    with pytest.raises(ValueError):
        create_staff_user(username="x", password="kebun-kopi-ijen-2026", role=Role.RESIDENT)
