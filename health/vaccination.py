"""Vaccination doses: reading CSV exports and FHIR R4 Immunization resources, matching them to
the register by NIK, checking the sequence of doses, and writing them back out as FHIR.

A source is turned into :class:`DoseRow` values (``table_rows``, ``fhir_rows``); ``import_doses``
checks them against the register in chunks and writes the accepted ones. What each row became
goes into the import's report with its line (CSV) or entry number (FHIR):

* error: not stored (NIK unknown, dose 2 without dose 1, dated in the future, ...);
* conflict: the same dose of the same resident is already recorded with other values
  (a first dose "again" with a date one day off is a conflict, never a second first dose);
* flag: stored, with a note for a person to check (e.g. the birth date in the file disagrees).

Re-importing the same file changes nothing: every row is then "unchanged".

FHIR resources are validated with ``fhir.resources``. Version 8 of that library defaults to
FHIR R5; Indonesia's SATUSEHAT platform speaks R4, so the R4B models are used (R4B changed no
element of Immunization or Bundle that is read here).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from fhir.resources.R4B.immunization import Immunization
from pydantic import ValidationError

from core.audit import record
from health.models import Dose, Vaccination, VaccinationImport, VaccinationSource
from people.choices import ResidentStatus
from people.importing.errors import ImportFileError
from people.importing.readers import Table, open_table
from people.importing.sql import Inserter
from people.importing.writer import in_batch_size
from people.models import Resident
from people.nik import mask_nik

logger = logging.getLogger(__name__)

# The identifier system SATUSEHAT uses for a patient's NIK.
NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
# vaccineCode of a dose whose product the source did not name.
DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
# Shortest interval between two doses of a primary series that is plausible (days).
MIN_DOSE_INTERVAL_DAYS = 14
CHUNK_SIZE = 5000
# Report entries kept on the import record; the counts always cover every row.
REPORT_LIMIT = 10_000

ProgressFn = Callable[..., None]


def _no_progress(done: int, total: int | None = None, message: str = "") -> None:
    return None


@dataclass(slots=True)
class DoseRow:
    """One dose as the source states it, before matching. ``problems`` are parse errors."""

    line: int
    nik: str
    dose: int | None
    given_on: date | None
    product: str = ""
    batch: str = ""
    facility: str = ""
    birth_date: date | None = None
    problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- values


def clean_nik(value: object) -> str:
    """The NIK with surrounding spaces removed, non-breaking and zero-width ones included."""
    text = "" if value is None else str(value)
    return text.replace("\u200b", "").replace("\ufeff", "").strip()


_DOSE_WORDS = {
    "1": Dose.FIRST,
    "I": Dose.FIRST,
    "PERTAMA": Dose.FIRST,
    "2": Dose.SECOND,
    "II": Dose.SECOND,
    "KEDUA": Dose.SECOND,
    "3": Dose.BOOSTER,
    "III": Dose.BOOSTER,
    "BOOSTER": Dose.BOOSTER,
    "BOOSTER 1": Dose.BOOSTER,
    "LANJUTAN": Dose.BOOSTER,
    "KETIGA": Dose.BOOSTER,
}


def parse_dose(value: object) -> int | None:
    """1, 2 or booster (3) from the words health offices write; None when not recognised."""
    text = str(value or "").strip().upper()
    if text in _DOSE_WORDS:
        return _DOSE_WORDS[text]
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"^(DOSIS|DOSE|VAKSIN) ", "", text)
    if text.endswith(".0"):
        text = text[:-2]
    return _DOSE_WORDS.get(text)


_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: object) -> date | None:
    """A date from a date cell, DD-MM-YYYY (also / or .), or ISO YYYY-MM-DD; None otherwise."""
    if isinstance(value, datetime):
        # A moment with an offset (FHIR's occurrenceDateTime) counts on the regency's calendar.
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    try:
        if len(text) == 10 and text[2] == "-" and text[5] == "-" and text.isascii():
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))  # the usual DD-MM-YYYY
        if match := _ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_FIRST.match(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


# --------------------------------------------------------------------------- CSV


# Canonical column -> accepted header spellings (compared upper-case, spaces as underscores).
CSV_COLUMNS = {
    "NIK": ("NIK", "NO_NIK", "NIK_PENERIMA"),
    "DOSIS": ("DOSIS", "DOSIS_KE", "DOSE", "VAKSIN_KE"),
    "TANGGAL_VAKSIN": ("TANGGAL_VAKSIN", "TANGGAL_VAKSINASI", "TGL_VAKSIN", "TANGGAL"),
    "JENIS_VAKSIN": ("JENIS_VAKSIN", "VAKSIN", "NAMA_VAKSIN", "PRODUK"),
    "NO_BATCH": ("NO_BATCH", "BATCH", "NOMOR_BATCH", "NO_BATCH_VAKSIN"),
    "FASKES": ("FASKES", "NAMA_FASKES", "FASILITAS_KESEHATAN", "LOKASI"),
    "TANGGAL_LAHIR": ("TANGGAL_LAHIR", "TGL_LAHIR"),
}
REQUIRED_CSV_COLUMNS = ("NIK", "DOSIS", "TANGGAL_VAKSIN")
CSV_HEADERS = tuple(CSV_COLUMNS)


def _header_key(cell: object) -> str:
    return re.sub(r"[\s.]+", "_", clean_nik(cell).upper()).strip("_")


def _column_map(cells: list[object]) -> dict[str, int]:
    spellings = {name: canonical for canonical, names in CSV_COLUMNS.items() for name in names}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        canonical = spellings.get(_header_key(cell))
        if canonical and canonical not in found:
            found[canonical] = index
    missing = [name for name in REQUIRED_CSV_COLUMNS if name not in found]
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ditemukan: %(missing)s. Kolom yang dikenali: %(known)s.")
            % {"missing": ", ".join(missing), "known": ", ".join(CSV_HEADERS)}
        )
    return found


def table_rows(table: Table) -> Iterator[DoseRow]:
    """Dose rows of an open CSV or .xlsx table (``people.importing.readers.open_table``)."""
    first = next(table.rows, None)
    if first is None:
        raise ImportFileError(_("Berkas kosong: tidak ada baris judul kolom."))
    columns = _column_map(first[1])
    # A column the file lacks is read from one empty cell added after the header's width.
    width = len(first[1])
    nik_at, dose_at, date_at, product_at, batch_at, facility_at, born_at = (
        columns.get(name, width) for name in CSV_HEADERS
    )
    for line, cells in table.rows:
        cells = [*cells[:width], *[""] * (width + 1 - min(len(cells), width))]
        row = DoseRow(
            line=line,
            nik=clean_nik(cells[nik_at]),
            dose=parse_dose(cells[dose_at]),
            given_on=parse_date(cells[date_at]),
            product=str(cells[product_at] or "").strip(),
            batch=str(cells[batch_at] or "").strip(),
            facility=str(cells[facility_at] or "").strip(),
            birth_date=parse_date(cells[born_at]),
        )
        if row.dose is None:
            row.problems.append(
                _("Kolom DOSIS tidak dikenali: %(value)s (isi 1, 2 atau booster).")
                % {"value": str(cells[dose_at])[:20]}
            )
        if row.given_on is None:
            row.problems.append(
                _("Kolom TANGGAL_VAKSIN kosong atau tidak dikenali (contoh: 31-12-2021).")
            )
        yield row


# --------------------------------------------------------------------------- FHIR


def _field_errors(error: ValidationError) -> list[str]:
    """Readable messages for a FHIR validation error, each naming its field."""
    messages = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "Immunization"
        if item["type"] == "extra_forbidden" and item["loc"] == ("subject",):
            messages.append(
                _(
                    "kolom 'subject' tidak ada pada Immunization FHIR R4; pasien harus "
                    "ditulis di kolom 'patient'"
                )
            )
        elif item["type"] == "missing":
            messages.append(_("kolom '%(field)s' wajib diisi") % {"field": where})
        elif item["type"] == "extra_forbidden":
            messages.append(_("kolom '%(field)s' tidak dikenal") % {"field": where})
        else:
            messages.append(
                _("kolom '%(field)s': %(message)s") % {"field": where, "message": item["msg"]}
            )
    return messages


def _patient_map(entries: list[dict]) -> dict[str, tuple[str, date | None]]:
    """Patient references in a bundle -> (NIK, birth date), for Immunizations that refer to them."""
    patients: dict[str, tuple[str, date | None]] = {}
    for entry in entries:
        resource = entry.get("resource") or {}
        if resource.get("resourceType") != "Patient":
            continue
        nik = next(
            (
                clean_nik(identifier.get("value"))
                for identifier in resource.get("identifier") or []
                if identifier.get("system") == NIK_SYSTEM
            ),
            "",
        )
        born = parse_date(resource.get("birthDate"))
        for key in (entry.get("fullUrl"), f"Patient/{resource.get('id')}"):
            if key:
                patients[key] = (nik, born)
    return patients


def _dose_from_fhir(immunization: Immunization) -> int | None:
    for applied in immunization.protocolApplied or []:
        if applied.doseNumberPositiveInt is not None:
            number = applied.doseNumberPositiveInt
            # TODO: a second booster (dose 4) is refused: one record per resident and dose
            # number (1, 2, booster) is all the issue asks for.
            return number if number in (1, 2) else (Dose.BOOSTER if number == 3 else None)
        if applied.doseNumberString:
            return parse_dose(applied.doseNumberString)
    return None


def _row_from_immunization(
    index: int, immunization: Immunization, patients: dict[str, tuple[str, date | None]]
) -> DoseRow:
    """A DoseRow for one validated Immunization (one not ``completed`` is a row error)."""
    patient = immunization.patient
    nik, born = "", None
    if patient.identifier is not None and patient.identifier.system == NIK_SYSTEM:
        nik = clean_nik(patient.identifier.value)
    elif patient.reference and patient.reference in patients:
        nik, born = patients[patient.reference]
    occurred = immunization.occurrenceDateTime
    given_on = parse_date(occurred) if occurred is not None else None
    code = immunization.vaccineCode
    product = code.text or ""
    known = [coding for coding in code.coding or [] if coding.system != DATA_ABSENT_SYSTEM]
    if not product and known:
        product = known[0].display or known[0].code or ""
    facility = ""
    if immunization.location is not None:
        facility = immunization.location.display or ""
    if not facility and immunization.performer:
        facility = immunization.performer[0].actor.display or ""
    row = DoseRow(
        line=index,
        nik=nik,
        dose=_dose_from_fhir(immunization),
        given_on=given_on,
        product=product.strip(),
        batch=(immunization.lotNumber or "").strip(),
        facility=facility.strip(),
        birth_date=born,
    )
    if not nik:
        row.problems.append(
            _("patient.identifier dengan sistem %(system)s (NIK) tidak ada.")
            % {"system": NIK_SYSTEM}
        )
    if row.dose is None:
        row.problems.append(
            _("protocolApplied.doseNumberPositiveInt kosong atau bukan 1, 2 atau 3 (booster).")
        )
    if given_on is None:
        row.problems.append(_("occurrenceDateTime wajib diisi."))
    if immunization.status != "completed":
        row.problems = [
            _("status %(status)s: bukan dosis yang diberikan, tidak dicatat.")
            % {"status": immunization.status}
        ]
    return row


def fhir_rows(data: bytes) -> tuple[str, list[DoseRow]]:
    """Rows of a FHIR Immunization or Bundle of them; the file is refused whole if not valid FHIR.

    Entries are numbered from 1 in the bundle's order (the number is the report's "line").
    """
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(
            _("Berkas bukan JSON yang sah: %(error)s") % {"error": error}
        ) from None
    if not isinstance(document, dict):
        raise ImportFileError(_("Berkas FHIR harus berupa satu resource JSON."))
    kind = document.get("resourceType")
    if kind == "Immunization":
        entries = [{"resource": document}]
    elif kind == "Bundle":
        entries = document.get("entry") or []
        if not isinstance(entries, list):
            raise ImportFileError(_("Bundle.entry harus berupa daftar."))
    else:
        raise ImportFileError(
            _("resourceType harus Immunization atau Bundle, bukan %(kind)s.")
            % {"kind": str(kind)[:40]}
        )

    patients = _patient_map(entries)
    rows: list[DoseRow] = []
    problems: list[str] = []
    for index, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Immunization":
            continue
        body = {key: value for key, value in resource.items() if key != "resourceType"}
        try:
            immunization = Immunization.model_validate(body)
        except ValidationError as error:
            for message in _field_errors(error):
                problems.append(
                    _("Entri %(index)d (Immunization): %(message)s")
                    % {"index": index, "message": message}
                )
            continue
        rows.append(_row_from_immunization(index, immunization, patients))
    if problems:
        shown = problems[:20]
        more = len(problems) - len(shown)
        text = _("Berkas FHIR tidak sah, tidak ada yang disimpan:") + " " + "; ".join(shown)
        if more:
            text += " " + _("(dan %(count)d masalah lain)") % {"count": more}
        raise ImportFileError(text)
    return sha256, rows


# --------------------------------------------------------------------------- import


@dataclass
class _Existing:
    given_on: date
    product: str
    batch: str
    facility: str


@dataclass
class _Person:
    pk: int
    birth_date: date | None
    status: str
    doses: dict[int, _Existing]


class _Report:
    def __init__(self, run: VaccinationImport):
        self.run = run
        self.entries: list[dict] = []

    def add(self, kind: str, row: DoseRow, reason: str) -> None:
        if kind == "error":
            self.run.rejected += 1
        elif kind == "conflict":
            self.run.conflicts += 1
        if len(self.entries) < REPORT_LIMIT:
            self.entries.append(
                {"line": row.line, "nik": mask_nik(row.nik), "kind": kind, "reason": reason}
            )


def _load_people(niks: Iterable[str]) -> dict[str, _Person]:
    niks = list(set(niks))
    size = in_batch_size()
    people: dict[str, _Person] = {}
    by_pk: dict[int, _Person] = {}
    for start in range(0, len(niks), size):
        batch = niks[start : start + size]
        for pk, nik, born, status in Resident.objects.filter(nik__in=batch).values_list(
            "pk", "nik", "birth_date", "status"
        ):
            person = _Person(pk, born, status, {})
            people[nik] = by_pk[pk] = person
    pks = list(by_pk)
    for start in range(0, len(pks), size):
        batch = pks[start : start + size]
        for resident_id, dose, given_on, product, batch_no, facility in (
            Vaccination.objects.filter(resident_id__in=batch)
            .order_by()
            .values_list("resident_id", "dose", "given_on", "product", "batch", "facility")
        ):
            by_pk[resident_id].doses[dose] = _Existing(given_on, product, batch_no, facility)
    return people


def _check(row: DoseRow, person: _Person | None, today: date) -> tuple[str, str] | None:
    """(kind, reason) when the row cannot simply be stored, or None. Sequence checks excluded."""
    if row.problems:
        return "error", " ".join(row.problems)
    if len(row.nik) != 16 or not row.nik.isdigit() or not row.nik.isascii():
        return "error", _("NIK harus 16 angka.")
    if person is None:
        return "error", _("NIK tidak ada di data penduduk.")
    if row.given_on > today:
        return "error", _("Tanggal vaksinasi %(date)s ada di masa depan.") % {
            "date": row.given_on.isoformat()
        }
    if person.birth_date and row.given_on < person.birth_date:
        return "error", _("Tanggal vaksinasi %(date)s sebelum tanggal lahir %(born)s.") % {
            "date": row.given_on.isoformat(),
            "born": person.birth_date.isoformat(),
        }
    if person.status == ResidentStatus.DECEASED:
        # TODO: the register keeps no date of death; with one, doses before it could be kept.
        return "error", _(
            "Penduduk tercatat meninggal; dosis sesudah kematian tidak dapat dicatat."
        )
    return None


def _sequence_problem(row: DoseRow, person: _Person) -> tuple[str, str] | None:
    """Checks against the resident's other doses (in the register and accepted from this file)."""
    same = person.doses.get(row.dose)
    if same is not None:
        if (same.given_on, same.product, same.batch, same.facility) == (
            row.given_on,
            row.product,
            row.batch,
            row.facility,
        ):
            return "unchanged", ""
        return "conflict", _(
            "%(dose)s sudah tercatat tanggal %(recorded)s (%(product)s); baris ini: %(date)s "
            "(%(row_product)s). Tidak disimpan sebagai dosis baru."
        ) % {
            "dose": Dose(row.dose).label,
            "recorded": same.given_on.isoformat(),
            "product": same.product or "-",
            "date": row.given_on.isoformat(),
            "row_product": row.product or "-",
        }
    previous = person.doses.get(row.dose - 1) if row.dose > Dose.FIRST else None
    if row.dose > Dose.FIRST and previous is None:
        return "missing", _("%(dose)s tanpa %(previous)s yang tercatat.") % {
            "dose": Dose(row.dose).label,
            "previous": Dose(row.dose - 1).label,
        }
    if previous is not None:
        gap = (row.given_on - previous.given_on).days
        if gap < 0:
            return "error", _("%(dose)s tanggal %(date)s sebelum %(previous)s (%(before)s).") % {
                "dose": Dose(row.dose).label,
                "date": row.given_on.isoformat(),
                "previous": Dose(row.dose - 1).label,
                "before": previous.given_on.isoformat(),
            }
        if gap < MIN_DOSE_INTERVAL_DAYS:
            return "error", _(
                "%(dose)s hanya %(days)d hari sesudah %(previous)s (minimal %(minimum)d hari)."
            ) % {
                "dose": Dose(row.dose).label,
                "days": gap,
                "previous": Dose(row.dose - 1).label,
                "minimum": MIN_DOSE_INTERVAL_DAYS,
            }
    following = person.doses.get(row.dose + 1)
    if following is not None and following.given_on < row.given_on:
        return "error", _("%(dose)s tanggal %(date)s sesudah %(next)s (%(after)s).") % {
            "dose": Dose(row.dose).label,
            "date": row.given_on.isoformat(),
            "next": Dose(row.dose + 1).label,
            "after": following.given_on.isoformat(),
        }
    return None


