"""Waiting and service times per point, from the daily totals."""

from datetime import date, timedelta

import pytest

from queues import services
from queues.figures import point_figures
from queues.models import ServicePoint, TicketChannel

from .conftest import wib

pytestmark = pytest.mark.django_db


def test_figures_add_up_the_days_asked_for_and_only_the_points_given(
    point, letters, complaints_line, counter_one, village_officer, mall_point, agency_officer
):
    at = wib(2026, 12, 4, 8, 0)
    for minute, line in ((0, letters), (1, complaints_line), (2, letters)):
        services.take_ticket(
            point=point, line=line, channel=TicketChannel.KIOSK, now=at + timedelta(minutes=minute)
        )
    for minutes in (10, 20, 30):
        services.call_next(counter_one, user=village_officer, now=at + timedelta(minutes=minutes))
    services.skip(counter_one, user=village_officer, now=at + timedelta(minutes=31))
    # Another day, outside the range asked for.
    services.take_ticket(point=point, line=letters, channel="kiosk", now=wib(2026, 12, 8, 8, 0))

    [figures] = point_figures(
        ServicePoint.objects.operated_by(village_officer),
        since=date(2026, 12, 4),
        until=date(2026, 12, 5),
    )

    assert (figures.point_name, figures.issued, figures.called) == (point.name, 3, 3)
    assert (figures.served, figures.skipped) == (2, 1)
    # Waits: 10, 19 and 28 minutes; services: 10 minutes each.
    assert figures.average_wait_seconds == (10 + 19 + 28) * 60 // 3
    assert figures.longest_wait_seconds == 28 * 60
    assert figures.average_service_seconds == 10 * 60
    assert (
        point_figures(
            ServicePoint.objects.operated_by(agency_officer),
            since=date(2026, 12, 4),
            until=date(2026, 12, 5),
        )
        == []
    )
