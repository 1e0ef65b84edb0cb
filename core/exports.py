"""Lists as CSV or .xlsx downloads, streamed, and safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is run as a
formula by Excel and LibreOffice; such text gets a leading apostrophe (OWASP's advice on CSV
injection), which the spreadsheet shows as plain text. Numbers are written as numbers, so a
negative amount is not mangled. Both responses stream: memory does not grow with the rows.
"""

from __future__ import annotations

import csv
import functools
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
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


# --------------------------------------------------------------------------- purpose of an export

#: The form field (and query parameter) that says why personal data is being taken out.
PURPOSE_PARAM = "keperluan"
PURPOSE_MIN_LENGTH = 5
PURPOSE_MAX_LENGTH = 200


def finished_xlsx_response(user, pk: int, *, kind: str, path_for) -> FileResponse:
    """The workbook a finished export job of ``kind`` wrote (at ``path_for(job.pk)``), for the
    account that asked for it only; 404 for anyone else, an unfinished job or a missing file."""
    from core.models import Job, JobStatus

    job = get_object_or_404(
        Job.objects.filter(created_by=user, kind=kind, status=JobStatus.DONE), pk=pk
    )
    path = path_for(job.pk)
    try:
        handle = path.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=path.name, content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


def clean_purpose(text: str) -> str | None:
    """A stated purpose as it is kept, or None when it says too little.

    Control characters go (PostgreSQL's JSON refuses NUL; the resident's page would show
    nothing of them), runs of spaces become one, and it needs ``PURPOSE_MIN_LENGTH`` letters or
    digits: "....." states no purpose.
    """
    printable = "".join(
        " " if unicodedata.category(char).startswith("C") else char for char in str(text)
    )
    purpose = " ".join(printable.split())[:PURPOSE_MAX_LENGTH]
    if sum(char.isalnum() for char in purpose) < PURPOSE_MIN_LENGTH:
        return None
    return purpose


def export_purpose(request) -> str | None:
    """The purpose the user gave for this export, or None when missing or too short."""
    source = request.POST if request.method == "POST" else request.GET
    return clean_purpose(source.get(PURPOSE_PARAM, ""))


def ask_purpose(request):
    """None when the request states a purpose (then kept as ``request.export_purpose``), else
    the page asking for one, carrying the export's other parameters along."""
    from django.shortcuts import render

    purpose = export_purpose(request)
    if purpose is not None:
        request.export_purpose = purpose
        return None
    source = request.POST if request.method == "POST" else request.GET
    carried = [
        (key, value)
        for key, values in source.lists()
        if key not in (PURPOSE_PARAM, "csrfmiddlewaretoken")
        for value in values
    ]
    return render(
        request,
        "core/export_purpose.html",
        {
            "method": "POST" if request.method == "POST" else "GET",
            "carried": carried,
            "given": source.get(PURPOSE_PARAM, ""),
            "param": PURPOSE_PARAM,
            "min_length": PURPOSE_MIN_LENGTH,
            "max_length": PURPOSE_MAX_LENGTH,
        },
    )


def purpose_required(view):
    """An export of personal data runs only with a stated purpose, which the audit keeps.

    Without one, the user gets a short form asking for it; with one, every audit entry written
    for the request records it (``core.audit.record``). UU 27/2022 asks that personal data be
    processed for a stated purpose; the trail says who took which data and why.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return ask_purpose(request) or view(request, *args, **kwargs)

    return wrapper
