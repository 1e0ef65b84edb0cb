"""Import a population file (the civil registry's or a village office's) into the register.

The whole file is written in one transaction: a crash, or a whole-file problem found late, leaves
no resident or family from it. The PopulationImport row that tracks the run is saved before that
transaction and finished after it, so a failed run is still recorded with its error.
"""

from __future__ import annotations

import itertools
import logging
import operator
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from people.choices import Relationship
from people.importing.columns import HeaderMap, looks_like_header, map_headers
from people.importing.errors import ImportFileError
from people.importing.readers import Table, open_table
from people.importing.reports import (
    MAX_LISTED_WARNINGS,
    REJECTS_NAME,
    SUMMARY_NAME,
    RejectsWriter,
    write_summary,
)
from people.importing.rows import CleanRow, RowCleaner, Village
from people.importing.values import name_key
from people.importing.writer import (
    FAMILY_HEAD_LINE,
    FAMILY_LINE,
    FAMILY_VILLAGE,
    ChunkWriter,
)
from people.models import ImportStatus, PopulationImport
from people.nik import WIB, mask_nik
from regions.models import Region

logger = logging.getLogger(__name__)

# How many rows above the header may hold a title ("DATA PENDUDUK DESA ...") and be skipped.
MAX_TITLE_ROWS = 10
_HASH_MASK = (1 << 32) - 1
_LONG_NUMBER = re.compile(r"\d{12,}")


def import_population(
    path: Path,
    *,
    actor=None,
    dry_run: bool = False,
    sheet: str | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = 5000,
) -> PopulationImport:
    """Import a CSV or Excel population file and return its saved PopulationImport.

    Bad rows are left out and listed, with line, column and reason, in the rejects file; good
    rows are created or updated (only the fields that changed). ``dry_run`` does all the work
    and then rolls it back. ``progress`` is called with the number of rows read after every
    chunk of ``chunk_size`` rows. Whole-file problems raise :class:`ImportFileError` after the
    run is recorded as failed; nothing else from the file is kept.
    """
    path = Path(path)
    user = actor if getattr(actor, "is_authenticated", False) else None
    population_import = PopulationImport.objects.create(
        file_name=path.name[:255], file_sha256="", started_by=user, dry_run=dry_run
    )
    directory = Path(settings.IMPORT_REPORT_DIR) / str(population_import.pk)
    started = time.monotonic()
    logger.info(
        "Population import %s started: %s%s",
        population_import.pk,
        _masked(path.name),
        " (dry run)" if dry_run else "",
    )
    run = None
    try:
        with open_table(path, sheet=sheet) as table:
            population_import.file_sha256 = table.sha256
            header, rows = _read_header(table)
            run = _Run(population_import, header, table, actor, chunk_size, directory)
            with transaction.atomic():
                run.execute(rows, progress)
                if dry_run:
                    transaction.set_rollback(True)
            run.rejects.close(keep=True)
    except BaseException as error:
        if run is not None:
            run.rejects.close(keep=False)
        if isinstance(error, ImportFileError):
            message = str(error)
            logger.warning("Population import %s refused: %s", population_import.pk, message)
        else:
            # A database error may quote the row it failed on: never store a full NIK.
            message = _masked(f"{type(error).__name__}: {error}")
            logger.error(
                "Population import %s failed: %s", population_import.pk, type(error).__name__
            )
        try:
            _finish(population_import, ImportStatus.FAILED, actor, error=message)
        except Exception:  # the original error matters more than failing to record it
            logger.exception(
                "Population import %s: could not record the failure", population_import.pk
            )
        raise

    population_import.report_name = f"{population_import.pk}/{REJECTS_NAME}"
    run.fill_counts()
    _finish(population_import, ImportStatus.DONE, actor)
    write_summary(directory, run.summary(time.monotonic() - started))
    logger.info(
        "Population import %s done in %.1f s: %s rows, %s created, %s updated, %s unchanged, "
        "%s rejected, %s possible duplicates, %s families created",
        population_import.pk,
        time.monotonic() - started,
        population_import.rows_read,
        population_import.created,
        population_import.updated,
        population_import.unchanged,
        population_import.rejected,
        population_import.possible_duplicates,
        population_import.families_created,
    )
    return population_import


def report_path(population_import: PopulationImport, name: str = REJECTS_NAME) -> Path:
    """Where a report file of an import is (``rejects.csv`` or ``summary.json``)."""
    return Path(settings.IMPORT_REPORT_DIR) / str(population_import.pk) / name


def summary_path(population_import: PopulationImport) -> Path:
    return report_path(population_import, SUMMARY_NAME)


