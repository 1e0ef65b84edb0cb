"""Business rules of isolation houses and pandemic-affected residents.

Vaccination import and export live in ``health.vaccination``; coverage in ``health.coverage``.
Every function that acts for a user checks the user's scope itself, so a view that forgets to
cannot widen it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import DISTRICT_ROLES, VILLAGE_ROLES, Role
from core.audit import record
from health.models import (
    AffectedCategory,
    AffectedResident,
    AffectedStatus,
    IsolationHouse,
    IsolationStay,
)
from people.choices import ResidentStatus
from people.models import Resident, region_filter
from people.nik import mask_nik
from regions.models import Region

logger = logging.getLogger(__name__)


class HealthError(Exception):
    """A request the rules refuse; the message is shown to the user as is."""


# --------------------------------------------------------------------------- who may act


def may_manage_village(user, village: Region) -> bool:
    """Village staff of that village, or the regency administrator."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.REGENT:
        return True
    return user.role in VILLAGE_ROLES and user.region_id == village.pk


def is_staff_with_scope(user) -> bool:
    return region_filter(user, "village") is not None and user.role in (
        {Role.REGENT, Role.TASK_FORCE} | DISTRICT_ROLES | VILLAGE_ROLES
    )


# --------------------------------------------------------------------------- isolation houses


def houses_with_occupancy(user):
    """Houses the user may see, each annotated with ``occupied`` (current stays)."""
    return IsolationHouse.objects.visible_to(user).annotate(
        occupied=Count("stays", filter=Q(stays__discharged_at__isnull=True))
    )


def save_house(house: IsolationHouse, *, user, request=None) -> IsolationHouse:
    """Create or change a house of the user's village (capacity may not drop below occupancy)."""
    if not may_manage_village(user, house.village):
        raise HealthError(_("Anda hanya dapat mengelola rumah isolasi desa Anda sendiri."))
    created = house.pk is None
    with transaction.atomic():
        if not created:
            occupied = IsolationStay.objects.filter(house=house).current().count()
            if house.capacity < occupied:
                raise HealthError(
                    _("Kapasitas tidak boleh kurang dari jumlah penghuni saat ini (%(count)d).")
                    % {"count": occupied}
                )
        house.save()
    record(
        "health.isolation_house.created" if created else "health.isolation_house.changed",
        actor=user,
        target=house,
        summary=f"{house.name} ({house.capacity})",
        request=request,
        capacity=house.capacity,
    )
    return house


def admit(
    house: IsolationHouse,
    resident: Resident,
    *,
    user,
    over_capacity_reason: str = "",
    admitted_at=None,
    request=None,
) -> IsolationStay:
    """Admit a resident; refused when the house is full unless a reason for exceeding is given.

    The house row is locked while its occupants are counted, so two officers admitting at the
    same moment cannot both take the last place.
    """
    if not may_manage_village(user, house.village):
        raise HealthError(_("Anda hanya dapat mencatat penghuni rumah isolasi desa Anda sendiri."))
    if resident.status != ResidentStatus.LIVING:
        raise HealthError(_("Penduduk ini tidak tercatat hidup di data penduduk."))
    reason = over_capacity_reason.strip()
    with transaction.atomic():
        locked = IsolationHouse.objects.select_for_update().get(pk=house.pk)
        if not locked.active:
            raise HealthError(_("Rumah isolasi ini tidak aktif."))
        occupied = IsolationStay.objects.filter(house=locked).current().count()
        if occupied >= locked.capacity and not reason:
            raise HealthError(
                _(
                    "Rumah isolasi penuh (%(occupied)d dari %(capacity)d tempat). Isi alasan "
                    "untuk tetap menerima penghuni."
                )
                % {"occupied": occupied, "capacity": locked.capacity}
            )
        if IsolationStay.objects.filter(resident=resident).current().exists():
            raise HealthError(_("Penduduk ini masih tercatat di rumah isolasi."))
        try:
            with transaction.atomic():
                stay = IsolationStay.objects.create(
                    house=locked,
                    resident=resident,
                    admitted_at=admitted_at or timezone.now(),
                    admitted_by=user,
                    over_capacity_reason=reason if occupied >= locked.capacity else "",
                )
        except IntegrityError:
            raise HealthError(_("Penduduk ini masih tercatat di rumah isolasi.")) from None
    record(
        "health.isolation.admitted",
        actor=user,
        target=stay,
        summary=f"{house.name}: {mask_nik(resident.nik)}",
        request=request,
        over_capacity=bool(stay.over_capacity_reason),
    )
    return stay


