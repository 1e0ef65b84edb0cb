"""Merging two records of one person: everything moves, audited, in one transaction."""

from datetime import date

import pytest
from django.apps import apps

from accounts.roles import Role
from assistance.models import Membership, Programme
from assistance.services import add_member, load_programmes
from core.models import AuditEntry
from people.choices import Relationship
from people.merging import MergeError, merge_residents
from people.models import Resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_family, make_resident, village):
    family = make_family(village)
    survivor = make_resident(village, full_name="SUPARMAN", birth_date=date(1970, 1, 1))
    duplicate = make_resident(
        village,
        full_name="SUPARMAN",
        family=family,
        relationship=Relationship.HEAD,
        nik=None,
        temp_id="TMP-0042",
        phone="080001234567",
        birth_date=date(1970, 1, 1),
    )
    family.head = duplicate
    family.save(update_fields=["head"])
    return survivor, duplicate, family


def test_merge_moves_applications_aid_vaccinations_and_the_family(pair, regent, make_user):
    survivor, duplicate, family = pair
    load_programmes()
    programmes = {code: Programme.objects.get(code=code) for code in ("PKH", "PIP")}
    add_member(programme=programmes["PKH"], period="2026", resident=duplicate, actor=regent)
    # Both records hold PIP 2026: the survivor keeps one, the duplicate's is dropped.
    add_member(programme=programmes["PIP"], period="2026", resident=duplicate, actor=regent)
    add_member(programme=programmes["PIP"], period="2026", resident=survivor, actor=regent)
    service = apps.get_model("services", "Service").objects.first()
    application = apps.get_model("services", "Application").objects.create(
        service=service, applicant=duplicate, subject=duplicate, village=duplicate.village
    )
    account = make_user(Role.RESIDENT, resident=duplicate)
    vaccination = None
    try:
        vaccination_model = apps.get_model("health", "Vaccination")
    except LookupError:
        vaccination_model = None
    if vaccination_model is not None:
        vaccination = vaccination_model.objects.create(
            resident=duplicate, dose=1, given_on=date(2021, 8, 1)
        )

    result = merge_residents(survivor, duplicate, actor=regent, reason="satu orang, cek KK")

    assert not Resident.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    family.refresh_from_db()
    application.refresh_from_db()
    account.refresh_from_db()
    assert application.applicant == survivor and application.subject == survivor
    assert account.resident == survivor
    assert family.head == survivor and survivor.family == family
    assert survivor.phone == "080001234567"
    assert set(Membership.objects.values_list("resident_id", "programme__code")) == {
        (survivor.pk, "PKH"),
        (survivor.pk, "PIP"),
    }
    assert list(result.dropped) == ["assistance.membership.resident"]
    if vaccination is not None:
        vaccination.refresh_from_db()
        assert vaccination.resident == survivor
    entry = AuditEntry.objects.get(action="people.resident.merged")
    assert entry.detail["duplicate_id"] == duplicate.pk
    assert entry.detail["reason"] == "satu orang, cek KK"
    assert entry.detail["moved"]["services.application.applicant"] == 1


def test_survivor_with_a_temporary_number_takes_the_nik(make_resident, village, regent):
    temporary = make_resident(village, full_name="SATUMI", nik=None, temp_id="TMP-7")
    real = make_resident(village, full_name="SATUMI")
    nik = real.nik

    merge_residents(temporary, real, actor=regent, reason="KTP sudah terbit")

    temporary.refresh_from_db()
    assert temporary.nik == nik and temporary.temp_id is None


def test_merge_needs_a_reason_and_two_records(pair, regent):
    survivor, duplicate, _family = pair
    with pytest.raises(MergeError):
        merge_residents(survivor, duplicate, actor=regent, reason=" ")
    with pytest.raises(MergeError):
        merge_residents(survivor, survivor, actor=regent, reason="x")
    assert Resident.objects.filter(pk=duplicate.pk).exists()


def test_a_failed_merge_changes_nothing(pair, regent, make_user):
    survivor, duplicate, _family = pair
    make_user(Role.RESIDENT, resident=survivor)
    make_user(Role.RESIDENT, resident=duplicate)
    load_programmes()
    add_member(programme=Programme.objects.get(code="PKH"), period="2026", resident=duplicate,
               actor=regent)  # fmt: skip

    with pytest.raises(MergeError):
        merge_residents(survivor, duplicate, actor=regent, reason="dua akun")

    assert Membership.objects.get().resident_id == duplicate.pk
    assert not AuditEntry.objects.filter(action="people.resident.merged").exists()
