"""Fixtures for the queue tests: the demo village's office with two lines and two counters, a
Mall point run by an agency, and a clock in WIB."""

from __future__ import annotations

from datetime import datetime

import pytest

from accounts.roles import Role
from core.workdays import REGENCY_TIME_ZONE
from queues.models import Counter, PointKind, PriorityGroup, ServiceLine, ServicePoint
from regions.models import Region


def wib(*args) -> datetime:
    """An aware moment in the regency's time zone: ``wib(2026, 12, 4, 23, 58)``."""
    return datetime(*args, tzinfo=REGENCY_TIME_ZONE)


@pytest.fixture
def point(village):
    return ServicePoint.objects.create(
        code="kantor-desa-sarongan",
        name="Kantor Desa Sarongan",
        kind=PointKind.VILLAGE_OFFICE,
        region=village,
    )


@pytest.fixture
def letters(point):
    return ServiceLine.objects.create(point=point, prefix="A", name="Surat keterangan")


@pytest.fixture
def complaints_line(point):
    return ServiceLine.objects.create(point=point, prefix="B", name="Pengaduan", position=1)


@pytest.fixture
def counter_one(point, letters, complaints_line):
    counter = Counter.objects.create(point=point, name="Loket 1")
    counter.lines.set([letters, complaints_line])
    return counter


@pytest.fixture
def counter_two(point, letters):
    counter = Counter.objects.create(point=point, name="Loket 2", position=1)
    counter.lines.set([letters])
    return counter


@pytest.fixture
def elderly(db):
    return PriorityGroup.objects.get(code="lansia")


@pytest.fixture
def mall_point(db, agency):
    point = ServicePoint.objects.create(
        code="mpp-dispendukcapil",
        name="MPP Dispendukcapil",
        kind=PointKind.MALL,
        region=Region.objects.get(code="35.10"),
        agency=agency,
    )
    line = ServiceLine.objects.create(point=point, prefix="C", name="KTP elektronik")
    counter = Counter.objects.create(point=point, name="Loket 1")
    counter.lines.set([line])
    return point


@pytest.fixture
def village_head(make_user, village):
    return make_user(Role.VILLAGE_HEAD, region=village)
