"""Synthetic demo data of the health app, on top of the already seeded register.

Deterministic for a seed and idempotent: each part is skipped when its data is already there.
Doses go through the same import as a real file, so the demo also shows its checks at work.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import DEMO_VILLAGE_CODE
from health.coverage import years_before
from health.models import (
    AffectedCategory,
    AffectedResident,
    AffectedStatus,
    IsolationHouse,
    IsolationStay,
    Vaccination,
    VaccinationImport,
    VaccinationSource,
)
from health.services import REGENCY_BOUNDS
from health.vaccination import DoseRow, import_doses
from people.choices import ResidentStatus
from people.models import Resident
from regions.models import Region

PRODUCTS = ("CoronaVac", "AstraZeneca", "Pfizer", "Moderna", "Sinopharm")
FACILITIES = ("Puskesmas", "RSUD Blambangan", "Klinik Polres", "Pos vaksinasi desa")
FIRST_DOSE_START = date(2021, 3, 1)


def seed(*, seed: int, stdout) -> None:
    rng = random.Random(seed)
    _vaccinations(rng, stdout)
    _isolation_houses(rng, stdout)
    _affected(rng, stdout)


def _vaccinations(rng: random.Random, stdout) -> None:
    if Vaccination.objects.exists():
        stdout.write("health: doses already present, skipped")
        return
    rows = []
    residents = (
        Resident.objects.filter(status=ResidentStatus.LIVING, nik__isnull=False)
        .order_by("pk")
        .values_list("nik", "birth_date")
    )
    line = 1
    for nik, born in residents.iterator(chunk_size=2000):
        roll = rng.random()
        if roll < 0.2 or born is None:
            continue  # never vaccinated
        first = FIRST_DOSE_START + timedelta(days=rng.randrange(300))
        if born > years_before(first, 6):
            continue
        product = rng.choice(PRODUCTS)
        facility = f"{rng.choice(FACILITIES)}"
        plan = [(1, first)]
        if roll > 0.3:
            plan.append((2, first + timedelta(days=rng.randint(28, 60))))
        if roll > 0.6:
            plan.append((3, plan[-1][1] + timedelta(days=rng.randint(180, 300))))
        for dose, given_on in plan:
            line += 1
            rows.append(
                DoseRow(
                    line=line,
                    nik=nik,
                    dose=dose,
                    given_on=given_on,
                    product=product if dose < 3 else rng.choice(PRODUCTS),
                    batch=f"DEMO{rng.randrange(10_000):04d}",
                    facility=facility,
                )
            )
    run = VaccinationImport.objects.create(
        file_name="demo-vaksinasi.csv", file_sha256="demo", source=VaccinationSource.CSV
    )
    import_doses(rows, run=run, total=len(rows))
    stdout.write(f"health: {run.created} synthetic doses")


def _isolation_houses(rng: random.Random, stdout) -> None:
    if IsolationHouse.objects.exists():
        stdout.write("health: isolation houses already present, skipped")
        return
    villages = list(Region.objects.villages().order_by("code"))
    # The demo accounts' village first (accounts.demo), so its officers see a house too.
    demo = [village for village in villages if village.code == DEMO_VILLAGE_CODE]
    others = [village for village in villages if village.code != DEMO_VILLAGE_CODE]
    chosen = demo + rng.sample(others, min(12 - len(demo), len(others)))
    houses = 0
    for index, village in enumerate(chosen):
        house = IsolationHouse.objects.create(
            village=village,
            name=f"Rumah Isolasi {village.name}",
            address=f"Balai Desa {village.name}",
            capacity=rng.randint(4, 12),
            contact_name="Petugas Satgas Desa",
            contact_phone=f"08123400{index:04d}",
            latitude=_between(rng, REGENCY_BOUNDS["south"] + 0.2, REGENCY_BOUNDS["north"] - 0.1),
            longitude=_between(rng, REGENCY_BOUNDS["west"] + 0.1, REGENCY_BOUNDS["east"] - 0.1),
        )
        houses += 1
        occupants = Resident.objects.filter(village=village, status=ResidentStatus.LIVING).order_by(
            "pk"
        )[: rng.randint(1, house.capacity)]
        for resident in occupants:
            IsolationStay.objects.create(
                house=house,
                resident=resident,
                admitted_at=timezone.now() - timedelta(days=rng.randint(1, 10)),
            )
    stdout.write(f"health: {houses} isolation houses")


def _between(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.6f}")


def _affected(rng: random.Random, stdout) -> None:
    if AffectedResident.objects.exists():
        stdout.write("health: affected residents already present, skipped")
        return
    adults = Resident.objects.filter(
        status=ResidentStatus.LIVING,
        birth_date__lte=date(2004, 1, 1),
        birth_date__gte=date(1960, 1, 1),
    ).order_by("pk")
    created = 0
    now = timezone.now()
    for resident in adults.iterator(chunk_size=2000):
        if rng.random() > 0.02:
            continue
        status = rng.choice(
            [AffectedStatus.REPORTED, AffectedStatus.VERIFIED, AffectedStatus.VERIFIED]
        )
        AffectedResident.objects.create(
            resident=resident,
            category=rng.choice(AffectedCategory.values),
            status=status,
            affected_since=date(2020, 4, 1) + timedelta(days=rng.randrange(400)),
            description="Data demo",
            evidence="Keterangan RT (demo)",
            self_reported=rng.random() < 0.3,
            verified_at=now if status == AffectedStatus.VERIFIED else None,
        )
        created += 1
    stdout.write(f"health: {created} affected residents")
