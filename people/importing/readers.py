"""Stream the rows of a population file, CSV or Excel, with their line numbers.

A row's line number is the one a clerk sees in Excel: the header is line 1 when it is the first
row, blank rows count, and a quoted cell spanning several text lines is still one row.

CSV files may be UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark (Excel's
"Unicode Text"), or Windows-1252 (Excel's plain "CSV" on Windows). The encoding is decided for the
whole file before the first row is read, so a row can never be decoded with the wrong one: UTF-8
is tried strictly and Windows-1252 is the fallback; a file that is neither, or that mixes the two,
is refused rather than imported as garbled text. The separator (comma, semicolon or tab) is taken
from the header line.

Excel files (.xlsx, and .xls/.ods, which the same reader understands) are read with
python-calamine, which gives typed cells: text stays ``str``, numbers arrive as ``float``,
date cells as ``date``/``datetime``. A 16-digit NIK in a number cell therefore arrives as a float
and is refused as damaged by Excel instead of being trusted.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from people.importing.errors import ImportFileError

_BLOCK = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A UTF-8 encoded accented letter (é is C3 A9). Seen in a file that is not valid UTF-8, it means
# the file mixes encodings, and decoding it as Windows-1252 would store "JOSÃ‰".
_UTF8_PAIR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")


@dataclass
class Table:
    """An open file: how it was read, and an iterator of ``(line, cells)`` for non-blank rows."""

    kind: str  # "csv" or "excel"
    sha256: str
    rows: Iterator[tuple[int, list[object]]]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)


@contextmanager
def open_table(path: Path, *, sheet: str | None = None) -> Iterator[Table]:
    """Open a CSV or Excel file for streaming; raise :class:`ImportFileError` if it cannot be."""
    path = Path(path)
    try:
        with path.open("rb") as raw:
            start = raw.read(8)
    except FileNotFoundError:
        raise ImportFileError(_("Berkas %(name)s tidak ditemukan.") % {"name": path.name}) from None
    except IsADirectoryError:
        raise ImportFileError(
            _("%(name)s adalah folder, bukan berkas.") % {"name": path.name}
        ) from None
    if not start:
        raise ImportFileError(_("Berkas kosong: tidak ada judul kolom maupun data penduduk."))

    if start.startswith(_ZIP_MAGIC) or start.startswith(_OLE_MAGIC):
        yield _open_excel(path, sheet)
        return
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise ImportFileError(
            _(
                "Berkas %(name)s bernama seperti berkas Excel tetapi isinya bukan Excel. Buka di "
                "Excel lalu simpan lagi sebagai .xlsx atau CSV."
            )
            % {"name": path.name}
        )
    if sheet:
        raise ImportFileError(
            _("Berkas CSV tidak mempunyai sheet; hapus pilihan sheet %(sheet)s.") % {"sheet": sheet}
        )
    encoding, sha256 = _inspect_text(path)
    with path.open("r", encoding=encoding, newline="") as text:
        delimiter = _sniff_delimiter(text)
        text.seek(0)
        yield Table(
            kind="csv",
            sha256=sha256,
            rows=_csv_rows(text, delimiter),
            encoding=encoding,
            delimiter=delimiter,
        )


# --------------------------------------------------------------------------- CSV


def _inspect_text(path: Path) -> tuple[str, str]:
    """Decide the encoding of the whole file and hash it, in one pass over its bytes."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_error: UnicodeDecodeError | None = None
    first = b""
    offset = 0
    with path.open("rb") as raw:
        while block := raw.read(_BLOCK):
            if not first:
                first = block[:4]
                if first.startswith(_UTF16_BOMS):
                    digest.update(block)
                    for rest in iter(lambda: raw.read(_BLOCK), b""):
                        digest.update(rest)
                    _check_decodes(path, "utf-16")
                    return "utf-16", digest.hexdigest()
                if b"\x00" in block[:4096]:
                    raise ImportFileError(
                        _(
                            "Berkas %(name)s bukan teks CSV maupun Excel .xlsx. Simpan data "
                            "penduduk dari Excel sebagai 'CSV UTF-8' atau .xlsx."
                        )
                        % {"name": path.name}
                    )
            digest.update(block)
            if utf8_error is None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as error:
                    utf8_error = UnicodeDecodeError(
                        error.encoding,
                        error.object,
                        offset + error.start,
                        offset + error.end,
                        error.reason,
                    )
            offset += len(block)
        if utf8_error is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as error:
                utf8_error = error
    if utf8_error is None:
        return "utf-8-sig", digest.hexdigest()
    _check_decodes(path, "cp1252")
    return "cp1252", digest.hexdigest()