def _finish(population_import: PopulationImport, status: str, actor, *, error: str = "") -> None:
    population_import.status = status
    population_import.error = error
    population_import.finished_at = timezone.now()
    population_import.save()
    audit.record(
        "people.import.finished",
        actor=actor,
        target=population_import,
        summary=f"{_masked(population_import.file_name)}: {status}",
        status=status,
        dry_run=population_import.dry_run,
        rows_read=population_import.rows_read,
        created=population_import.created,
        updated=population_import.updated,
        unchanged=population_import.unchanged,
        rejected=population_import.rejected,
        possible_duplicates=population_import.possible_duplicates,
        families_created=population_import.families_created,
        error=error[:500],
    )


def _masked(text: str) -> str:
    """A file name for logs and the audit trail, with any NIK-like number masked."""
    return _LONG_NUMBER.sub(lambda match: mask_nik(match.group()), text)


def _read_header(table: Table) -> tuple[HeaderMap, Iterator[tuple[int, list[object]]]]:
    """Find the header row (title rows above it are skipped) and make sure data follows."""
    rows = table.rows
    seen: list[tuple[int, list[object]]] = []
    for line, cells in rows:
        seen.append((line, cells))
        if looks_like_header(cells) or len(seen) > MAX_TITLE_ROWS:
            break
    if not seen:
        raise ImportFileError(_("Berkas kosong: tidak ada judul kolom maupun data penduduk."))
    line, cells = next(((line, cells) for line, cells in seen if looks_like_header(cells)), seen[0])
    header = map_headers(line, cells)

    # Rows read while looking for the header that come after it are data rows.
    after = [(other, row) for other, row in seen if other > line]
    data = itertools.chain(after, rows)
    first = next(data, None)
    if first is None:
        raise ImportFileError(
            _(
                "Berkas hanya berisi baris judul kolom (baris %(line)s); tidak ada data "
                "penduduk di bawahnya."
            )
            % {"line": line}
        )
    return header, itertools.chain([first], data)


