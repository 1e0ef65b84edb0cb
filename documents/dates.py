"""Dates in Indonesian, as letters print them, independent of the active language; and
``page_datetime`` for pages, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import get_language

from documents.numbering import local_time

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def format_date(value: date | None) -> str:
    """``15 Juni 1985``; an aware datetime is first moved to the regency's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: datetime) -> str:
    """``Rabu, 1 April 2026 pukul 03.00 WIB`` in the regency's time zone."""
    when = local_time(value)
    zone = when.tzname() or ""
    return f"{DAYS[when.weekday()]}, {format_date(when.date())} pukul {when:%H.%M} {zone}".strip()


def page_datetime(value: datetime) -> str:
    """A moment on a page: the letters' Indonesian wording when the page is in Indonesian,
    the active language's own format otherwise (``1 April 2026, 09:00 WIB``)."""
    if (get_language() or "id").startswith("id"):
        return format_datetime(value)
    when = local_time(value)
    return f"{date_format(when, 'DATETIME_FORMAT')} {when.tzname() or ''}".strip()