class _Writer:
    def __init__(self, run: VaccinationImport, source: str):
        self.inserter = Inserter(
            Vaccination,
            (
                "resident_id",
                "dose",
                "given_on",
                "product",
                "batch",
                "facility",
                "flags",
                "source",
                "source_import_id",
            ),
            {"created_at": timezone.now()},
        )
        self.run = run
        self.source = source

    def write(self, rows: list[tuple[int, DoseRow, list[str]]]) -> None:
        self.inserter.insert(
            (
                pk,
                row.dose,
                row.given_on,
                row.product,
                row.batch,
                row.facility,
                flags,
                self.source,
                self.run.pk,
            )
            for pk, row, flags in rows
        )


def _process_chunk(
    rows: list[DoseRow],
    report: _Report,
    writer: _Writer,
    today: date,
    *,
    final: bool,
) -> list[DoseRow]:
    """Check and write one chunk; returns rows whose previous dose may come later in the file.

    The doses already stored are read and the new ones written in one transaction, one chunk
    of one import at a time (``_lock_dose_imports``): two imports of overlapping files at the
    same moment see each other's doses (unchanged, or a conflict) instead of the later one
    failing on the one-dose-per-resident constraint.
    """
    with transaction.atomic():
        _lock_dose_imports()
        return _check_and_write_chunk(rows, report, writer, today, final=final)