def discharge(
    house: IsolationHouse, stay_id: int | None, *, user, note: str = "", request=None
) -> IsolationStay:
    """Close a current stay of the house; refused when the house is empty."""
    if not may_manage_village(user, house.village):
        raise HealthError(_("Anda hanya dapat mencatat penghuni rumah isolasi desa Anda sendiri."))
    with transaction.atomic():
        IsolationHouse.objects.select_for_update().get(pk=house.pk)
        current = IsolationStay.objects.filter(house=house).current()
        if not current.exists():
            raise HealthError(_("Rumah isolasi ini kosong: tidak ada penghuni untuk dikeluarkan."))
        stay = current.filter(pk=stay_id).first() if stay_id else None
        if stay is None:
            raise HealthError(_("Pilih penghuni yang masih berada di rumah isolasi ini."))
        stay.discharged_at = timezone.now()
        stay.discharged_by = user
        stay.discharge_note = note.strip()[:255]
        stay.save(update_fields=["discharged_at", "discharged_by", "discharge_note"])
    record(
        "health.isolation.discharged",
        actor=user,
        target=stay,
        summary=f"{house.name}: stay {stay.pk}",
        request=request,
    )
    return stay


@dataclass
class PlaceSummary:
    region: Region
    capacity: int = 0
    occupied: int = 0
    houses: int = 0

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)

    @property
    def over(self) -> int:
        return max(self.occupied - self.capacity, 0)


def within_region(queryset, region: Region | None, village_path: str):
    """Rows of ``queryset`` in one district or village (all of them for None)."""
    if region is None:
        return queryset
    if region.is_village:
        return queryset.filter(**{village_path: region})
    return queryset.filter(**{f"{village_path}__parent": region})


def free_places(
    user, within: Region | None = None
) -> tuple[list[PlaceSummary], list[PlaceSummary], list[IsolationHouse]]:
    """Capacity, occupancy and free places per district and per village (active houses)."""
    houses = list(
        within_region(houses_with_occupancy(user), within, "village")
        .filter(active=True)
        .select_related("village__parent")
        .order_by("village__code", "name")
    )
    districts: dict[int, PlaceSummary] = {}
    villages: dict[int, PlaceSummary] = {}
    for house in houses:
        village = house.village
        for key, region, table in (
            (village.parent_id, village.parent, districts),
            (village.pk, village, villages),
        ):
            summary = table.setdefault(key, PlaceSummary(region))
            summary.capacity += house.capacity
            summary.occupied += house.occupied
            summary.houses += 1
    return list(districts.values()), list(villages.values()), houses


# Banyuwangi's bounding box (degrees), a little wider than the land, for the map of houses.
REGENCY_BOUNDS = {"south": -8.80, "north": -7.70, "west": 113.85, "east": 114.65}


def map_points(houses, *, width: int = 400, height: int = 440) -> list[dict]:
    """SVG coordinates of houses that have a location inside the regency's box."""
    bounds = REGENCY_BOUNDS
    points = []
    for house in houses:
        if house.latitude is None or house.longitude is None:
            continue
        lat, lon = float(house.latitude), float(house.longitude)
        if not (
            bounds["south"] <= lat <= bounds["north"] and bounds["west"] <= lon <= bounds["east"]
        ):
            continue
        x = (lon - bounds["west"]) / (bounds["east"] - bounds["west"]) * width
        y = (bounds["north"] - lat) / (bounds["north"] - bounds["south"]) * height
        free = max(house.capacity - house.occupied, 0)
        points.append(
            {"x": round(x, 1), "y": round(y, 1), "house": house, "free": free, "full": free == 0}
        )
    return points


# --------------------------------------------------------------------------- affected residents