def _check_decodes(path: Path, encoding: str) -> None:
    """Decode the whole file strictly; refuse it when it cannot be or mixes in UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    tail = b""
    with path.open("rb") as raw:
        while block := raw.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    _(
                        "Berkas %(name)s tidak dapat dibaca sebagai teks UTF-8 maupun "
                        "Windows-1252 (byte 0x%(byte)02X di posisi %(position)s). Buka di Excel "
                        "lalu simpan sebagai 'CSV UTF-8 (Comma delimited)'."
                    )
                    % {
                        "name": path.name,
                        "byte": block[error.start],
                        "position": offset + error.start,
                    }
                ) from None
            if encoding == "cp1252" and _UTF8_PAIR.search(tail + block):
                raise ImportFileError(
                    _(
                        "Berkas %(name)s mencampur dua pengodean teks (sebagian UTF-8, sebagian "
                        "Windows-1252), sehingga huruf seperti É akan rusak. Buka di Excel lalu "
                        "simpan ulang seluruhnya sebagai 'CSV UTF-8 (Comma delimited)'."
                    )
                    % {"name": path.name}
                )
            tail = block[-1:]
            offset += len(block)
        decoder.decode(b"", final=True)


def _sniff_delimiter(text) -> str:
    """The separator of the header line: whichever of ``;``, ``,`` and tab it has most of."""
    line = ""
    for line in text:
        if line.strip().strip(",;\t"):
            break
    counts = {delimiter: line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv_rows(text, delimiter: str) -> Iterator[tuple[int, list[object]]]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for line, cells in enumerate(reader, start=1):
            # Nearly every row starts with its NIK; only the others need a closer look.
            if (cells and cells[0] and not cells[0].isspace()) or any(
                cell and not cell.isspace() for cell in cells
            ):
                yield line, cells
    except csv.Error as error:
        raise ImportFileError(
            _("Berkas CSV rusak di sekitar baris %(line)s: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from None


# --------------------------------------------------------------------------- Excel


def _open_excel(path: Path, sheet: str | None) -> Table:
    # Imported here so that CSV imports never pay for loading the extension.
    import python_calamine

    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(_BLOCK), b""):
            digest.update(block)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several unrelated types for a broken file
        raise ImportFileError(
            _(
                "Berkas Excel %(name)s tidak dapat dibuka (%(error)s). Buka di Excel, periksa "
                "isinya, lalu simpan lagi sebagai .xlsx."
            )
            % {"name": path.name, "error": error}
        ) from None

    names = list(workbook.sheet_names)
    if not names:
        raise ImportFileError(_("Berkas Excel tidak mempunyai sheet."))
    chosen = names[0] if sheet is None else _find_sheet(names, sheet)
    # calamine loads the chosen sheet into compact native memory; Python sees one row at a time.
    worksheet = workbook.get_sheet_by_name(chosen)
    return Table(
        kind="excel",
        sha256=digest.hexdigest(),
        rows=_excel_rows(worksheet),
        sheet=chosen,
        sheets=names,
    )


def _find_sheet(names: list[str], wanted: str) -> str:
    if wanted in names:
        return wanted
    folded = [name for name in names if name.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ImportFileError(
        _("Sheet %(sheet)s tidak ada di berkas. Sheet yang ada: %(sheets)s.")
        % {"sheet": repr(wanted), "sheets": ", ".join(repr(name) for name in names)}
    )


def _excel_rows(worksheet) -> Iterator[tuple[int, list[object]]]:
    # calamine yields every row from the sheet's first row (row 1), blank ones included, and
    # gives "" for an empty cell.
    for line, cells in enumerate(worksheet.iter_rows(), start=1):
        for cell in cells:
            if cell != "" and not (cell.__class__ is str and cell.isspace()):
                yield line, cells
                break
