"""How long services take, per service and per village, for the dashboards.

Each application keeps the time it spent at the village and at the district or agency
(``village_seconds``, ``upper_seconds`` and the same in working days), added up when each step
happens. These functions average them over finished applications (state ``issued``): the
regency measures its programme by faster service, so only completed work counts. Callers pass a
queryset already limited by ``Application.objects.visible_to(user)``.
"""

from __future__ import annotations

from django.db.models import Avg, Count, F, Q, QuerySet

from core.workdays import regency_today
from services.models import Application, State


def _finished(queryset: QuerySet | None) -> QuerySet:
    base = Application.objects.all() if queryset is None else queryset
    return base.filter(state=State.ISSUED)


# Annotation names differ from the field names: an aggregate may not reuse a field's name and
# then be referred to by F() in the same query.
_AVERAGES = {
    "count": Count("id"),
    "avg_village_seconds": Avg("village_seconds"),
    "avg_upper_seconds": Avg("upper_seconds"),
    "avg_total_seconds": Avg(F("village_seconds") + F("upper_seconds")),
    "avg_village_working_days": Avg("village_working_days"),
    "avg_upper_working_days": Avg("upper_working_days"),
}


def _rounded(rows) -> list[dict]:
    """Rows with averages named like the fields: seconds whole, working days to one decimal."""
    result = []
    for row in rows:
        row = dict(row)
        for key in ("village_seconds", "upper_seconds", "total_seconds"):
            row[key] = round(row.pop(f"avg_{key}") or 0)
        for key in ("village_working_days", "upper_working_days"):
            row[key] = round(float(row.pop(f"avg_{key}") or 0), 1)
        result.append(row)
    return result


def time_per_service(queryset: QuerySet | None = None) -> list[dict]:
    """Average time at each level per service, over finished applications."""
    rows = (
        _finished(queryset)
        .values("service__code", "service__name")
        .annotate(**_AVERAGES)
        .order_by("service__name")
    )
    return _rounded(rows)


def time_per_village(queryset: QuerySet | None = None) -> list[dict]:
    """Average time at each level per village, over finished applications."""
    rows = (
        _finished(queryset)
        .values("village__code", "village__name")
        .annotate(**_AVERAGES)
        .order_by("village__code")
    )
    return _rounded(rows)


def pending_per_village(queryset: QuerySet | None = None, *, today=None) -> list[dict]:
    """Applications waiting on an office, and how many of them are overdue, per village.

    Drafts, returned, cancelled, rejected and finished applications are not pending.
    """
    today = today or regency_today()
    base = Application.objects.all() if queryset is None else queryset
    rows = (
        base.pending()
        .values("village__code", "village__name")
        .annotate(pending=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)))
        .order_by("village__code")
    )
    return list(rows)
