"""Choosing the export format of a list page (``?format=csv`` or ``?format=xlsx``).

Used by the economy, planning and rollout list pages; the writing itself (streaming, escaping
of formula-like cells) is :mod:`core.exports`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.exports import csv_response, xlsx_response

FORMATS = ("csv", "xlsx")


def requested_format(request) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def export_response(fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence]):
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows)
    return csv_response(f"{name}.csv", header, rows)
