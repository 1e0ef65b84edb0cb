"""Lists as CSV or .xlsx downloads, streamed, and safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is run as a
formula by Excel and LibreOffice; such text gets a leading apostrophe (OWASP's advice on CSV
injection), which the spreadsheet shows as plain text. Numbers are written as numbers, so a
negative amount is not mangled. Both responses stream: memory does not grow with the rows.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value):
    """The value to write into a cell: text that would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark, so that Excel on Windows reads the file as UTF-8.
    yield "\ufeff" + writer.writerow([escape_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([escape_cell(value) for value in row])


def _disposition(filename: str) -> str:
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "export"
    return f'attachment; filename="{safe}"'


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """A streamed CSV download of ``rows`` under ``header``."""
    response = StreamingHttpResponse(_csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


def write_xlsx(file, header: Sequence[str], rows: Iterable[Sequence], *, title: str = "Data"):
    """Write one sheet in openpyxl's write-only mode (constant memory) to ``file``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Data")
    sheet.append([escape_cell(name) for name in header])
    for row in rows:
        sheet.append([escape_cell(value) for value in row])
    workbook.save(file)


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], **kwargs):
    """An .xlsx download of ``rows``; the workbook is built in a temporary file, not in memory."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    write_xlsx(spool, header, rows, **kwargs)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    response["Cache-Control"] = "no-store"
    return response
