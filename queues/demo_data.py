"""Demo queues: the demo village's office and a Public Service Mall point, a week of served
tickets (so waiting times have figures) and a few people waiting today.

Idempotent: points, lines and counters are looked up by code; tickets are added only to a
point that has none. Tickets carry no personal data.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from accounts.models import User
from accounts.roles import Role
from agencies.models import Agency
from core.workdays import REGENCY_TIME_ZONE, regency_today
from queues import services
from queues.models import (
    Counter,
    PointKind,
    PriorityGroup,
    ServiceLine,
    ServicePoint,
    Ticket,
    TicketChannel,
)
from regions.models import Region
from services.models import Service

DEMO_VILLAGE_CODE = "35.10.01.2001"  # Sarongan, Pesanggaran (as accounts.demo)
REGENCY_CODE = "35.10"
HISTORY_DAYS = 5

POINTS = [
    {
        "code": "kantor-desa-sarongan",
        "name": "Kantor Desa Sarongan",
        "kind": PointKind.VILLAGE_OFFICE,
        "region": DEMO_VILLAGE_CODE,
        "agency": None,
        "lines": [
            ("A", "Surat keterangan", "Certificates and letters", "keterangan-domisili"),
            ("B", "Pengaduan", "Complaints", None),
        ],
        "counters": [("Loket 1", "AB"), ("Loket 2", "A")],
    },
    {
        "code": "mpp-dukcapil",
        "name": "Mal Pelayanan Publik · Dispendukcapil",
        "kind": PointKind.MALL,
        "region": REGENCY_CODE,
        "agency": "dukcapil",
        "lines": [
            ("C", "KTP elektronik dan KK", "Identity card and family card", None),
            ("D", "Akta kelahiran", "Birth certificate", "dukcapil-akta-kelahiran"),
        ],
        "counters": [("Loket 1", "CD"), ("Loket 2", "C"), ("Loket 3", "D")],
    },
]


def _ensure_point(spec: dict) -> ServicePoint | None:
    region = Region.objects.filter(code=spec["region"]).first()
    if region is None:
        return None
    agency = Agency.objects.filter(code=spec["agency"]).first() if spec["agency"] else None
    point, _created = ServicePoint.objects.get_or_create(
        code=spec["code"],
        defaults={"name": spec["name"], "kind": spec["kind"], "region": region, "agency": agency},
    )
    lines = {}
    for position, (prefix, name, name_en, service_code) in enumerate(spec["lines"]):
        service = Service.objects.filter(code=service_code).first() if service_code else None
        lines[prefix], _created = ServiceLine.objects.get_or_create(
            point=point,
            prefix=prefix,
            defaults={
                "name": name,
                "name_en": name_en,
                "service": service,
                "position": position,
            },
        )
    for position, (name, prefixes) in enumerate(spec["counters"]):
        counter, created = Counter.objects.get_or_create(
            point=point, name=name, defaults={"position": position}
        )
        if created:
            counter.lines.set([lines[prefix] for prefix in prefixes])
    return point


def _office_hours(day, rng: random.Random, count: int) -> list[datetime]:
    start = datetime.combine(day, time(8, 0), tzinfo=REGENCY_TIME_ZONE)
    return sorted(start + timedelta(minutes=rng.randint(0, 240)) for _ in range(count))


def _fill_history(point: ServicePoint, operator: User, rng: random.Random) -> int:
    """A few past office days: tickets taken through the morning, each called and served."""
    lines = list(point.lines.all())
    counter = point.counters.order_by("position").first()
    groups = list(PriorityGroup.objects.filter(is_active=True))
    made = 0
    today = regency_today()
    for days_back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_back)
        if day.weekday() >= 5:
            continue
        taken = []
        for moment in _office_hours(day, rng, rng.randint(8, 14)):
            group = rng.choice(groups) if groups and rng.random() < 0.1 else None
            taken.append(
                services.take_ticket(
                    point=point,
                    line=rng.choice(lines),
                    channel=rng.choice(TicketChannel.values),
                    priority_group=group,
                    now=moment,
                )
            )
        clock = taken[0].taken_at + timedelta(minutes=5)
        for ticket in taken:
            clock = max(clock, ticket.taken_at) + timedelta(minutes=rng.randint(2, 12))
            services.call_next(counter, user=operator, now=clock)
        clock += timedelta(minutes=rng.randint(3, 10))
        services.finish(counter, user=operator, now=clock)
        made += len(taken)
    return made


def _waiting_today(point: ServicePoint, rng: random.Random) -> int:
    now = datetime.now(tz=REGENCY_TIME_ZONE)
    lines = list(point.lines.all())
    for minutes in (25, 18, 9):
        services.take_ticket(
            point=point,
            line=rng.choice(lines),
            channel=TicketChannel.KIOSK,
            now=now - timedelta(minutes=minutes),
        )
    return 3


def seed(*, seed: int, stdout) -> None:
    rng = random.Random(seed)
    operator = User.objects.filter(role=Role.REGENT, is_active=True).order_by("pk").first()
    for spec in POINTS:
        point = _ensure_point(spec)
        if point is None or operator is None:
            continue
        if Ticket.objects.filter(point=point).exists():
            continue
        made = _fill_history(point, operator, rng)
        made += _waiting_today(point, rng)
        stdout.write(f"Queues: {point.name}: {made} demo tickets.")
