"""Vaccination coverage against the eligible population, and the outreach lists.

The eligible population of a date is every living resident of the register who is at least
``MIN_AGE`` years old on that date, split into age bands. A dose counts when it was given on
or before the date. Two grouped queries answer a whole regency (residents by village and band,
doses by village, band and dose number); districts and the regency are sums of their villages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.utils.translation import gettext_lazy as _

from health.models import Dose, Vaccination
from people.choices import ResidentStatus
from people.models import Resident, region_filter
from regions.models import Level, Region

MIN_AGE = 6
# (lowest age, label); each band runs to the next band's lowest age.
AGE_BANDS = (
    (6, _("6–11 tahun")),
    (12, _("12–17 tahun")),
    (18, _("18–59 tahun")),
    (60, _("60 tahun ke atas")),
)
# Days after a dose when the next one is due.
NEXT_DOSE_AFTER_DAYS = {Dose.FIRST: 28, Dose.SECOND: 180}


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _band_expression(as_of: date, prefix: str = "") -> Case:
    """The band index (0, 1, ...) of a resident's age on ``as_of``; by birth-date bounds."""
    whens = []
    for index in range(len(AGE_BANDS) - 1, -1, -1):
        lowest = AGE_BANDS[index][0]
        whens.append(When(**{f"{prefix}birth_date__lte": years_before(as_of, lowest)}, then=index))
    return Case(*whens, default=Value(-1), output_field=IntegerField())


@dataclass
class Figures:
    """Counts for one area (village, district or regency), overall and per age band."""

    region: Region | None
    eligible: int = 0
    doses: dict[int, int] = field(default_factory=lambda: dict.fromkeys(Dose.values, 0))
    bands: list[dict] = field(
        default_factory=lambda: [
            {"eligible": 0, "doses": dict.fromkeys(Dose.values, 0)} for _band in AGE_BANDS
        ]
    )

    def add(self, other: Figures) -> None:
        self.eligible += other.eligible
        for dose in Dose.values:
            self.doses[dose] += other.doses[dose]
        for mine, theirs in zip(self.bands, other.bands, strict=True):
            mine["eligible"] += theirs["eligible"]
            for dose in Dose.values:
                mine["doses"][dose] += theirs["doses"][dose]

    def percent(self, dose: int) -> float:
        return 100.0 * self.doses[dose] / self.eligible if self.eligible else 0.0

    @property
    def first(self) -> float:
        return self.percent(Dose.FIRST)

    @property
    def second(self) -> float:
        return self.percent(Dose.SECOND)

    @property
    def booster(self) -> float:
        return self.percent(Dose.BOOSTER)

    def band_rows(self) -> list[dict]:
        rows = []
        for (_lowest, label), band in zip(AGE_BANDS, self.bands, strict=True):
            eligible = band["eligible"]
            percents = {
                dose: (100.0 * count / eligible if eligible else 0.0)
                for dose, count in band["doses"].items()
            }
            rows.append(
                {
                    "label": label,
                    "eligible": eligible,
                    "doses": band["doses"],
                    "first": percents[Dose.FIRST],
                    "second": percents[Dose.SECOND],
                    "booster": percents[Dose.BOOSTER],
                }
            )
        return rows


@dataclass
class Coverage:
    as_of: date
    villages: dict[int, Figures]
    districts: dict[int, Figures]
    total: Figures


def village_counts(user, as_of: date) -> tuple[dict, dict]:
    """Raw counts in the user's scope: {(village_id, band): residents} and
    {(village_id, band, dose): doses}. The caller has checked that the user has a scope."""
    oldest_needed = years_before(as_of, MIN_AGE)
    residents = (
        Resident.objects.filter(region_filter(user, "village"))
        .filter(status=ResidentStatus.LIVING, birth_date__lte=oldest_needed)
        .annotate(band=_band_expression(as_of))
        .values("village_id", "band")
        .annotate(count=Count("id"))
        .order_by()
    )
    population = {(row["village_id"], row["band"]): row["count"] for row in residents}
    doses = (
        Vaccination.objects.filter(
            given_on__lte=as_of,
            resident__status=ResidentStatus.LIVING,
            resident__birth_date__lte=oldest_needed,
        )
        .filter(region_filter(user, "resident__village"))
        .annotate(band=_band_expression(as_of, "resident__"))
        .values("resident__village_id", "band", "dose")
        .annotate(count=Count("id"))
        .order_by()
    )
    dose_counts = {
        (row["resident__village_id"], row["band"], row["dose"]): row["count"] for row in doses
    }
    return population, dose_counts


def coverage_for(user, as_of: date) -> Coverage | None:
    """Coverage of every village, district and the whole area the user may see; None: no access."""
    if region_filter(user, "village") is None:
        return None
    population, dose_counts = village_counts(user, as_of)
    villages_qs = Region.objects.villages().filter(region_filter(user, "")).select_related("parent")
    villages = {region.pk: Figures(region) for region in villages_qs}
    for (village_id, band), count in population.items():
        if village_id in villages and band >= 0:
            villages[village_id].eligible += count
            villages[village_id].bands[band]["eligible"] += count
    for (village_id, band, dose), count in dose_counts.items():
        if village_id in villages and band >= 0:
            villages[village_id].doses[dose] += count
            villages[village_id].bands[band]["doses"][dose] += count

    districts: dict[int, Figures] = {}
    total = Figures(None)
    for figures in villages.values():
        district = figures.region.parent
        if district.pk not in districts:
            districts[district.pk] = Figures(district)
        districts[district.pk].add(figures)
        total.add(figures)
    return Coverage(as_of=as_of, villages=villages, districts=districts, total=total)


# --------------------------------------------------------------------------- outreach lists

NEVER = "never"
DUE = "due"
LIST_KINDS = {NEVER: _("Belum pernah divaksin"), DUE: _("Jatuh tempo dosis berikutnya")}


def _dose_given(dose: int, on_or_before: date):
    return Exists(
        Vaccination.objects.filter(
            resident_id=OuterRef("pk"), dose=dose, given_on__lte=on_or_before
        )
    )


def outreach_residents(user, village: Region, kind: str, as_of: date):
    """Eligible living residents of one village never vaccinated, or due for their next dose.

    Goes through ``Resident.objects.visible_to``; annotates ``next_dose`` (1, 2 or 3).
    """
    residents = Resident.objects.visible_to(user).filter(
        village=village,
        status=ResidentStatus.LIVING,
        birth_date__lte=years_before(as_of, MIN_AGE),
    )
    if kind == NEVER:
        never = ~Exists(Vaccination.objects.filter(resident_id=OuterRef("pk"), given_on__lte=as_of))
        return residents.filter(never).annotate(next_dose=Value(Dose.FIRST))
    due_second = _dose_given(
        Dose.FIRST, as_of - timedelta(days=NEXT_DOSE_AFTER_DAYS[Dose.FIRST])
    ) & ~_dose_given(Dose.SECOND, as_of)
    due_booster = _dose_given(
        Dose.SECOND, as_of - timedelta(days=NEXT_DOSE_AFTER_DAYS[Dose.SECOND])
    ) & ~_dose_given(Dose.BOOSTER, as_of)
    return residents.filter(due_second | due_booster).annotate(
        next_dose=Case(
            When(due_second, then=Value(Dose.SECOND)),
            default=Value(Dose.BOOSTER),
            output_field=IntegerField(),
        )
    )


def scope_level(user) -> str:
    """Which level of figures the user's dashboard opens at."""
    region = getattr(user, "region", None)
    if region is None:
        return Level.REGENCY
    return Level.DISTRICT if region.level == Level.DISTRICT else Level.VILLAGE
