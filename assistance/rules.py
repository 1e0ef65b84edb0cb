"""Evaluating combination rules over enrolments, per person and per family.

Pure Python: the rules arrive as :class:`RuleSpec` (built from ``CombinationRule`` rows by
``assistance.services.rule_specs``) and the enrolments as :class:`Enrolment`, so the same
function checks a list before it is written, the whole register's memberships, and the
benchmark's generated data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: int
    kind: str  # "exclusive" or "family_limit"
    programme: str  # programme code
    others: frozenset[str]
    scope: str  # "person" or "family"
    limit: int = 1
    note: str = ""


@dataclass(frozen=True, slots=True)
class Enrolment:
    """One person receiving one programme in one period (existing or about to be added)."""

    resident_id: int
    family_id: int | None
    programme: str
    period: str
    membership_id: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Violation:
    rule: RuleSpec
    period: str
    family_id: int | None
    resident_id: int | None  # set for person-scope rules
    enrolments: tuple[Enrolment, ...]

    @property
    def key(self) -> str:
        subject = f"r{self.resident_id}" if self.resident_id else f"f{self.family_id}"
        return f"rule:{self.rule.id}:{self.period}:{subject}"

    def programmes(self) -> list[str]:
        return sorted({enrolment.programme for enrolment in self.enrolments})


def check_rules(enrolments: Iterable[Enrolment], rules: Iterable[RuleSpec]) -> list[Violation]:
    """Every rule broken by the enrolments, once per rule, period and person or family."""
    by_family: dict[tuple[str, int], list[Enrolment]] = defaultdict(list)
    by_person: dict[tuple[str, int], list[Enrolment]] = defaultdict(list)
    for enrolment in enrolments:
        by_person[(enrolment.period, enrolment.resident_id)].append(enrolment)
        # Someone without a family card is a family of one.
        family = enrolment.family_id if enrolment.family_id else -enrolment.resident_id
        by_family[(enrolment.period, family)].append(enrolment)

    violations: list[Violation] = []
    for rule in rules:
        if rule.kind == "family_limit":
            for (period, family), group in by_family.items():
                people = {e.resident_id for e in group if e.programme == rule.programme}
                if len(people) > rule.limit:
                    involved = tuple(e for e in group if e.programme == rule.programme)
                    violations.append(
                        Violation(rule, period, family if family > 0 else None, None, involved)
                    )
            continue
        groups = by_person if rule.scope == "person" else by_family
        for (period, subject), group in groups.items():
            programmes = {e.programme for e in group}
            if rule.programme not in programmes or not (programmes & rule.others):
                continue
            involved = tuple(
                e for e in group if e.programme == rule.programme or e.programme in rule.others
            )
            if rule.scope == "person":
                violations.append(Violation(rule, period, group[0].family_id, subject, involved))
            else:
                family_id = subject if subject > 0 else None
                violations.append(Violation(rule, period, family_id, None, involved))
    return violations
