"""Queue figures from the daily totals (``LineDay``), never from scanning tickets: what the
dashboards show as waiting and service times per point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, QuerySet, Sum

from queues.models import LineDay


@dataclass(frozen=True)
class PointFigures:
    point_id: int
    point_name: str
    issued: int
    called: int
    served: int
    skipped: int
    average_wait_seconds: int | None
    longest_wait_seconds: int
    average_service_seconds: int | None


def point_figures(points: QuerySet, *, since: date, until: date) -> list[PointFigures]:
    """Totals per point over the WIB days ``since``..``until`` (both included).

    ``points`` must already be limited to what the reader may see (for example
    ``ServicePoint.objects.operated_by(user)`` or a region filter); one query, whatever the
    number of tickets.
    """
    rows = (
        LineDay.objects.filter(line__point__in=points, day__gte=since, day__lte=until)
        .values("line__point_id", "line__point__name")
        .annotate(
            issued=Sum("last_number"),
            called=Sum("called"),
            served=Sum("served"),
            skipped=Sum("skipped"),
            wait_total=Sum("wait_seconds_total"),
            wait_max=Max("wait_seconds_max"),
            service_total=Sum("service_seconds_total"),
        )
        .order_by("line__point__name", "line__point_id")
    )
    return [
        PointFigures(
            point_id=row["line__point_id"],
            point_name=row["line__point__name"],
            issued=row["issued"],
            called=row["called"],
            served=row["served"],
            skipped=row["skipped"],
            average_wait_seconds=row["wait_total"] // row["called"] if row["called"] else None,
            longest_wait_seconds=row["wait_max"],
            average_service_seconds=(
                row["service_total"] // row["served"] if row["served"] else None
            ),
        )
        for row in rows
    ]