# The key of the PostgreSQL advisory lock that dose-import chunks take ("SKVA").
DOSE_IMPORT_LOCK = 0x534B5641


def _lock_dose_imports() -> None:
    """Wait for any other import's chunk, until the current transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DOSE_IMPORT_LOCK])
    # SQLite: the transaction took the database's write lock when it began
    # (transaction_mode IMMEDIATE in settings), which already puts writers one after another.


def _check_and_write_chunk(
    rows: list[DoseRow],
    report: _Report,
    writer: _Writer,
    today: date,
    *,
    final: bool,
) -> list[DoseRow]:
    people = _load_people(row.nik for row in rows if not row.problems)
    run = report.run
    deferred: list[DoseRow] = []
    accepted: list[tuple[int, DoseRow, list[str]]] = []
    # Within a chunk, earlier doses first, so that a file listing dose 2 above dose 1 is fine.
    for row in sorted(rows, key=lambda item: (item.nik, item.dose or 0, item.given_on or today)):
        person = people.get(row.nik)
        problem = _check(row, person, today) or _sequence_problem(row, person)
        if problem is not None:
            kind, reason = problem
            if kind == "unchanged":
                run.unchanged += 1
                continue
            if kind == "missing":
                if not final:
                    deferred.append(row)
                    continue
                kind = "error"
            report.add(kind, row, reason)
            continue
        flags = []
        if row.birth_date and person.birth_date and row.birth_date != person.birth_date:
            flags.append(
                _("Tanggal lahir di berkas %(file)s berbeda dengan data penduduk %(register)s.")
                % {"file": row.birth_date.isoformat(), "register": person.birth_date.isoformat()}
            )
        if not row.product:
            flags.append(_("Jenis vaksin kosong di berkas."))
        for flag in flags:
            report.add("flag", row, flag)
        run.flagged += bool(flags)
        person.doses[row.dose] = _Existing(row.given_on, row.product, row.batch, row.facility)
        accepted.append((person.pk, row, flags))
    writer.write(accepted)
    run.created += len(accepted)
    return deferred


def import_doses(
    rows: Iterable[DoseRow],
    *,
    run: VaccinationImport,
    total: int | None = None,
    progress: ProgressFn = _no_progress,
    chunk_size: int = CHUNK_SIZE,
    today: date | None = None,
) -> VaccinationImport:
    """Match, check and store dose rows; fill ``run`` with counts and the report.

    Each chunk is written in its own transaction, after the rows before it, so a second dose
    later in the file sees a first dose stored from an earlier chunk. A dose whose previous dose
    is not recorded yet is held back to the end of the file and checked again then.
    """
    today = today or timezone.localdate()
    report = _Report(run)
    writer = _Writer(run, run.source)
    deferred: list[DoseRow] = []
    chunk: list[DoseRow] = []
    for row in rows:
        chunk.append(row)
        run.rows_read += 1
        if len(chunk) >= chunk_size:
            deferred += _process_chunk(chunk, report, writer, today, final=False)
            chunk = []
            progress(
                run.rows_read, total, _("%(count)d baris diperiksa") % {"count": run.rows_read}
            )
    if chunk:
        deferred += _process_chunk(chunk, report, writer, today, final=False)
    for start in range(0, len(deferred), chunk_size):
        _process_chunk(deferred[start : start + chunk_size], report, writer, today, final=True)
    progress(run.rows_read, run.rows_read, _("Selesai"))

    report.entries.sort(key=lambda entry: entry["line"])
    run.report = report.entries
    run.finished_at = timezone.now()
    run.save()
    logger.info(
        "Vaccination import %s: %s rows, %s created, %s rejected, %s conflicts",
        run.pk,
        run.rows_read,
        run.created,
        run.rejected,
        run.conflicts,
    )
    return run


def import_file(
    path: Path,
    *,
    user=None,
    file_name: str = "",
    progress: ProgressFn = _no_progress,
    today: date | None = None,
) -> VaccinationImport:
    """Import a CSV/.xlsx dose export or a FHIR JSON file (by its extension)."""
    path = Path(path)
    file_name = file_name or path.name

    def start(sha256: str, source: str) -> VaccinationImport:
        return VaccinationImport.objects.create(
            file_name=file_name[:255], file_sha256=sha256, source=source, started_by=user
        )

    if path.suffix.lower() == ".json":
        sha256, rows = fhir_rows(path.read_bytes())  # refused whole before anything is written
        run = start(sha256, VaccinationSource.FHIR)
        import_doses(rows, run=run, total=len(rows), progress=progress, today=today)
    else:
        with open_table(path) as table:
            run = start(table.sha256, VaccinationSource.CSV)
            try:
                import_doses(table_rows(table), run=run, progress=progress, today=today)
            except ImportFileError as error:
                run.error = str(error)
                run.finished_at = timezone.now()
                run.save()
                raise
    record(
        "health.vaccination.imported",
        actor=user,
        target=run,
        summary=f"{file_name}: {run.created} doses stored, {run.rejected} rejected",
        rows=run.rows_read,
        created=run.created,
        rejected=run.rejected,
        conflicts=run.conflicts,
    )
    return run


# --------------------------------------------------------------------------- FHIR export


def to_immunization(vaccination: Vaccination, nik: str) -> Immunization:
    """One dose as a validated FHIR R4 Immunization; the patient is identified by NIK."""
    body: dict = {
        "id": f"smartkampung-{vaccination.pk}",
        "status": "completed",
        "vaccineCode": {"text": vaccination.product} if vaccination.product else {},
        "patient": {"identifier": {"system": NIK_SYSTEM, "value": nik}},
        "occurrenceDateTime": vaccination.given_on.isoformat(),
        "protocolApplied": [{"doseNumberPositiveInt": int(vaccination.dose)}],
    }
    if not vaccination.product:
        # vaccineCode is required by FHIR; an unknown product stays unknown, never guessed.
        body["vaccineCode"] = {
            "coding": [
                {
                    "system": DATA_ABSENT_SYSTEM,
                    "code": "unknown",
                }
            ]
        }
    if vaccination.batch:
        body["lotNumber"] = vaccination.batch
    if vaccination.facility:
        body["location"] = {"display": vaccination.facility}
    return Immunization.model_validate(body)


def fhir_bundle_chunks(vaccinations) -> Iterator[str]:
    """A FHIR R4 collection Bundle of Immunizations, as streamed JSON text pieces."""
    yield '{"resourceType":"Bundle","type":"collection","entry":['
    first = True
    for vaccination in vaccinations.select_related("resident").iterator(chunk_size=2000):
        resource = to_immunization(vaccination, vaccination.resident.nik or "")
        text = json.dumps({"resource": json.loads(resource.model_dump_json(exclude_none=True))})
        yield text if first else "," + text
        first = False
    yield "]}"


def export_rows(vaccinations) -> Iterator[tuple]:
    """Rows for the CSV export, in the import's own column order (re-importable)."""
    for nik, dose, given_on, product, batch, facility, born in vaccinations.values_list(
        "resident__nik",
        "dose",
        "given_on",
        "product",
        "batch",
        "facility",
        "resident__birth_date",
    ).iterator(chunk_size=2000):
        yield (
            nik,
            "booster" if dose == Dose.BOOSTER else str(dose),
            given_on.strftime("%d-%m-%Y"),
            product,
            batch,
            facility,
            born.strftime("%d-%m-%Y") if born else "",
        )
