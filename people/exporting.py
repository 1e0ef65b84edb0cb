"""Export residents as a population file the importer reads back unchanged.

The columns are the importer's own header names (see docs/import-format.md). Identifiers (NIK,
No. KK, village code, RT, RW, phone) are written so that Excel cannot damage them: in .xlsx as
text cells (number format ``@``, ``str`` values), in CSV as ``="..."``, which Excel shows as
text and the importer unwraps. Names and other text are written exactly as stored (in CSV, text
that Excel would run as a formula gets a leading ``'``, which the importer removes). Both
functions stream: memory does not grow with the number of residents.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from people.choices import REGISTRY_WORDS
from people.importing.reports import excel_text

HEADERS = (
    "NIK",
    "NO_KK",
    "NAMA_LENGKAP",
    "JENIS_KELAMIN",
    "TEMPAT_LAHIR",
    "TANGGAL_LAHIR",
    "AGAMA",
    "STATUS_PERKAWINAN",
    "PENDIDIKAN",
    "PEKERJAAN",
    "STATUS_HUBUNGAN",
    "ALAMAT",
    "RT",
    "RW",
    "DUSUN",
    "KODE_DESA",
    "NO_HP",
    "STATUS",
)
TEXT_COLUMNS = frozenset({"NIK", "NO_KK", "RT", "RW", "KODE_DESA", "NO_HP"})

# Stored codes -> the words of the civil registry, which the importer reads back.
_WORDS = REGISTRY_WORDS


def _rows(queryset) -> Iterator[dict[str, str]]:
    residents = queryset.select_related("family", "village").order_by("pk")
    for resident in residents.iterator(chunk_size=2000):
        yield {
            "NIK": resident.nik or "",
            "NO_KK": resident.family.no_kk if resident.family_id else "",
            "NAMA_LENGKAP": resident.full_name,
            "JENIS_KELAMIN": _WORDS["sex"].get(resident.sex, resident.sex),
            "TEMPAT_LAHIR": resident.birth_place,
            "TANGGAL_LAHIR": resident.birth_date.strftime("%d-%m-%Y")
            if resident.birth_date
            else "",
            "AGAMA": _WORDS["religion"].get(resident.religion, ""),
            "STATUS_PERKAWINAN": _WORDS["marital_status"].get(resident.marital_status, ""),
            "PENDIDIKAN": _WORDS["education"].get(resident.education, ""),
            "PEKERJAAN": resident.occupation,
            "STATUS_HUBUNGAN": _WORDS["relationship"].get(resident.relationship, ""),
            "ALAMAT": resident.address,
            "RT": resident.rt,
            "RW": resident.rw,
            "DUSUN": resident.hamlet,
            "KODE_DESA": resident.village.digits,
            "NO_HP": resident.phone,
            "STATUS": _WORDS["status"].get(resident.status, ""),
        }


def export_population_csv(queryset, path: Path) -> int:
    """Write residents to a CSV (UTF-8 with BOM, comma); return how many were written.

    The caller chooses the residents: pass a queryset already limited with ``visible_to``.
    """
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in _rows(queryset):
            writer.writerow(
                [excel_text(row[column], identifier=column in TEXT_COLUMNS) for column in HEADERS]
            )
            count += 1
    return count


def export_population_xlsx(queryset, path: Path) -> int:
    """Write residents to an .xlsx sheet "Penduduk", identifiers as text cells; return count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Penduduk")
    sheet.append(list(HEADERS))
    count = 0
    for row in _rows(queryset):
        cells = []
        for column in HEADERS:
            cell = WriteOnlyCell(sheet, value=row[column])
            cell.data_type = "s"  # never a formula, even for text starting with "="
            if column in TEXT_COLUMNS:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    workbook.save(Path(path))
    return count
