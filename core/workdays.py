"""Working days of the regency's offices: weekdays that are not days off.

Days off are, together:

* Indonesia's national public holidays and the government's collective leave days (cuti
  bersama), from the ``holidays`` package (categories ``public`` and ``government``);
* the regency's own extra days off from ``settings.REGENCY_DAYS_OFF`` (ISO dates), for days a
  deployment fixes in its environment;
* the :class:`core.models.DayOff` rows the regency administrator keeps in the admin, for days
  announced during the year (a regional holiday, a local election day).

Service levels are counted in working days from the day after a step starts, the way service
standards (standar pelayanan) count them: a 3-day letter submitted on a Friday is due on the
Wednesday after.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

# Banyuwangi keeps Western Indonesia Time (WIB, UTC+7). Office days are counted in it even when
# the server runs in UTC: a step at 23:30 UTC on a Monday happened on the Tuesday there.
REGENCY_TIME_ZONE = ZoneInfo("Asia/Jakarta")
# Saturday and Sunday; village and regency offices work Monday to Friday.
WEEKEND = frozenset({5, 6})
# Beyond this many days a loop is surely looking at bad input (an SLA of centuries).
_MAX_SPAN_DAYS = 366 * 20


@lru_cache(maxsize=64)
def _national_days_off(year: int) -> frozenset[date]:
    calendar = holidays.Indonesia(years=year, categories=("public", "government"))
    return frozenset(calendar.keys())


def _configured_days_off() -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in settings.REGENCY_DAYS_OFF)


class WorkCalendar:
    """Which days between two dates are working days.

    ``extra_days_off`` are added to the national ones and replace the configured ones; leave it
    ``None`` to use the settings and the ``DayOff`` table (read once per span asked about).
    """

    def __init__(self, extra_days_off: Iterable[date] | None = None):
        if extra_days_off is None:
            self._extra = _configured_days_off()
            self._use_database = True
        else:
            self._extra = frozenset(extra_days_off)
            self._use_database = False
        self._loaded: tuple[date, date] | None = None
        self._database_days: frozenset[date] = frozenset()

    def _load(self, first: date, last: date) -> None:
        """Read the administrator's days off once for the span, widened to whole years."""
        if not self._use_database:
            return
        if self._loaded and self._loaded[0] <= first and last <= self._loaded[1]:
            return
        from core.models import DayOff

        start, end = date(first.year, 1, 1), date(last.year + 1, 12, 31)
        self._database_days = frozenset(
            DayOff.objects.filter(date__range=(start, end)).values_list("date", flat=True)
        )
        self._loaded = (start, end)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() in WEEKEND:
            return False
        if day in _national_days_off(day.year):
            return False
        if day in self._extra:
            return False
        self._load(day, day)
        return day not in self._database_days

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (which itself does not count).

        With ``days == 0``: ``start`` if it is a working day, else the next working day.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        self._load(start, start + timedelta(days=days * 2 + 30))
        current = start
        if days == 0:
            while not self.is_working_day(current):
                current = self._step(current, start)
            return current
        remaining = days
        while remaining:
            current = self._step(current, start)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; 0 when ``end <= start``.

        The inverse of :meth:`add_working_days`: ``working_days_between(d, add_working_days(d,
        n)) == n`` for every ``n >= 1``.
        """
        if end <= start:
            return 0
        if (end - start).days > _MAX_SPAN_DAYS:
            raise ValueError("span too long to count working days")
        self._load(start, end)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    @staticmethod
    def _step(current: date, start: date) -> date:
        following = current + timedelta(days=1)
        if (following - start).days > _MAX_SPAN_DAYS:
            raise ValueError("span too long to count working days")
        return following


def add_working_days(start_date: date, n: int) -> date:
    """``n`` working days after ``start_date``, with the configured days off."""
    return WorkCalendar().add_working_days(start_date, n)


def working_days_between(start_date: date, end_date: date) -> int:
    """Working days after ``start_date`` up to and including ``end_date``."""
    return WorkCalendar().working_days_between(start_date, end_date)


def is_working_day(day: date) -> bool:
    return WorkCalendar().is_working_day(day)


def regency_date(moment: datetime) -> date:
    """The calendar date of an aware moment in the regency (WIB)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(REGENCY_TIME_ZONE).date()


def regency_today() -> date:
    from django.utils import timezone

    return regency_date(timezone.now())
