"""Combination rules are data, evaluated per person and per family."""

from datetime import date

import pytest

from assistance.models import (
    CombinationRule,
    Flag,
    FlagKind,
    FlagStatus,
    Membership,
    MembershipStatus,
    RuleKind,
    RuleScope,
)
from assistance.rules import Enrolment, RuleSpec, check_rules
from assistance.services import decide_flag, import_list
from people.choices import Relationship, Sex

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_with_spouse(make_family, make_resident, village):
    family = make_family(village)
    head = make_resident(
        village,
        family=family,
        full_name="SLAMET",
        relationship=Relationship.HEAD,
        birth_date=date(1970, 2, 3),
    )
    spouse = make_resident(
        village,
        family=family,
        full_name="SUMINAH",
        sex=Sex.FEMALE,
        relationship=Relationship.WIFE,
        birth_date=date(1974, 5, 6),
    )
    family.head = head
    family.save(update_fields=["head"])
    return family, head, spouse


def test_family_scenario_lists_the_village_fund_conflict_and_the_double_transfer_only(
    pandemic_rules, list_file, family_with_spouse, village, regent
):
    family, head, spouse = family_with_spouse
    head_row = [head.nik, family.no_kk, head.full_name, "", "", village.digits]
    spouse_row = [spouse.nik, family.no_kk, spouse.full_name, "", "", village.digits]
    for code, rows in (
        ("PKH", [head_row]),
        ("BPNT", [head_row]),
        ("BLT-DD", [head_row]),
        ("BST", [head_row, spouse_row]),
    ):
        path = list_file(rows, name=f"{code}.csv")
        import_list(path, programme=pandemic_rules[code], period="2020", dry_run=False)

    flags = Flag.objects.filter(family=family)
    combination = flags.get(kind=FlagKind.COMBINATION)
    # Raised when the village-fund list arrived, naming what the family already received.
    assert set(combination.evidence["programmes"]) == {"BLT-DD", "PKH", "BPNT"}
    assert "BLT-DD tidak boleh bersamaan" in combination.reason
    double = flags.get(kind=FlagKind.FAMILY_LIMIT)
    assert double.programme.code == "BST"
    # PKH with food staples is allowed: no flag names only those two.
    assert flags.count() == 2

    # Confirming the conflict strikes off the village-fund transfer, not what it excludes.
    decide_flag(combination, user=regent, decision=FlagStatus.CONFIRMED, reason="musdes")
    active = Membership.objects.filter(family=family, status=MembershipStatus.ACTIVE)
    assert sorted(active.values_list("programme__code", flat=True)) == ["BPNT", "BST", "PKH"]
    # The second transfer was never added: confirming the double strikes nobody off.
    decide_flag(double, user=regent, decision=FlagStatus.CONFIRMED, reason="satu saja")
    assert active.count() == 3


def test_rules_are_evaluated_per_person_and_per_family():
    rules = [
        RuleSpec(1, "exclusive", "BLT-DD", frozenset({"PKH", "BPNT", "BST"}), "family"),
        RuleSpec(2, "family_limit", "BST", frozenset(), "family", 1),
        RuleSpec(3, "exclusive", "PBI-APBD", frozenset({"PBI-JKN"}), "person"),
    ]
    enrolments = [
        Enrolment(1, 10, "PKH", "2020"),
        Enrolment(1, 10, "BPNT", "2020"),
        Enrolment(2, 10, "BLT-DD", "2020"),
        Enrolment(1, 10, "BST", "2020"),
        Enrolment(2, 10, "BST", "2020"),
        # Two people of one family in the two health schemes: allowed, the rule is per person.
        Enrolment(3, 11, "PBI-JKN", "2020"),
        Enrolment(4, 11, "PBI-APBD", "2020"),
        # The same person in both: forbidden.
        Enrolment(5, 12, "PBI-JKN", "2020"),
        Enrolment(5, 12, "PBI-APBD", "2020"),
        # Another round is not the same period.
        Enrolment(6, 13, "PKH", "2020"),
        Enrolment(6, 13, "BLT-DD", "2021"),
    ]

    found = {(v.rule.id, v.family_id, v.resident_id) for v in check_rules(enrolments, rules)}

    assert found == {(1, 10, None), (2, 10, None), (3, 12, 5)}


def test_staff_change_a_rule_without_code(programmes, family_with_spouse, list_file, village):
    family, head, _spouse = family_with_spouse
    rule = CombinationRule.objects.create(
        programme=programmes["PIP"], kind=RuleKind.EXCLUSIVE, scope=RuleScope.PERSON
    )
    rule.others.set([programmes["BANYUWANGI-CERDAS"]])
    row = [head.nik, "", head.full_name, "", "", village.digits]
    for code in ("PIP", "BANYUWANGI-CERDAS"):
        path = list_file([row], name=f"{code}.csv")
        import_list(path, programme=programmes[code], period="2026", dry_run=False)

    flag = Flag.objects.get(kind=FlagKind.COMBINATION)
    assert flag.resident == head
    assert flag.evidence["rule"] == rule.pk
