"""Synthetic demo records of the economy app: businesses of residents of the demo village and
its neighbours, Warung Naik Kelas help, a training and one grocery round. Idempotent."""

import random
from datetime import date, timedelta

from economy.models import (
    AssistanceItem,
    AssistanceKind,
    Business,
    BusinessSector,
    BusinessSize,
    Enrolment,
    GroceryDistribution,
    GroceryPurchase,
    GroceryRound,
    Training,
    TrainingSession,
    WarungAssessment,
)
from people.models import Resident
from regions.models import Region

DEMO_VILLAGES = ("35.10.01.2001", "35.10.01.2002", "35.10.16.1001")
KINDS = ("Warung", "Toko", "Kedai", "Batik", "Kue", "Kopi", "Ikan Asap")


def seed(*, seed: int, stdout) -> None:
    if Business.objects.exists():
        stdout.write("economy: demo data already present")
        return
    rng = random.Random(seed)
    created = 0
    for code in DEMO_VILLAGES:
        village = Region.objects.filter(code=code).first()
        if village is None:
            continue
        owners = list(
            Resident.objects.filter(village=village, family__isnull=False).order_by("pk")[:40]
        )
        if not owners:
            continue
        shops = []
        for i, owner in enumerate(rng.sample(owners, min(12, len(owners)))):
            is_warung = i % 2 == 0
            kind = "Warung" if is_warung else rng.choice(KINDS[1:])
            business = Business.objects.create(
                name=f"{kind} {owner.full_name.split()[0].title()}",
                owner=owner,
                village=village,
                sector=BusinessSector.RETAIL if is_warung else rng.choice(BusinessSector.values),
                size=rng.choice([BusinessSize.MICRO] * 4 + [BusinessSize.SMALL]),
                is_warung=is_warung,
                address=owner.address,
            )
            created += 1
            if is_warung:
                shops.append(business)
                WarungAssessment.objects.create(
                    business=business,
                    assessed_on=date(2026, 2, 1) + timedelta(days=i),
                    score=rng.randint(30, 80),
                    needs="Rak pajang, papan nama",
                )
                AssistanceItem.objects.create(
                    business=business,
                    kind=rng.choice(AssistanceKind.values[:3]),
                    value=rng.choice([750_000, 1_500_000, 3_500_000]),
                    delivered_on=date(2026, 3, 10) if i % 4 == 0 else None,
                )
        training = Training.objects.create(
            title="Pemasaran lewat media sosial", programme="digital_marketing", village=village
        )
        TrainingSession.objects.create(
            training=training, held_on=date(2026, 4, 7), topic="Foto produk dengan ponsel"
        )
        for shop in shops[:4]:
            Enrolment.objects.create(training=training, business=shop)
        if shops:
            round_ = GroceryRound.objects.create(
                village=village, held_on=date(2026, 5, 15), name="Belanja sembako ASN Mei"
            )
            for shop in shops:
                packages = rng.randint(5, 20)
                GroceryPurchase.objects.create(
                    round=round_,
                    shop=shop,
                    buyer="ASN Kecamatan",
                    packages=packages,
                    amount=packages * 150_000,
                )
            for resident in owners[-10:]:
                GroceryDistribution.objects.create(
                    round=round_,
                    resident=resident,
                    family_id=resident.family_id,
                    village=village,
                    packages=1,
                    goods="Beras 5 kg, minyak goreng 1 l",
                )
    stdout.write(f"economy: {created} demo businesses")