def report_affected(
    resident: Resident,
    category: str,
    *,
    user,
    description: str = "",
    affected_since: date | None = None,
    evidence: str = "",
    request=None,
) -> tuple[AffectedResident, bool]:
    """Record that a resident is affected; one record per resident and category.

    Reporting again returns the existing record unchanged (``created`` is False). Village staff
    report residents of their village; a resident reports only themself.
    """
    if category not in AffectedCategory.values:
        raise HealthError(_("Kategori dampak tidak dikenal."))
    self_report = user.role == Role.RESIDENT
    if self_report:
        if user.resident_id != resident.pk:
            raise HealthError(_("Warga hanya dapat melaporkan dirinya sendiri."))
    elif not may_manage_village(user, resident.village):
        raise HealthError(_("Anda hanya dapat melaporkan warga desa Anda sendiri."))
    if resident.status != ResidentStatus.LIVING:
        raise HealthError(_("Penduduk ini tidak tercatat hidup di data penduduk."))

    existing = AffectedResident.objects.filter(resident=resident, category=category).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry = AffectedResident.objects.create(
                resident=resident,
                category=category,
                description=description.strip(),
                affected_since=affected_since,
                evidence=evidence.strip(),
                self_reported=self_report,
                reported_by=user,
            )
    except IntegrityError:
        # Reported at the same moment from two places: the first one counts.
        return AffectedResident.objects.get(resident=resident, category=category), False
    record(
        "health.affected.reported",
        actor=user,
        target=entry,
        summary=f"{mask_nik(resident.nik)} {category}",
        request=request,
        self_reported=self_report,
    )
    return entry, True


def verify_affected(
    entry: AffectedResident, *, user, approve: bool, note: str = "", request=None
) -> AffectedResident:
    """The village confirms or rejects a report (only village staff of the resident's village)."""
    if not (user.role in VILLAGE_ROLES and user.region_id == entry.resident.village_id):
        raise HealthError(_("Hanya petugas desa warga ini yang dapat memverifikasi."))
    if not approve and not note.strip():
        raise HealthError(_("Tulis alasan penolakan."))
    entry.status = AffectedStatus.VERIFIED if approve else AffectedStatus.REJECTED
    entry.verified_by = user
    entry.verified_at = timezone.now()
    entry.verification_note = note.strip()[:255]
    entry.save(update_fields=["status", "verified_by", "verified_at", "verification_note"])
    record(
        "health.affected.verified" if approve else "health.affected.rejected",
        actor=user,
        target=entry,
        summary=f"{entry.category}: {entry.status}",
        request=request,
    )
    return entry


def priority_residents(user):
    """Residents with at least one verified impact, most affected first, oldest report first.

    Annotated with ``impact_count`` and ``first_reported``; goes through ``visible_to``.
    """
    verified = AffectedResident.objects.filter(
        resident_id=OuterRef("pk"), status=AffectedStatus.VERIFIED
    ).order_by()
    counts = verified.values("resident_id").annotate(n=Count("id")).values("n")
    firsts = verified.values("resident_id").annotate(first=Min("reported_at")).values("first")
    return (
        Resident.objects.visible_to(user)
        .filter(Exists(verified))
        .annotate(
            impact_count=Coalesce(Subquery(counts), 0),
            first_reported=Subquery(firsts),
        )
    )


def _assistance_receipts():
    """``assistance.services.receipts_for``, or None while that app does not provide it."""
    try:
        from assistance.services import receipts_for as assistance_receipts
    except ImportError:
        return None
    return assistance_receipts


def receipts_for(resident_ids: list[int]) -> dict[int, list[dict]] | None:
    """What each resident already receives, from the assistance app; None if it cannot say yet."""
    fetch = _assistance_receipts()
    return None if fetch is None else fetch(resident_ids)


def impacts_by_resident(resident_ids: list[int]) -> dict[int, list[AffectedResident]]:
    result: dict[int, list[AffectedResident]] = {pk: [] for pk in resident_ids}
    for entry in AffectedResident.objects.filter(
        resident_id__in=resident_ids, status=AffectedStatus.VERIFIED
    ).order_by("resident_id", "category"):
        result[entry.resident_id].append(entry)
    return result


def affected_summary(user, within: Region | None = None) -> dict[str, dict[str, int]]:
    """{category: {status: count}} in the user's scope (and one district or village)."""
    summary = {category: dict.fromkeys(AffectedStatus.values, 0) for category in AffectedCategory}
    scoped = within_region(AffectedResident.objects.visible_to(user), within, "resident__village")
    rows = scoped.values("category", "status").annotate(count=Count("id")).order_by()
    for row in rows:
        summary[row["category"]][row["status"]] = row["count"]
    return summary
