"""Reading a beneficiary list file: CSV or Excel, headers named in Indonesian.

Ministries and offices send lists in many shapes; the header row is found among the first
rows, its names are compared ignoring case, spaces and punctuation, and a file without the
columns a list needs is refused with an error naming what is missing and what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from people.importing.columns import header_key
from people.importing.errors import ImportFileError
from people.importing.readers import open_table
from people.importing.values import BadValue, cell_text, clean_birth_date, identifier_cell

# Canonical column -> header names seen in beneficiary lists.
COLUMNS: dict[str, tuple[str, ...]] = {
    "NIK": ("NIK", "NO_NIK", "NOMOR_NIK", "NIK_PENERIMA", "NIK_KPM", "NOMOR_INDUK_KEPENDUDUKAN"),
    "NO_KK": ("NO_KK", "NOMOR_KK", "NKK", "KK", "NO_KARTU_KELUARGA", "NOMOR_KARTU_KELUARGA"),
    "NAMA": ("NAMA", "NAMA_LENGKAP", "NAMA_PENERIMA", "NAMA_KPM", "NAMA_PENDUDUK", "NAMA_LGKP"),
    "TANGGAL_LAHIR": ("TANGGAL_LAHIR", "TGL_LAHIR", "TGL_LHR", "TANGGAL_LHR"),
    "ALAMAT": ("ALAMAT", "ALAMAT_RUMAH", "ALAMAT_KPM"),
    "DESA": ("DESA", "KELURAHAN", "DESA_KELURAHAN", "NAMA_DESA", "DESA/KEL", "KEL_DESA"),
    "KODE_DESA": ("KODE_DESA", "KD_DESA", "KODE_WILAYAH", "KODE_KELURAHAN"),
    "KECAMATAN": ("KECAMATAN", "NAMA_KECAMATAN", "KEC"),
}
REQUIRED = ("NIK", "NAMA")
IGNORED = frozenset(header_key(name) for name in ("NO", "NO_URUT", "KETERANGAN", "BARIS"))
_BY_KEY = {header_key(name): column for column, names in COLUMNS.items() for name in names}
MAX_TITLE_ROWS = 10


@dataclass
class ListRow:
    """One row of a list, as read; ``problem`` is set when the row cannot be used."""

    line: int
    nik: object
    no_kk: str
    name: str
    birth_date: date | None
    address: str
    village_text: str
    village_code: str
    district_text: str
    problem: str = ""


def _header(cells: list[object]) -> dict[int, str] | None:
    found = {}
    for position, cell in enumerate(cells):
        column = _BY_KEY.get(header_key(cell_text(cell)))
        if column and column not in found.values():
            found[position] = column
    return found if "NAMA" in found.values() else None


def read_list(path: Path, *, sheet: str | None = None, today: date) -> list[ListRow]:
    """Every non-blank row of the file; raises ImportFileError for a wrong sheet or header."""
    with open_table(Path(path), sheet=sheet) as table:
        header: dict[int, str] | None = None
        first_cells: list[str] = []
        rows: list[ListRow] = []
        for line, cells in table.rows:
            if header is None:
                header = _header(cells)
                if header is None:
                    if not first_cells:
                        first_cells = [cell_text(cell) for cell in cells if cell_text(cell)]
                    if line > MAX_TITLE_ROWS:
                        break
                    continue
                missing = [column for column in REQUIRED if column not in header.values()]
                if missing:
                    raise ImportFileError(
                        _(
                            "Kolom wajib tidak ada: %(missing)s. Judul kolom yang terbaca: "
                            "%(found)s."
                        )
                        % {
                            "missing": ", ".join(missing),
                            "found": ", ".join(cell_text(cell) for cell in cells if cell),
                        }
                    )
                continue
            rows.append(_row(line, cells, header, today))
        if header is None:
            found = ", ".join(first_cells[:8]) or _("(kosong)")
            if table.sheet:
                message = _(
                    "Baris judul kolom tidak ditemukan di sheet %(sheet)s: perlu kolom NIK dan "
                    "NAMA. Baris pertama berisi: %(found)s."
                ) % {"sheet": table.sheet, "found": found}
            else:
                message = _(
                    "Baris judul kolom tidak ditemukan: perlu kolom NIK dan NAMA. Baris pertama "
                    "berisi: %(found)s."
                ) % {"found": found}
            raise ImportFileError(message)
    return rows


def _row(line: int, cells: list[object], header: dict[int, str], today: date) -> ListRow:
    values: dict[str, object] = {}
    for position, column in header.items():
        values[column] = cells[position] if position < len(cells) else ""
    problem = ""
    name = " ".join(cell_text(values.get("NAMA")).split())
    if not name:
        problem = _("NAMA kosong.")
    born = None
    try:
        born = clean_birth_date(values.get("TANGGAL_LAHIR"), today)
    except BadValue as error:
        problem = problem or _("TANGGAL_LAHIR: %(error)s") % {"error": error}
    return ListRow(
        line=line,
        nik=identifier_cell(values.get("NIK")),
        no_kk=cell_text(values.get("NO_KK")),
        name=name[:200],
        birth_date=born,
        address=cell_text(values.get("ALAMAT"))[:255],
        village_text=cell_text(values.get("DESA")),
        village_code=cell_text(values.get("KODE_DESA")).replace(".", ""),
        district_text=cell_text(values.get("KECAMATAN")),
        problem=problem,
    )
