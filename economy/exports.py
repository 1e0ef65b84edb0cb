"""Choosing the export format of a list page (``?format=csv`` or ``?format=xlsx``).

Used by the economy, planning and rollout list pages; the writing itself (streaming, escaping
of formula-like cells) is :mod:`core.exports`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.audit import record
from core.exports import ask_purpose, csv_response, xlsx_response

FORMATS = ("csv", "xlsx")


def requested_format(request) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def export_response(fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence]):
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows)
    return csv_response(f"{name}.csv", header, rows)


def personal_export_response(
    request, fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence]
):
    """An export of a list with personal data: asks for its purpose, audits who took it and why.

    Aggregates (the rollout tables) use :func:`export_response`; lists that name residents,
    business owners or proposers come through here (``core.exports.ask_purpose``).
    """
    asked = ask_purpose(request)
    if asked is not None:
        return asked
    app = getattr(request.resolver_match, "app_name", "") or "economy"
    record(
        f"{app}.list.exported",
        actor=request.user,
        request=request,
        summary=f"{name}.{fmt}",
        list=name,
        format=fmt,
    )
    return export_response(fmt, name, header, rows)
