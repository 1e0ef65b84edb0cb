"""Document numbers: the format, Roman months, and the locked counter of a series.

A number such as ``470/0012/35.10.01.2001/IV/2026`` is built from the document type's archive
classification, the position in the office's series, the office code, and the month (in Roman
numerals) and year of issue *in the regency's time zone* (WIB): a letter issued at
2026-03-31 20:00 UTC is an April letter.

Numbers have no gaps: the counter row of a series is read under ``SELECT … FOR UPDATE`` in the
transaction that creates the document, so a rolled-back issue gives its number back, and the
unique constraints on (series, sequence) and on the number text catch anything that slips by.
"""

from __future__ import annotations

import string
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from documents.models import IssuedDocument, NumberingSeries

DEFAULT_FORMAT = "{classification}/{sequence:04}/{office_code}/{month_roman}/{year}"
FORMAT_FIELDS = frozenset(
    {"classification", "sequence", "office_code", "month_roman", "month", "year"}
)

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


class NumberTaken(Exception):
    """The sequence is already used in its series (an external number registered twice)."""


def document_time_zone() -> ZoneInfo:
    """The regency's time zone. Not settings.TIME_ZONE: the server may be told to run in UTC."""
    return ZoneInfo(getattr(settings, "DOCUMENTS_TIME_ZONE", "Asia/Jakarta"))


def local_time(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("document times must be timezone-aware")
    return moment.astimezone(document_time_zone())


def roman(number: int) -> str:
    if not 0 < number < 4000:
        raise ValueError(f"no Roman numeral for {number}")
    parts = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        parts.append(letters * count)
    return "".join(parts)


def validate_format(number_format: str) -> None:
    """Refuse a format with unknown fields, without ``{sequence}``, or that cannot be applied."""
    try:
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(number_format)}
    except ValueError as error:
        raise ValidationError(
            _("Format nomor tidak dapat dibaca: %(error)s"), params={"error": str(error)}
        ) from error
    fields.discard(None)
    unknown = sorted(fields - FORMAT_FIELDS)
    if unknown:
        raise ValidationError(
            _(
                "Format nomor memakai kolom yang tidak dikenal: %(fields)s. "
                "Yang boleh: %(allowed)s."
            ),
            params={
                "fields": ", ".join(f"{{{name}}}" for name in unknown),
                "allowed": ", ".join(f"{{{name}}}" for name in sorted(FORMAT_FIELDS)),
            },
        )
    if "sequence" not in fields:
        raise ValidationError(_("Format nomor harus memuat {sequence}."))
    try:
        format_number(
            number_format,
            classification="470",
            sequence=1,
            office_code="35.10.01.2001",
            moment=datetime(2026, 1, 1, tzinfo=document_time_zone()),
        )
    except (ValueError, TypeError) as error:
        raise ValidationError(
            _("Format nomor tidak dapat dipakai: %(error)s"), params={"error": str(error)}
        ) from error


def format_number(
    number_format: str, *, classification: str, sequence: int, office_code: str, moment: datetime
) -> str:
    when = local_time(moment)
    return number_format.format(
        classification=classification,
        sequence=sequence,
        office_code=office_code,
        month_roman=roman(when.month),
        month=when.month,
        year=when.year,
    )


def lock_series(*, office_code: str, series_key: str, year: int) -> NumberingSeries:
    """The series' counter row, created if new and locked until the transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_series must run inside transaction.atomic()")
    series, _created = NumberingSeries.objects.get_or_create(
        office_code=office_code, series_key=series_key, year=year
    )
    return NumberingSeries.objects.select_for_update().get(pk=series.pk)


def take_next_sequence(series: NumberingSeries) -> int:
    """Advance a locked series by one and return the new position."""
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number


def reserve_sequence(series: NumberingSeries, sequence: int) -> None:
    """Claim a given position in a locked series (an externally issued number).

    The next automatic number continues after the highest position ever used.
    """
    if sequence < 1:
        raise ValueError("sequence numbers start at 1")
    if IssuedDocument.objects.filter(series=series, sequence=sequence).exists():
        raise NumberTaken(sequence)
    if sequence > series.last_number:
        series.last_number = sequence
        series.save(update_fields=["last_number"])
