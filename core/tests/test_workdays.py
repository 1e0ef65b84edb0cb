"""Working days with fixed dates of 2026 (Indonesia's calendar from the holidays package)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.models import DayOff
from core.workdays import WorkCalendar, add_working_days, is_working_day, working_days_between

NO_EXTRA = WorkCalendar(extra_days_off=())


def test_three_working_days_from_a_friday_end_on_the_wednesday_after():
    assert NO_EXTRA.add_working_days(date(2026, 1, 9), 3) == date(2026, 1, 14)


def test_a_national_holiday_is_skipped():
    # 16 January 2026 (a Friday) is Isra Mikraj.
    assert NO_EXTRA.add_working_days(date(2026, 1, 15), 1) == date(2026, 1, 19)


def test_collective_leave_around_eid_is_skipped():
    # 18 Mar cuti Nyepi, 19 Nyepi, 20 cuti, 21-22 Idul Fitri (weekend), 23-24 cuti bersama.
    assert NO_EXTRA.add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 25)
    assert NO_EXTRA.working_days_between(date(2026, 3, 17), date(2026, 3, 25)) == 1


def test_zero_days_from_a_saturday_is_the_next_monday():
    assert NO_EXTRA.add_working_days(date(2026, 1, 10), 0) == date(2026, 1, 12)
    assert NO_EXTRA.add_working_days(date(2026, 1, 12), 0) == date(2026, 1, 12)


def test_days_between_counts_after_the_start_up_to_and_including_the_end():
    assert NO_EXTRA.working_days_between(date(2026, 1, 9), date(2026, 1, 9)) == 0
    assert NO_EXTRA.working_days_between(date(2026, 1, 9), date(2026, 1, 12)) == 1
    assert NO_EXTRA.working_days_between(date(2026, 1, 14), date(2026, 1, 9)) == 0


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        NO_EXTRA.add_working_days(date(2026, 1, 9), -1)


def test_regency_days_off_from_settings_are_skipped(db, settings):
    settings.REGENCY_DAYS_OFF = ["2026-01-13"]

    assert add_working_days(date(2026, 1, 9), 3) == date(2026, 1, 15)
    assert not is_working_day(date(2026, 1, 13))


def test_days_off_kept_by_the_administrator_are_skipped(db):
    DayOff.objects.create(date=date(2026, 1, 12), name="Libur daerah uji")

    assert add_working_days(date(2026, 1, 9), 3) == date(2026, 1, 15)
    assert working_days_between(date(2026, 1, 9), date(2026, 1, 15)) == 3


def test_weekends_are_never_working_days():
    assert not NO_EXTRA.is_working_day(date(2026, 1, 10))
    assert not NO_EXTRA.is_working_day(date(2026, 1, 11))


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    days=st.integers(min_value=1, max_value=60),
)
def test_counting_between_undoes_adding(start, days):
    end = NO_EXTRA.add_working_days(start, days)

    assert NO_EXTRA.working_days_between(start, end) == days
    assert NO_EXTRA.is_working_day(end)


def test_a_late_evening_step_in_utc_counts_on_the_next_day_in_banyuwangi():
    from datetime import UTC, datetime

    from core.workdays import regency_date

    assert regency_date(datetime(2026, 1, 12, 23, 30, tzinfo=UTC)) == date(2026, 1, 13)
    assert regency_date(datetime(2026, 1, 12, 16, 59, tzinfo=UTC)) == date(2026, 1, 12)