class _Run:
    """One import in progress: in-file checks, chunking, counts and warnings."""

    def __init__(self, population_import, header, table, actor, chunk_size, directory):
        self.population_import = population_import
        self.header = header
        self.table = table
        self.chunk_size = max(1, chunk_size)
        villages = Region.objects.villages().values_list("digits", "id", "code", "name")
        self.villages = {digits: Village(pk, code, name) for digits, pk, code, name in villages}
        self.villages_by_pk = {village.pk: village for village in self.villages.values()}
        self.cleaner = RowCleaner(header, self.villages, datetime.now(WIB).date())
        self.families: dict[str, list] = {}
        self.writer = ChunkWriter(
            population_import,
            actor=actor,
            resident_fields=self.cleaner.fields,
            family_fields=self.cleaner.family_fields,
            families=self.families,
            match_birth_date="TANGGAL_LAHIR" in header,
            headers=header.headers,
        )
        self.rejects = RejectsWriter(directory, header, table.delimiter or ",")
        # int(NIK) -> line << 64 | name hash << 32 | row hash: two ints per NIK rather than
        # strings and tuples, since a regency file has two million of them.
        self.seen_niks: dict[int, int] = {}
        # The cells of the known columns, as a tuple: "the same data" means the same cells.
        self._known_cells = operator.itemgetter(*sorted(header.index.values()))
        self.seen_without_nik: dict[tuple, int] = {}
        self.rows_read = 0
        self.warnings: list[dict] = []
        self.warning_count = 0

    def execute(self, rows, progress) -> None:
        chunk: list[CleanRow] = []
        first_rows: dict[str, CleanRow] = {}
        in_chunk = 0
        for line, cells in rows:
            self.rows_read += 1
            in_chunk += 1
            row, errors = self.cleaner.clean(line, cells)
            if row is not None:
                errors = self._check_in_file(row, first_rows)
            if errors:
                self.rejects.write(line, cells, errors)
            else:
                chunk.append(row)  # type: ignore[arg-type]
                for column, message in row.notes:  # type: ignore[union-attr]
                    self._warn(line, column, message)
            if in_chunk >= self.chunk_size:
                self._flush(chunk, first_rows, progress)
                chunk, first_rows, in_chunk = [], {}, 0
        if in_chunk:
            self._flush(chunk, first_rows, progress)

    def _flush(self, chunk, first_rows, progress) -> None:
        if chunk:
            self.writer.write(chunk, first_rows)
        if progress is not None:
            progress(self.rows_read)

    def _check_in_file(self, row: CleanRow, first_rows: dict) -> list[tuple[str, str]]:
        """Reasons the row clashes with an earlier row of this file; registers it if not."""
        label = self.header.label
        fields = row.fields
        nik_key = packed = None
        without_nik_key = None
        if row.nik is not None:
            nik_key = int(row.nik)
            name_hash = hash(fields["full_name"]) & _HASH_MASK
            row_hash = hash(self._known_cells(row.cells)) & _HASH_MASK
            earlier = self.seen_niks.get(nik_key)
            if earlier is not None:
                return [(label["NIK"], _duplicate_nik_message(earlier, name_hash, row_hash))]
            packed = row.line << 64 | name_hash << 32 | row_hash
        else:
            without_nik_key = (
                row.no_kk or row.village_id,
                name_key(fields["full_name"]),
                fields.get("birth_date"),
            )
            earlier_line = self.seen_without_nik.get(without_nik_key)
            if earlier_line is not None:
                return [
                    (
                        label["NIK"],
                        _(
                            "Baris ganda tanpa NIK: nama dan tanggal lahir sama dengan baris "
                            "%(line)s di KK atau desa yang sama."
                        )
                        % {"line": earlier_line},
                    )
                ]

        is_head = fields.get("relationship") == Relationship.HEAD
        entry = self.families.get(row.no_kk) if row.no_kk else None
        if entry is not None:
            if entry[FAMILY_VILLAGE] != row.village_id:
                village = self.villages_by_pk[entry[FAMILY_VILLAGE]]
                return [
                    (
                        label["KODE_DESA"],
                        _(
                            "No. KK ini sudah tercatat di desa %(village)s (%(code)s) pada baris "
                            "%(line)s; satu KK hanya untuk satu desa."
                        )
                        % {
                            "village": village.name,
                            "code": village.code,
                            "line": entry[FAMILY_LINE],
                        },
                    )
                ]
            if is_head and entry[FAMILY_HEAD_LINE]:
                return [
                    (
                        label["STATUS_HUBUNGAN"],
                        _("KK ini sudah mempunyai kepala keluarga di baris %(line)s.")
                        % {"line": entry[FAMILY_HEAD_LINE]},
                    )
                ]

        # Accepted: remember what later rows are checked against.
        if nik_key is not None:
            self.seen_niks[nik_key] = packed  # type: ignore[assignment]
        else:
            self.seen_without_nik[without_nik_key] = row.line  # type: ignore[index]
        if row.no_kk:
            if entry is None:
                entry = [None, row.village_id, row.line, 0, None]
                self.families[row.no_kk] = entry
                first_rows[row.no_kk] = row
            if is_head:
                entry[FAMILY_HEAD_LINE] = row.line
        return []

    def _warn(self, line: int, column: str, message: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED_WARNINGS:
            self.warnings.append({"line": line, "column": column, "message": message})

    def fill_counts(self) -> None:
        population_import = self.population_import
        writer = self.writer
        population_import.rows_read = self.rows_read
        population_import.created = writer.created
        population_import.updated = writer.updated
        population_import.unchanged = writer.unchanged
        population_import.rejected = self.rejects.count
        population_import.possible_duplicates = writer.possible_duplicates
        population_import.families_created = writer.families_created

    def summary(self, seconds: float) -> dict:
        population_import = self.population_import
        table = self.table
        return {
            "import_id": population_import.pk,
            "file_name": population_import.file_name,
            "file_sha256": population_import.file_sha256,
            "format": table.kind,
            "encoding": table.encoding,
            "delimiter": table.delimiter,
            "sheet": table.sheet,
            "header_line": self.header.line,
            "columns": {name: self.header.label[name] for name in self.header.index},
            "dry_run": population_import.dry_run,
            "status": population_import.status,
            "counts": {
                "rows_read": population_import.rows_read,
                "created": population_import.created,
                "updated": population_import.updated,
                "unchanged": population_import.unchanged,
                "rejected": population_import.rejected,
                "possible_duplicates": population_import.possible_duplicates,
                "families_created": population_import.families_created,
            },
            "rejects_file": REJECTS_NAME,
            "warning_count": self.warning_count,
            "warnings": self.warnings,
            "seconds": round(seconds, 3),
            "started_at": population_import.started_at,
            "finished_at": population_import.finished_at,
        }


def _duplicate_nik_message(earlier: int, name_hash: int, row_hash: int) -> str:
    line = earlier >> 64
    if (earlier >> 32) & _HASH_MASK != name_hash:
        return _(
            "NIK ini sudah dipakai di baris %(line)s untuk nama lain. Satu NIK hanya untuk satu "
            "orang; periksa NIK kedua baris itu dengan KTP."
        ) % {"line": line}
    if earlier & _HASH_MASK == row_hash:
        return _(
            "Baris ganda: isinya sama persis dengan baris %(line)s, jadi tidak diimpor dua kali."
        ) % {"line": line}
    return _(
        "NIK dan nama sama dengan baris %(line)s, tetapi data lainnya berbeda. Satukan kedua "
        "baris itu menjadi satu."
    ) % {"line": line}
