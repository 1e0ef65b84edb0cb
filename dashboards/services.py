"""Refreshing the dashboard figures, and reading them for one area within a user's scope."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone

from accounts.roles import DISTRICT_ROLES, VILLAGE_ROLES, Role
from dashboards.models import Aggregate, RefreshRun
from dashboards.providers import PROVIDERS
from regions.models import VILLAGE_LEVELS, Level, Region

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# Roles that see the dashboards; each sees its own area and the areas inside it.
REGENCY_ROLES = frozenset({Role.REGENT, Role.TASK_FORCE})
DASHBOARD_ROLES = REGENCY_ROLES | DISTRICT_ROLES | VILLAGE_ROLES


def refresh(progress=None) -> RefreshRun:
    """Recompute every figure from the source tables and replace the stored ones at once.

    Readers see either the old set or the new one, never a half-written mix (one transaction).
    """
    started = time.perf_counter()
    run = RefreshRun.objects.create()
    placement = _placements()
    collected: dict[tuple[str, int, str], float] = defaultdict(float)
    skipped = []
    for index, (name, function) in enumerate(PROVIDERS.items(), start=1):
        try:
            for metric, region_id, dimension, value in function():
                if region_id in placement:
                    collected[(metric, region_id, dimension[:80])] += value
        except LookupError as error:
            skipped.append(f"{name}: {error}")
            logger.warning("Dashboard source %s skipped: %s", name, error)
        if progress:
            progress(index, len(PROVIDERS), name)
    rows = [
        Aggregate(
            metric=metric,
            village_id=placement[region_id][0],
            district_id=placement[region_id][1],
            dimension=dimension,
            value=value,
        )
        for (metric, region_id, dimension), value in collected.items()
    ]
    with transaction.atomic():
        Aggregate.objects.all().delete()
        Aggregate.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        run.finished_at = timezone.now()
        run.rows = len(rows)
        run.seconds = round(time.perf_counter() - started, 3)
        run.skipped = skipped
        run.save()
    logger.info("Dashboard figures refreshed: %d rows in %.2f s", len(rows), run.seconds)
    return run


def _placements() -> dict[int, tuple[int | None, int | None]]:
    """Region id -> (village id, district id) for the regency's villages, districts and itself."""
    placement: dict[int, tuple[int | None, int | None]] = {}
    for pk, level, parent_id in Region.objects.values_list("id", "level", "parent_id"):
        if level in VILLAGE_LEVELS:
            placement[pk] = (pk, parent_id)
        elif level == Level.DISTRICT:
            placement[pk] = (None, pk)
        elif level == Level.REGENCY:
            placement[pk] = (None, None)
    return placement


def last_refresh() -> RefreshRun | None:
    return RefreshRun.objects.filter(finished_at__isnull=False).first()


@dataclass(frozen=True)
class Scope:
    """The area a dashboard shows: the regency, one district or one village."""

    level: str  # "regency", "district" or "village"
    region: Region | None = None

    @property
    def filter(self) -> Q:
        if self.level == "district":
            return Q(district=self.region)
        if self.level == "village":
            return Q(village=self.region)
        return Q()

    @property
    def child_field(self) -> str | None:
        return {"regency": "district", "district": "village"}.get(self.level)

    @property
    def code(self) -> str:
        return self.region.code if self.region else ""


def allowed(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and getattr(user, "role", None) in DASHBOARD_ROLES
    )


def scope_for(user, code: str | None = None) -> Scope:
    """The area ``code`` names (the user's own area when empty), if the user may see it.

    Outside the user's scope the answer is 404, as for any record the user may not see.
    """
    if not allowed(user):
        raise PermissionDenied
    role = user.role
    if not code:
        if role in REGENCY_ROLES:
            return Scope("regency")
        if not user.region_id:
            raise PermissionDenied
        code = user.region.code
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None or region.level not in (Level.DISTRICT, *VILLAGE_LEVELS):
        raise Http404
    if role in DISTRICT_ROLES:
        if region.district_id_for_scope != user.region_id:
            raise Http404
    elif role in VILLAGE_ROLES:
        if region.pk != user.region_id:
            raise Http404
    elif role not in REGENCY_ROLES:
        raise Http404
    return Scope("district" if region.level == Level.DISTRICT else "village", region)


def totals(scope: Scope) -> dict[tuple[str, str], float]:
    """Every (metric, dimension) summed over the scope's villages: one query."""
    rows = (
        Aggregate.objects.filter(scope.filter)
        .values("metric", "dimension")
        .annotate(total=Sum("value"))
        .order_by()
    )
    return {(row["metric"], row["dimension"]): row["total"] for row in rows}


def by_child(scope: Scope, metrics: list[str]) -> dict[int, dict[str, float]]:
    """Per district (regency scope) or per village (district scope): metric -> value."""
    field = scope.child_field
    if field is None:
        return {}
    rows = (
        Aggregate.objects.filter(scope.filter, metric__in=metrics, **{f"{field}__isnull": False})
        .values(f"{field}_id", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    result: dict[int, dict[str, float]] = defaultdict(dict)
    for row in rows:
        result[row[f"{field}_id"]][row["metric"]] = row["total"]
    return result


def children(scope: Scope) -> list[Region]:
    if scope.level == "regency":
        return list(Region.objects.districts().order_by("name"))
    if scope.level == "district":
        return list(Region.objects.villages().filter(parent=scope.region).order_by("name"))
    return []
