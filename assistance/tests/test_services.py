"""Receipts, who is missed, and task-force decisions."""

from datetime import date

import pytest
from django.apps import apps

from assistance.models import (
    Flag,
    FlagKind,
    FlagStatus,
    Membership,
    MembershipStatus,
    WelfareCategory,
    WelfareStatus,
)
from assistance.services import (
    ReviewError,
    add_member,
    decide_flag,
    import_list,
    missed_residents,
    receipts_for,
)
from core.models import AuditEntry
from people.choices import Relationship, ResidentStatus, Sex

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(make_family, make_resident, village):
    family = make_family(village)
    head = make_resident(village, family=family, full_name="SLAMET", relationship=Relationship.HEAD)
    child = make_resident(
        village,
        family=family,
        full_name="DIMAS",
        relationship=Relationship.CHILD,
        birth_date=date(2010, 1, 2),
    )
    return family, head, child


def test_receipts_for_lists_own_and_family_programmes(programmes, household, regent):
    family, head, child = household
    add_member(programme=programmes["PKH"], period="2026", resident=head, actor=regent)
    add_member(programme=programmes["PIP"], period="2026", resident=child, actor=regent)

    found = receipts_for([head.pk, child.pk])

    assert [(item["code"], item["via"]) for item in found[head.pk]] == [("PKH", "person")]
    assert sorted((item["code"], item["via"]) for item in found[child.pk]) == [
        ("PIP", "person"),
        ("PKH", "family"),
    ]
    assert found[child.pk][0]["period"] == "2026"


def test_receipts_leave_out_excluded_memberships(programmes, household, regent):
    _family, head, _child = household
    membership = add_member(programme=programmes["PIP"], period="2026", resident=head, actor=regent)
    Membership.objects.filter(pk=membership.pk).update(status=MembershipStatus.EXCLUDED)

    assert receipts_for([head.pk]) == {head.pk: []}


def test_missed_lists_poor_and_verified_affected_who_receive_nothing(
    programmes, household, make_resident, village, regent, village_officer, other_village_officer
):
    family, head, child = household
    WelfareStatus.objects.create(family=family, village=village, category=WelfareCategory.DTKS)
    loner = make_resident(village, full_name="PAINEM", sex=Sex.FEMALE)
    WelfareStatus.objects.create(resident=loner, village=village, category=WelfareCategory.POOR)
    dead = make_resident(village, full_name="KARSO", status=ResidentStatus.DECEASED)
    WelfareStatus.objects.create(resident=dead, village=village, category=WelfareCategory.POOR)

    assert set(missed_residents(village_officer)) == {head, child, loner}
    assert not missed_residents(other_village_officer).exists()

    add_member(programme=programmes["BPNT"], period="2026", resident=head, actor=regent)
    assert set(missed_residents(village_officer)) == {loner}


def test_missed_includes_verified_pandemic_affected_residents(
    programmes, make_resident, village, village_officer
):
    try:
        affected = apps.get_model("health", "AffectedResident")
    except LookupError:
        pytest.skip("health.AffectedResident is not installed")
    worker = make_resident(village, full_name="BAGUS")
    reported = make_resident(village, full_name="ANGGA")
    category = affected._meta.get_field("category").choices[0][0]
    affected.objects.create(resident=worker, category=category, status="verified")
    affected.objects.create(resident=reported, category=category, status="reported")

    assert list(missed_residents(village_officer)) == [worker]


@pytest.fixture
def review_flag(programmes, list_file, make_resident, village):
    """A list row that matches a resident only probably: a match to review."""
    person = make_resident(village, full_name="NURHALIZA PUTRI", sex=Sex.FEMALE,
                           birth_date=date(1995, 3, 14))  # fmt: skip
    # A one-letter typo and a year one off: probable, not certain.
    path = list_file([["", "", "NURHALISA PUTRI", "14-03-1996", "", village.digits]])
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.MATCH_REVIEW
    assert flag.resident == person
    assert "birth_date_one_part_differs" in flag.evidence["match_reasons"]
    return flag, person


def test_confirming_a_match_to_review_enrols_the_person_and_is_audited(
    review_flag, make_user, village
):
    flag, person = review_flag
    assert not Membership.objects.exists()
    task_force = make_user("task_force")

    decide_flag(flag, user=task_force, decision=FlagStatus.CONFIRMED, reason="cek KTP")

    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.decided_by == task_force
    assert Membership.objects.get().resident == person
    entry = AuditEntry.objects.get(action="assistance.flag.confirmed")
    assert entry.detail["reason"] == "cek KTP"


def test_confirming_a_problem_strikes_the_recipient_off(
    programmes, list_file, make_resident, village, village_officer
):
    dead = make_resident(village, full_name="PAIMAN", status=ResidentStatus.DECEASED)
    path = list_file([[dead.nik, "", "PAIMAN", "", "", village.digits]])
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    flag = Flag.objects.get(kind=FlagKind.DECEASED)

    decide_flag(flag, user=village_officer, decision=FlagStatus.CONFIRMED, reason="akta kematian")

    assert Membership.objects.get().status == MembershipStatus.EXCLUDED


def test_rejecting_keeps_the_recipient_and_a_reason_is_required(
    programmes, list_file, make_resident, village, village_officer
):
    moved = make_resident(village, full_name="RUSDI", status=ResidentStatus.MOVED_OUT)
    path = list_file([[moved.nik, "", "RUSDI", "", "", village.digits]])
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    flag = Flag.objects.get()

    with pytest.raises(ReviewError, match="Alasan"):
        decide_flag(flag, user=village_officer, decision=FlagStatus.REJECTED, reason="  ")
    decide_flag(flag, user=village_officer, decision=FlagStatus.REJECTED, reason="sudah kembali")

    assert Membership.objects.get().status == MembershipStatus.ACTIVE
    with pytest.raises(ReviewError, match="sudah diputuskan"):
        decide_flag(flag, user=village_officer, decision=FlagStatus.CONFIRMED, reason="lagi")


def test_correcting_moves_the_membership_to_the_named_resident(
    programmes, list_file, make_resident, village, village_officer
):
    wrong = make_resident(village, full_name="SUKARDI", status=ResidentStatus.DECEASED)
    right = make_resident(village, full_name="SUKARDI", birth_date=date(1990, 1, 1))
    path = list_file([[wrong.nik, "", "SUKARDI", "", "", village.digits]])
    import_list(path, programme=programmes["PIP"], period="2026", dry_run=False)
    flag = Flag.objects.get()

    decide_flag(
        flag,
        user=village_officer,
        decision=FlagStatus.CORRECTED,
        reason="anaknya",
        nik=right.nik,
    )

    assert Membership.objects.get().resident == right
    with pytest.raises(ReviewError):
        other = Flag.objects.create(
            key="x", kind=FlagKind.NOT_IN_REGISTER, programme=flag.programme, period="2026",
            reason="x", village=village,
        )  # fmt: skip
        decide_flag(
            other, user=village_officer, decision=FlagStatus.CORRECTED, reason="r", nik="123"
        )
