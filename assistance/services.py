"""Business rules of social assistance: programmes, list import, flags, review, queries.

Views, API endpoints and jobs call these functions; they hold every rule.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import VILLAGE_ROLES, Role
from assistance.listfile import ListRow, read_list
from assistance.matching import Needs, Person, Result, Row, match_rows, read_nik
from assistance.models import (
    BeneficiaryList,
    CombinationRule,
    Flag,
    FlagKind,
    FlagStatus,
    LineOutcome,
    ListStatus,
    MatchMethod,
    Membership,
    MembershipStatus,
    Programme,
    ReportLine,
    WelfareStatus,
)
from assistance.rules import Enrolment, RuleSpec, Violation, check_rules
from core.audit import record
from people.choices import ResidentStatus
from people.importing.errors import ImportFileError
from people.models import Family, Resident
from people.nik import WIB, InvalidIdentifier, mask_nik, parse_nik
from regions.models import Region

logger = logging.getLogger(__name__)

DATA_FILE = Path(__file__).resolve().parent / "data" / "assistance-programs.csv"
REGENCY_CODE = "3510"
# Roles that import lists and decide flags; village staff decide flags of their own village.
IMPORT_ROLES = frozenset({Role.REGENT, Role.TASK_FORCE})
REVIEW_ROLES = IMPORT_ROLES | VILLAGE_ROLES
NIK_LOOKUP_CHUNK = 500
# Kinds of flag whose confirmation strikes the flagged recipient off the list. A repeated row
# and a second member of a household programme were never added: confirming closes the flag.
STRIKE_OFF_KINDS = frozenset(
    {
        FlagKind.COMBINATION,
        FlagKind.FAMILY_LIMIT,
        FlagKind.DECEASED,
        FlagKind.MOVED_OUT,
        FlagKind.OUTSIDE_REGENCY,
        FlagKind.TWO_VILLAGES,
    }
)


class AlreadyMember(Exception):
    """The person (or, for a household programme, the family) already holds the programme."""


class ReviewError(ValueError):
    """A review decision that cannot be applied; the message says why."""


# --------------------------------------------------------------------------- programmes


def load_programmes(path: Path = DATA_FILE, programme_model=Programme) -> int:
    """Create or update the programmes of the data file; returns how many it holds."""
    count = 0
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            programme_model.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "level": row["level"],
                    "unit": row["unit"],
                    "description": row["description"],
                },
            )
            count += 1
    return count


def rule_specs() -> list[RuleSpec]:
    """The active combination rules, as plain values for ``assistance.rules``."""
    specs = []
    rules = CombinationRule.objects.filter(active=True).select_related("programme")
    for rule in rules.prefetch_related("others"):
        specs.append(
            RuleSpec(
                id=rule.pk,
                kind=rule.kind,
                programme=rule.programme.code,
                others=frozenset(other.code for other in rule.others.all()),
                scope=rule.scope,
                limit=rule.limit,
                note=rule.note,
            )
        )
    return specs


def violation_reason(violation: Violation) -> str:
    rule = violation.rule
    if rule.kind == "family_limit":
        return _(
            "%(programme)s diterima %(count)s anggota satu keluarga; paling banyak %(limit)s."
        ) % {
            "programme": rule.programme,
            "count": len({e.resident_id for e in violation.enrolments}),
            "limit": rule.limit,
        }
    who = _("orang yang sama") if rule.scope == "person" else _("keluarga yang sama")
    return _("%(programme)s tidak boleh bersamaan dengan %(others)s pada %(who)s.") % {
        "programme": rule.programme,
        "others": ", ".join(p for p in violation.programmes() if p != rule.programme),
        "who": who,
    }


def check_family_rules(family_ids: Iterable[int], period: str) -> list[Violation]:
    """Rules broken by the active memberships of these families in ``period``."""
    enrolments = [
        Enrolment(resident_id, family_id, code, period, membership_id)
        for membership_id, resident_id, family_id, code in Membership.objects.filter(
            family_id__in=list(family_ids), period=period, status=MembershipStatus.ACTIVE
        ).values_list("pk", "resident_id", "family_id", "programme__code")
    ]
    return check_rules(enrolments, rule_specs())


# --------------------------------------------------------------------------- memberships


def add_member(
    *, programme: Programme, period: str, resident: Resident, actor, request=None
) -> Membership:
    """Enrol one resident by hand; raises AlreadyMember when the database holds them already."""
    membership = Membership(
        programme=programme,
        period=period,
        resident=resident,
        family_id=resident.family_id,
        household=programme.is_household,
        village_id=resident.village_id,
        match_method=MatchMethod.MANUAL,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            membership.save()
            record(
                "assistance.membership.added",
                actor=actor,
                target=membership,
                request=request,
                summary=f"{programme.code} {period}: {mask_nik(resident.nik)}",
                programme=programme.code,
                period=period,
            )
    except IntegrityError:
        raise AlreadyMember(_already_text(programme, period)) from None
    _raise_rule_flags([resident.family_id] if resident.family_id else [], period, None)
    return membership


def _already_text(programme: Programme, period: str) -> str:
    if programme.is_household:
        return _(
            "Keluarga ini sudah menerima %(programme)s periode %(period)s; program ini satu "
            "penerima per keluarga."
        ) % {"programme": programme.code, "period": period}
    return _("NIK ini sudah terdaftar sebagai penerima %(programme)s periode %(period)s.") % {
        "programme": programme.code,
        "period": period,
    }


def _raise_rule_flags(family_ids: list[int], period: str, source) -> int:
    """Flags for every combination rule the families break in ``period`` (idempotent)."""
    if not family_ids:
        return 0
    violations = check_family_rules(family_ids, period)
    memberships = Membership.objects.in_bulk(
        [e.membership_id for v in violations for e in v.enrolments if e.membership_id]
    )
    flags = []
    for violation in violations:
        # The flag points at the newest membership of the rule's own programme: the one a
        # confirmed flag strikes off (BLT-DD, not the PKH it excludes).
        own = [
            e.membership_id for e in violation.enrolments if e.programme == violation.rule.programme
        ]
        membership = memberships.get(max(own)) if own else None
        if membership is not None:
            flags.append(_violation_flag(violation, membership, source))
    Flag.objects.bulk_create(flags, ignore_conflicts=True)
    return len(flags)


def _violation_flag(violation: Violation, membership: Membership, source, line=None) -> Flag:
    rule = violation.rule
    kind = FlagKind.FAMILY_LIMIT if rule.kind == "family_limit" else FlagKind.COMBINATION
    return Flag(
        key=violation.key,
        kind=kind,
        programme_id=membership.programme_id,
        period=violation.period,
        membership=membership,
        resident_id=violation.resident_id or membership.resident_id,
        family_id=violation.family_id,
        village_id=membership.village_id,
        source=source,
        line_number=line,
        reason=violation_reason(violation)[:255],
        evidence={
            "rule": rule.id,
            "rule_note": rule.note,
            "programmes": violation.programmes(),
            "recipients": [
                {"resident": e.resident_id, "programme": e.programme, "line": e.line}
                for e in violation.enrolments
            ],
        },
    )


# --------------------------------------------------------------------------- list import


class VillageResolver:
    """Finds the village of a list row by code, or by name (with the district when needed)."""

    def __init__(self):
        self.by_digits: dict[str, Region] = {}
        self.by_name: dict[str, list[Region]] = defaultdict(list)
        for village in Region.objects.villages().select_related("parent"):
            self.by_digits[village.digits] = village
            self.by_name[_plain(village.name)].append(village)

    def resolve(self, row: ListRow) -> Region | None:
        if row.village_code:
            return self.by_digits.get(row.village_code)
        found = self.by_name.get(_plain(row.village_text), [])
        if len(found) > 1 and row.district_text:
            found = [v for v in found if _plain(v.parent.name) == _plain(row.district_text)]
        return found[0] if len(found) == 1 else None


def _plain(text: str) -> str:
    text = text.upper()
    for prefix in ("DESA ", "KELURAHAN ", "KEL. ", "KECAMATAN ", "KEC. "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return "".join(char for char in text if char.isalnum())


def _person(values: tuple) -> Person:
    pk, nik, name, born, village_id, family_id, status, district_id = values
    return Person(pk, nik, name, born, str(village_id), family_id, status, str(district_id))


_PERSON_FIELDS = (
    "pk",
    "nik",
    "full_name",
    "birth_date",
    "village_id",
    "family_id",
    "status",
    "village__parent_id",
)


def _lookup_niks(niks: list[str]) -> dict[str, Person]:
    found = {}
    for start in range(0, len(niks), NIK_LOOKUP_CHUNK):
        chunk = niks[start : start + NIK_LOOKUP_CHUNK]
        for values in Resident.objects.filter(nik__in=chunk).values_list(*_PERSON_FIELDS):
            found[values[1]] = _person(values)
    return found


def _scan_register(needs: Needs) -> Iterator[Person]:
    """Residents who can be candidates: those in the villages, or born on the dates, asked for.

    For a long list this is one pass over the register, streamed.
    """
    villages = [int(village) for village in needs.villages]
    condition = models.Q(village_id__in=villages)
    if len(needs.dates) <= 2000:
        condition |= models.Q(birth_date__in=list(needs.dates))
    else:
        condition = models.Q()
    query = Resident.objects.filter(condition).values_list(*_PERSON_FIELDS)
    for values in query.iterator(chunk_size=5000):
        yield _person(values)


@dataclass
class RowOutcome:
    line: int
    outcome: str  # "added", "rejected", "review", "unmatched"
    reasons: list[str] = field(default_factory=list)
    resident_id: int | None = None
    score: float | None = None


def _row_key(programme: Programme, period: str, kind: str, row: ListRow) -> str:
    text = "|".join(
        (str(read_nik(row.nik)[0] or row.nik or ""), row.name.upper(), str(row.birth_date),
         row.village_code or _plain(row.village_text))
    )  # fmt: skip
    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    return f"{kind}:{programme.code}:{period}:{digest}"


def import_list(
    path: Path,
    *,
    programme: Programme,
    period: str,
    actor=None,
    dry_run: bool = True,
    sheet: str | None = None,
    file_name: str = "",
    stored_file: str = "",
    progress: Callable[..., None] | None = None,
) -> BeneficiaryList:
    """Import a beneficiary list (or try it, ``dry_run``); returns its saved record and report.

    Rows are matched to the register (NIK first, then name, birth date and village). Linked
    rows become memberships unless the person (or the family, for a household programme)
    holds the programme already or appears twice in the file: those rows are rejected with
    their line numbers. Problems become flags for review. Re-importing the same file adds
    nothing and raises no flag twice. A wrong sheet or header raises ImportFileError, after
    the run is recorded as failed.
    """
    path = Path(path)
    user = actor if getattr(actor, "is_authenticated", False) else None
    period = period.strip()
    record_ = BeneficiaryList(
        programme=programme,
        period=period,
        file_name=(file_name or path.name)[:255],
        file_sha256=_sha256(path),
        dry_run=dry_run,
        stored_file=stored_file if dry_run else "",
        sheet=sheet or "",
        status=ListStatus.FAILED,
        created_by=user,
    )
    try:
        rows = read_list(path, sheet=sheet, today=timezone.now().astimezone(WIB).date())
    except ImportFileError as error:
        record_.error = str(error)
        record_.save()
        raise
    if progress:
        progress(0, len(rows), _("%(count)s baris dibaca") % {"count": len(rows)})

    plan = _plan(rows, programme, period, progress)
    outcomes, memberships, flags = plan.outcomes, plan.memberships, plan.flags
    record_.rows_read = len(rows)
    record_.added = len(memberships)
    record_.rejected = sum(1 for o in outcomes if o.outcome == "rejected")
    record_.review = sum(1 for o in outcomes if o.outcome in ("review", "unmatched"))
    record_.status = ListStatus.DRY_RUN if dry_run else ListStatus.DONE
    if dry_run:
        record_.flags = len(flags)
        with transaction.atomic():
            record_.save()
            _save_report(record_, outcomes)
        return record_

    with transaction.atomic():
        record_.save()
        _save_report(record_, outcomes)
        for membership in memberships:
            membership.source = record_
            membership.created_by = user
        Membership.objects.bulk_create(memberships, batch_size=1000)
        by_line = {membership.line_number: membership for membership in memberships}
        for flag in flags:
            flag.source = record_
            if (
                flag.membership_id is None
                and flag.kind != FlagKind.FAMILY_LIMIT
                and flag.line_number in by_line
            ):
                flag.membership = by_line[flag.line_number]
        Flag.objects.bulk_create(flags, batch_size=1000, ignore_conflicts=True)
        _raise_rule_flags(sorted(plan.family_ids), period, record_)
        # Flags raised before by the same problem keep their first source: only new ones count.
        record_.flags = Flag.objects.filter(source=record_).count()
        record_.save(update_fields=["flags"])
        record(
            "assistance.list.imported",
            actor=user,
            target=record_,
            summary=f"{programme.code} {period}: {record_.added} added, "
            f"{record_.rejected} rejected",
            rows=len(rows),
            added=record_.added,
            rejected=record_.rejected,
            flags=record_.flags,
        )
    logger.info(
        "List %s for %s %s: %s rows, %s added, %s rejected, %s flags",
        record_.pk, programme.code, period, len(rows), record_.added, record_.rejected,
        record_.flags,
    )  # fmt: skip
    return record_


REPORT_BATCH = 5000


# The report's filter, grouped as the list's counts are: "to check" holds the rows matched to
# nobody as well as those matched uncertainly.
REPORT_FILTERS = {
    LineOutcome.ADDED: [LineOutcome.ADDED],
    LineOutcome.REJECTED: [LineOutcome.REJECTED],
    LineOutcome.REVIEW: [LineOutcome.REVIEW, LineOutcome.UNMATCHED],
}


@dataclass
class ReportPage:
    lines: list[ReportLine]
    next_line: int | None  # where the next page starts, None on the last
    previous_line: int | None  # where the previous page starts, None on the first


def report_page(
    beneficiary_list: BeneficiaryList, *, outcome: str = "", from_line: int = 0, size: int = 100
) -> ReportPage:
    """A page of a list's report from ``from_line`` on, of one outcome if given: read by
    line number on an index, so the last page of a long list costs what the first does."""
    lines = beneficiary_list.report_lines.all()
    if outcome:
        lines = lines.filter(outcome__in=REPORT_FILTERS.get(outcome, [outcome]))
    page = list(lines.filter(line__gte=from_line).order_by("line")[: size + 1])
    next_line = page[size].line if len(page) > size else None
    earlier = list(
        lines.filter(line__lt=from_line).order_by("-line").values_list("line", flat=True)[:size]
    )
    return ReportPage(page[:size], next_line, earlier[-1] if earlier else None)


def _save_report(beneficiary_list: BeneficiaryList, outcomes: list[RowOutcome]) -> None:
    """One ReportLine per row of the file, written in batches (built per batch, not all at
    once: a regency's list has hundreds of thousands of rows)."""
    for start in range(0, len(outcomes), REPORT_BATCH):
        ReportLine.objects.bulk_create(
            [
                ReportLine(
                    beneficiary_list=beneficiary_list,
                    line=outcome.line,
                    outcome=outcome.outcome,
                    reasons=outcome.reasons,
                    score=outcome.score,
                )
                for outcome in outcomes[start : start + REPORT_BATCH]
            ]
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


@dataclass
class _Plan:
    outcomes: list[RowOutcome]
    memberships: list[Membership]
    flags: list[Flag]
    family_ids: set[int]


def _plan(rows: list[ListRow], programme: Programme, period: str, progress) -> _Plan:
    """Everything the import would write, computed without writing."""
    villages = VillageResolver()
    outcomes: dict[int, RowOutcome] = {}
    to_match: list[Row] = []
    row_village: dict[int, Region | None] = {}
    first_line_of_nik: dict[str, int] = {}
    duplicates: list[tuple[ListRow, int]] = []
    for row in rows:
        if row.problem:
            outcomes[row.line] = RowOutcome(row.line, "rejected", [row.problem])
            continue
        nik = read_nik(row.nik)[0]
        if nik and nik in first_line_of_nik:
            duplicates.append((row, first_line_of_nik[nik]))
            outcomes[row.line] = RowOutcome(
                row.line,
                "rejected",
                [_("NIK ganda dalam daftar: sama dengan baris %(line)s.")
                 % {"line": first_line_of_nik[nik]}],
            )  # fmt: skip
            continue
        if nik:
            first_line_of_nik[nik] = row.line
        village = villages.resolve(row)
        row_village[row.line] = village
        to_match.append(
            Row(
                row.line,
                row.nik,
                row.name,
                row.birth_date,
                str(village.pk) if village else None,
                str(village.parent_id) if village else "",
            )
        )

    results = match_rows(
        to_match, lookup_niks=_lookup_niks, scan_register=_scan_register, progress=progress
    )
    by_line = {row.line: row for row in rows}
    linked_ids = [r.person.id for r in results if r.decision == "link"]
    existing_people = set(
        Membership.objects.filter(
            programme=programme, period=period, resident_id__in=linked_ids
        ).values_list("resident_id", flat=True)
    )
    family_ids = {r.person.family_id for r in results if r.person and r.person.family_id}
    existing_families: dict[int, int] = {}
    if programme.is_household:
        existing_families = dict(
            Membership.objects.filter(
                programme=programme, period=period, family_id__in=family_ids
            ).values_list("family_id", "pk")
        )
    memberships: list[Membership] = []
    flags: list[Flag] = []
    for row, first_line in duplicates:
        village = row_village.get(first_line)
        flags.append(_duplicate_flag(programme, period, row, first_line, village))
    first_line_of_person: dict[int, int] = {}
    first_line_of_family: dict[int, int] = {}
    for result in results:
        row = by_line[result.line]
        village = row_village[result.line]
        outcome = _row_outcome(
            result, row, village, programme, period, flags,
            existing_people, existing_families, first_line_of_person, first_line_of_family,
        )  # fmt: skip
        if outcome.outcome == "added":
            person = result.person
            memberships.append(
                Membership(
                    programme=programme,
                    period=period,
                    resident_id=person.id,
                    family_id=person.family_id,
                    household=programme.is_household,
                    village_id=int(person.village),
                    line_number=row.line,
                    match_method=result.method,
                    match_score=result.score,
                    match_reasons=result.reasons,
                )
            )
        outcomes[row.line] = outcome
    if progress:
        progress(len(rows), len(rows), _("pencocokan selesai"))
    return _Plan([outcomes[row.line] for row in rows], memberships, flags, family_ids - {None})


def _row_outcome(
    result: Result,
    row: ListRow,
    village: Region | None,
    programme: Programme,
    period: str,
    flags: list[Flag],
    existing_people: set[int],
    existing_families: dict[int, int],
    first_line_of_person: dict[int, int],
    first_line_of_family: dict[int, int],
) -> RowOutcome:
    evidence = {
        "line": row.line,
        "nik": mask_nik(row.nik if isinstance(row.nik, str) else ""),
        "name": row.name,
        "birth_date": row.birth_date.isoformat() if row.birth_date else "",
        "village": row.village_text or row.village_code,
        "match_reasons": result.reasons,
        "score": result.score,
    }
    village_id = village.pk if village else None
    if result.decision != "link":
        kind, reason = _unlinked_flag(result)
        if result.decision == "review" and result.person is not None:
            evidence["candidate"] = result.person.id
            village_id = int(result.person.village)
        flags.append(
            Flag(
                key=_row_key(programme, period, kind, row),
                kind=kind,
                programme=programme,
                period=period,
                resident_id=result.person.id if result.person else None,
                village_id=village_id,
                line_number=row.line,
                reason=reason,
                evidence=evidence,
            )
        )
        return RowOutcome(row.line, result.decision, [reason, *result.reasons], None, result.score)

    person = result.person
    if person.id in first_line_of_person:
        flags.append(
            _duplicate_flag(
                programme, period, row, first_line_of_person[person.id], village, person
            )
        )
        return RowOutcome(
            row.line,
            "rejected",
            [_("Orang yang sama dengan baris %(line)s (ganda dalam daftar).")
             % {"line": first_line_of_person[person.id]}],
            person.id,
        )  # fmt: skip
    first_line_of_person[person.id] = row.line
    if person.id in existing_people:
        return RowOutcome(row.line, "rejected", [_already_text(programme, period)], person.id)
    if programme.is_household and person.family_id:
        earlier = first_line_of_family.get(person.family_id)
        if earlier is not None or person.family_id in existing_families:
            flags.append(
                Flag(
                    key=f"family_limit:{programme.code}:{period}:f{person.family_id}",
                    kind=FlagKind.FAMILY_LIMIT,
                    programme=programme,
                    period=period,
                    # The extra row was never added: confirming this flag strikes nobody off.
                    resident_id=person.id,
                    family_id=person.family_id,
                    village_id=int(person.village),
                    line_number=earlier or row.line,
                    reason=_(
                        "Lebih dari satu anggota keluarga terdaftar untuk %(programme)s "
                        "(program per keluarga)."
                    )
                    % {"programme": programme.code},
                    evidence={
                        **evidence,
                        "earlier_line": earlier,
                        "existing_membership": existing_families.get(person.family_id),
                    },
                )
            )
            return RowOutcome(row.line, "rejected", [_already_text(programme, period)], person.id)
        first_line_of_family[person.family_id] = row.line

    reasons = list(result.reasons)
    for kind, reason in _person_problems(person, village):
        flags.append(
            Flag(
                key=f"{kind}:{programme.code}:{period}:r{person.id}",
                kind=kind,
                programme=programme,
                period=period,
                resident_id=person.id,
                family_id=person.family_id,
                village_id=int(person.village),
                line_number=row.line,
                reason=reason,
                evidence=evidence,
            )
        )
        reasons.append(reason)
    return RowOutcome(row.line, "added", reasons, person.id, result.score)


def _duplicate_flag(
    programme: Programme,
    period: str,
    row: ListRow,
    first_line: int,
    village: Region | None,
    person: Person | None = None,
) -> Flag:
    """A row naming the same NIK or person as an earlier row of the same list."""
    return Flag(
        key=_row_key(programme, period, FlagKind.DUPLICATE_IN_LIST, row),
        kind=FlagKind.DUPLICATE_IN_LIST,
        programme=programme,
        period=period,
        resident_id=person.id if person else None,
        family_id=person.family_id if person else None,
        village_id=int(person.village) if person else (village.pk if village else None),
        # The flag points at the first row's membership; the repeated row was not added.
        line_number=first_line,
        reason=_("Baris %(line)s mengulang baris %(first)s dari daftar yang sama.")
        % {"line": row.line, "first": first_line},
        evidence={"line": row.line, "first_line": first_line, "name": row.name},
    )


def _unlinked_flag(result: Result) -> tuple[str, str]:
    if result.decision == "review":
        return FlagKind.MATCH_REVIEW, _(
            "Kecocokan dengan data penduduk belum pasti (skor %(score).2f); periksa."
        ) % {"score": result.score or 0}
    if result.nik_problem == "nik_other_person":
        return FlagKind.MATCH_REVIEW, _(
            "NIK ini milik penduduk lain yang namanya berbeda; periksa NIK dan nama."
        )
    if result.nik and not result.nik.startswith(REGENCY_CODE):
        return FlagKind.OUTSIDE_REGENCY, _("NIK terdaftar di luar Kabupaten Banyuwangi.")
    if result.nik:
        return FlagKind.NOT_IN_REGISTER, _("NIK tidak ada di data penduduk.")
    return FlagKind.NOT_IN_REGISTER, _(
        "Tidak ditemukan di data penduduk (NIK kosong atau tidak sah, nama dan tanggal lahir "
        "tidak cocok)."
    )


def _person_problems(person: Person, village: Region | None) -> list[tuple[str, str]]:
    problems = []
    if person.status == ResidentStatus.DECEASED:
        problems.append((FlagKind.DECEASED, _("Penerima tercatat meninggal.")))
    elif person.status == ResidentStatus.MOVED_OUT:
        problems.append((FlagKind.MOVED_OUT, _("Penerima tercatat pindah keluar.")))
    if village is not None and str(village.pk) != person.village:
        problems.append(
            (
                FlagKind.TWO_VILLAGES,
                _("Didaftarkan di desa %(listed)s, tetapi tercatat sebagai penduduk desa lain.")
                % {"listed": village.name},
            )
        )
    return problems


# --------------------------------------------------------------------------- review


def may_review(user) -> bool:
    return getattr(user, "role", None) in REVIEW_ROLES


def decide_flag(
    flag: Flag, *, user, decision: str, reason: str, nik: str = "", request=None
) -> Flag:
    """Confirm, reject or correct a flag, with a reason; audited.

    * confirm: the problem is real; the flagged recipient is struck off the list (a match to
      review is accepted instead, and the person enrolled; a repeated row just closes);
    * reject: a false alarm; nothing changes but the flag;
    * correct: the recipient is someone else, named by ``nik``: the membership moves to them
      (or is created for a row that matched nobody).
    """
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("Alasan keputusan wajib diisi."))
    if decision not in (FlagStatus.CONFIRMED, FlagStatus.REJECTED, FlagStatus.CORRECTED):
        raise ReviewError(_("Keputusan tidak dikenal."))
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != FlagStatus.OPEN:
            raise ReviewError(_("Temuan ini sudah diputuskan."))
        detail: dict[str, object] = {}
        if decision == FlagStatus.CONFIRMED:
            if flag.kind == FlagKind.MATCH_REVIEW and flag.resident_id:
                detail["membership"] = _enrol_reviewed(flag, flag.resident, user).pk
            elif flag.kind in STRIKE_OFF_KINDS and flag.membership_id:
                Membership.objects.filter(pk=flag.membership_id).update(
                    status=MembershipStatus.EXCLUDED
                )
                detail["excluded"] = flag.membership_id
        elif decision == FlagStatus.CORRECTED:
            resident = _resident_for_correction(nik, user)
            if flag.membership_id:
                membership = flag.membership
                _move_membership(membership, resident)
                detail["membership"] = membership.pk
            else:
                detail["membership"] = _enrol_reviewed(flag, resident, user).pk
            detail["corrected_to"] = resident.pk
        flag.status = decision
        flag.decision_reason = reason[:255]
        flag.decided_by = user
        flag.decided_at = timezone.now()
        flag.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
        record(
            f"assistance.flag.{decision}",
            actor=user,
            target=flag,
            request=request,
            summary=f"{flag.kind} {flag.programme_id}/{flag.period}: {reason}"[:255],
            reason=reason,
            **detail,
        )
    return flag


def _resident_for_correction(nik: str, user) -> Resident:
    try:
        info = parse_nik(nik)
    except InvalidIdentifier as error:
        raise ReviewError(_("NIK pengganti tidak sah: %(error)s") % {"error": error}) from None
    resident = Resident.objects.visible_to(user).filter(nik=info.nik).first()
    if resident is None:
        raise ReviewError(_("NIK pengganti tidak ada di data penduduk wilayah Anda."))
    return resident


def _enrol_reviewed(flag: Flag, resident: Resident, user) -> Membership:
    try:
        with transaction.atomic():
            return Membership.objects.create(
                programme=flag.programme,
                period=flag.period,
                resident=resident,
                family_id=resident.family_id,
                household=flag.programme.is_household,
                village_id=resident.village_id,
                source=flag.source,
                line_number=flag.line_number,
                match_method=MatchMethod.MANUAL,
                match_score=flag.evidence.get("score"),
                match_reasons=flag.evidence.get("match_reasons", []),
                created_by=user,
            )
    except IntegrityError:
        raise ReviewError(_already_text(flag.programme, flag.period)) from None


def _move_membership(membership: Membership, resident: Resident) -> None:
    membership.resident = resident
    membership.family_id = resident.family_id
    membership.village_id = resident.village_id
    membership.match_method = MatchMethod.MANUAL
    try:
        with transaction.atomic():
            membership.save(update_fields=["resident", "family", "village", "match_method"])
    except IntegrityError:
        raise ReviewError(_already_text(membership.programme, membership.period)) from None


# --------------------------------------------------------------------------- welfare status


def mark_family_poor(
    family: Family, *, category: str, source: str, actor, request=None
) -> WelfareStatus:
    """Record (or change) a family's welfare status, as the task force or village decides."""
    with transaction.atomic():
        status, created = WelfareStatus.objects.update_or_create(
            family=family,
            defaults={
                "category": category,
                "source": source[:100],
                "village_id": family.village_id,
                "recorded_by": actor,
            },
        )
        record(
            "assistance.welfare_status.set",
            actor=actor,
            target=status,
            request=request,
            summary=f"{mask_nik(family.no_kk)}: {category}",
            category=category,
            created=created,
        )
    return status


# --------------------------------------------------------------------------- queries


def receipts_for(resident_ids: Iterable[int]) -> dict[int, list[dict]]:
    """For each resident id, the programmes they or their family receive (active memberships).

    Each entry: ``code``, ``name``, ``period``, ``status``, ``unit`` and ``via`` ("person" when
    the resident is the named recipient, "family" when another member receives a household
    programme for the family).
    """
    ids = list(dict.fromkeys(resident_ids))
    families = dict(Resident.objects.filter(pk__in=ids).values_list("pk", "family_id"))
    family_ids = {family for family in families.values() if family}
    memberships = (
        Membership.objects.filter(
            models.Q(resident_id__in=ids) | models.Q(family_id__in=family_ids, household=True)
        )
        .filter(status=MembershipStatus.ACTIVE)
        .select_related("programme")
        .order_by("period", "programme__code", "pk")
    )
    receipts: dict[int, list[dict]] = {pk: [] for pk in ids}
    by_family: dict[int, list[int]] = defaultdict(list)
    for pk, family in families.items():
        if family:
            by_family[family].append(pk)
    for membership in memberships:
        entry = {
            "code": membership.programme.code,
            "name": membership.programme.name,
            "period": membership.period,
            "status": membership.status,
            "unit": membership.programme.unit,
        }
        receivers = set()
        if membership.resident_id in receipts:
            receipts[membership.resident_id].append({**entry, "via": "person"})
            receivers.add(membership.resident_id)
        if membership.household:
            for pk in by_family.get(membership.family_id, ()):
                if pk not in receivers:
                    receipts[pk].append({**entry, "via": "family"})
    return receipts


def _verified_affected_ids():
    """Subquery of residents the health app verified as affected, or None before it exists."""
    try:
        affected = apps.get_model("health", "AffectedResident")
    except LookupError:
        return None
    return affected.objects.filter(status="verified").values("resident_id")


def missed_residents(user):
    """Living residents in the user's scope marked poor or verified as affected by the pandemic
    who receive nothing, themselves or through a household programme of their family."""
    residents = Resident.objects.visible_to(user).filter(status=ResidentStatus.LIVING)
    marked = models.Q(
        pk__in=WelfareStatus.objects.filter(resident__isnull=False).values("resident_id")
    ) | models.Q(
        family_id__in=WelfareStatus.objects.filter(family__isnull=False).values("family_id")
    )
    affected = _verified_affected_ids()
    if affected is not None:
        marked |= models.Q(pk__in=affected)
    active = Membership.objects.filter(status=MembershipStatus.ACTIVE)
    return (
        residents.filter(marked)
        .exclude(pk__in=active.values("resident_id"))
        .exclude(family_id__in=active.filter(household=True).values("family_id"))
    )


def missed_per_village(user) -> list[dict]:
    """Counts of missed residents per village, for the summary above the list."""
    return list(
        missed_residents(user)
        .values("village__name", "village__code")
        .annotate(count=models.Count("pk"))
        .order_by("village__code")
    )


def family_receipts(family: Family) -> list[dict]:
    """Every programme and round any member of the family receives (for the family query)."""
    ids = list(family.members.values_list("pk", flat=True))
    seen, entries = set(), []
    for pk, receipts in receipts_for(ids).items():
        for entry in receipts:
            key = (entry["code"], entry["period"], entry["via"] == "family" or pk)
            if key not in seen:
                seen.add(key)
                entries.append({**entry, "resident_id": pk})
    return entries


# --------------------------------------------------------------------------- final list

FINAL_LIST_HEADERS = (
    "NO", "NIK", "NO_KK", "NAMA", "DESA", "KECAMATAN", "PROGRAM", "PERIODE", "TEMUAN_TERBUKA",
)  # fmt: skip


def final_list_rows(user, programme: Programme, period: str) -> Iterator[list[object]]:
    """Rows of the disbursement list: active recipients in the user's scope, in village order."""
    memberships = (
        Membership.objects.visible_to(user)
        .filter(programme=programme, period=period, status=MembershipStatus.ACTIVE)
        .annotate(open_flags=models.Count("flags", filter=models.Q(flags__status=FlagStatus.OPEN)))
        .values_list(
            "resident__nik",
            "resident__temp_id",
            "family__no_kk",
            "resident__full_name",
            "village__name",
            "village__parent__name",
            "open_flags",
        )  # fmt: skip
        .order_by("village__code", "resident__full_name", "pk")
    )
    for number, values in enumerate(memberships.iterator(chunk_size=2000), start=1):
        nik, temp_id, no_kk, name, village, district, open_flags = values
        yield [
            number, nik or temp_id or "", no_kk or "", name, village, district or "",
            programme.code, period, open_flags,
        ]  # fmt: skip
