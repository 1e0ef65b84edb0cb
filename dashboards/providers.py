"""Where the dashboard figures come from: one function per source, grouped by village.

Each provider yields ``(metric, region_id, dimension, value)`` rows from ONE grouped query (or
a few) over its source tables; the region is a village, or a district or the regency for
figures of an office above the villages. ``dashboards.services.refresh`` stores them. A
provider whose app is not installed is skipped and named in the refresh's record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.apps import apps
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from core.workdays import regency_today

Row = tuple[str, int, str, float]
PROVIDERS: dict[str, Callable[[], Iterable[Row]]] = {}


def provider(name: str):
    def decorator(function: Callable[[], Iterable[Row]]):
        PROVIDERS[name] = function
        return function

    return decorator


def _model(label: str):
    """The model, or None when its app is not installed (the provider is then skipped)."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _grouped(queryset, metric: str, village: str, dimension: str | None, value) -> Iterator[Row]:
    fields = [village] + ([dimension] if dimension else [])
    for row in queryset.values(*fields).annotate(value=value).order_by():
        if row[village] is None or row["value"] is None:
            continue
        yield metric, row[village], str(row[dimension]) if dimension else "", float(row["value"])


@provider("population")
def population() -> Iterator[Row]:
    from people.choices import ResidentStatus
    from people.models import Resident

    living = Resident.objects.filter(status=ResidentStatus.LIVING)
    yield from _grouped(living, "population.living", "village_id", None, Count("id"))
    yield from _grouped(living, "population.sex", "village_id", "sex", Count("id"))


@provider("applications")
def applications() -> Iterator[Row]:
    from services.models import Application, State

    submitted = Application.objects.exclude(state=State.DRAFT)
    yield from _grouped(submitted, "applications.state", "village_id", "state", Count("id"))
    yield from _grouped(
        submitted, "applications.service", "village_id", "service__code", Count("id")
    )
    today = regency_today()
    yield from _grouped(
        Application.objects.pending(), "applications.pending", "village_id", None, Count("id")
    )
    yield from _grouped(
        Application.objects.overdue(today), "applications.overdue", "village_id", None, Count("id")
    )
    issued = Application.objects.filter(state=State.ISSUED)
    for metric, value in [
        ("applications.issued", Count("id")),
        ("applications.village_days_sum", Sum("village_working_days")),
        ("applications.upper_days_sum", Sum("upper_working_days")),
        ("applications.sla_days_sum", Sum("service__sla_days")),
        (
            "applications.within_sla",
            Count(
                "id",
                filter=Q(issued_at__isnull=False, due_date__isnull=False)
                & Q(issued_at__date__lte=F("due_date")),
            ),
        ),
    ]:
        yield from _grouped(issued, metric, "village_id", "service__code", value)


@provider("queues")
def queues() -> Iterator[Row]:
    LineDay = _model("queues.LineDay")
    if LineDay is None:
        return
    since = regency_today() - timedelta(days=30)
    recent = LineDay.objects.filter(day__gte=since)
    region = "line__point__region_id"
    yield from _grouped(recent, "queues.served", region, None, Sum("served"))
    yield from _grouped(recent, "queues.wait_seconds_sum", region, None, Sum("wait_seconds_total"))
    yield from _grouped(
        recent, "queues.served_by_point", region, "line__point__name", Sum("served")
    )


@provider("rollout")
def rollout() -> Iterator[Row]:
    VillageReadiness = _model("rollout.VillageReadiness")
    if VillageReadiness is None:
        return
    for village_id, stage, score in VillageReadiness.objects.values_list(
        "village_id", "stage", "score"
    ):
        yield "rollout.score", village_id, "", float(score)
        yield "rollout.villages", village_id, "", 1.0
        yield "rollout.stage", village_id, str(stage), 1.0


@provider("assistance")
def assistance() -> Iterator[Row]:
    Flag = _model("assistance.Flag")
    Membership = _model("assistance.Membership")
    if Flag is None or Membership is None:
        return
    caught = Flag.objects.exclude(status="rejected")
    yield from _grouped(caught, "assistance.flags", "village_id", "kind", Count("id"))
    active = Membership.objects.filter(status="active")
    yield from _grouped(
        active, "assistance.recipients", "village_id", "programme__code", Count("id")
    )


@provider("complaints")
def complaints() -> Iterator[Row]:
    Complaint = _model("complaints.Complaint")
    if Complaint is None:
        return
    from complaints.models import OPEN_STATES

    every = Complaint.objects.all()
    yield from _grouped(every, "complaints.category", "village_id", "category", Count("id"))
    yield from _grouped(every, "complaints.status", "village_id", "state", Count("id"))
    still_open = Complaint.objects.filter(state__in=OPEN_STATES)
    yield from _grouped(still_open, "complaints.open", "village_id", None, Count("id"))
    overdue = still_open.filter(due_at__lt=timezone.now())
    yield from _grouped(overdue, "complaints.overdue", "village_id", None, Count("id"))


@provider("health")
def health() -> Iterator[Row]:
    Vaccination = _model("health.Vaccination")
    if Vaccination is None:
        return
    from health.coverage import MIN_AGE, years_before
    from health.models import IsolationHouse, IsolationStay
    from people.choices import ResidentStatus
    from people.models import Resident

    today = regency_today()
    eligible = Resident.objects.filter(
        status=ResidentStatus.LIVING, birth_date__lte=years_before(today, MIN_AGE)
    )
    yield from _grouped(eligible, "vaccination.eligible", "village_id", None, Count("id"))
    doses = Vaccination.objects.filter(
        resident__status=ResidentStatus.LIVING,
        resident__birth_date__lte=years_before(today, MIN_AGE),
    )
    for number, metric in (
        (1, "vaccination.dose1"),
        (2, "vaccination.dose2"),
        (3, "vaccination.booster"),
    ):
        yield from _grouped(
            doses.filter(dose=number),
            metric,
            "resident__village_id",
            None,
            Count("resident_id", distinct=True),
        )
    yield from _grouped(
        Vaccination.objects.all(),
        "vaccination.dose_count",
        "resident__village_id",
        "dose",
        Count("id"),
    )
    houses = IsolationHouse.objects.filter(active=True)
    yield from _grouped(houses, "isolation.capacity", "village_id", None, Sum("capacity"))
    staying = IsolationStay.objects.filter(discharged_at__isnull=True, house__active=True)
    yield from _grouped(staying, "isolation.occupied", "house__village_id", None, Count("id"))
