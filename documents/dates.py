"""Dates in Indonesian, as letters print them, independent of the active language."""

from __future__ import annotations

from datetime import date, datetime

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
