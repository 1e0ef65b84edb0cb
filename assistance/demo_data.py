"""Synthetic demo data of the assistance app: the pandemic rules, a few memberships and
families marked poor, taken from the already seeded register (idempotent)."""

import random

from django.db import transaction

from assistance.models import (
    CombinationRule,
    MatchMethod,
    Membership,
    Programme,
    RuleKind,
    RuleScope,
    WelfareCategory,
    WelfareStatus,
)
from assistance.services import load_programmes
from people.choices import Relationship
from people.models import Family, Resident

DEMO_PERIOD = "2026"


def ensure_pandemic_rules() -> None:
    """The regency's rules of the pandemic years (idempotent)."""
    codes = {programme.code: programme for programme in Programme.objects.all()}
    village_fund = CombinationRule.objects.filter(
        programme=codes["BLT-DD"], kind=RuleKind.EXCLUSIVE
    ).first()
    if village_fund is None:
        village_fund = CombinationRule.objects.create(
            programme=codes["BLT-DD"],
            kind=RuleKind.EXCLUSIVE,
            scope=RuleScope.FAMILY,
            note="BLT Dana Desa hanya untuk keluarga di luar PKH, Sembako/BPNT dan BST",
        )
        village_fund.others.set([codes["PKH"], codes["BPNT"], codes["BST"]])
    CombinationRule.objects.get_or_create(
        programme=codes["BST"],
        kind=RuleKind.FAMILY_LIMIT,
        defaults={"scope": RuleScope.FAMILY, "limit": 1, "note": "BST satu per keluarga"},
    )


def seed(*, seed: int, stdout) -> None:
    load_programmes()
    ensure_pandemic_rules()
    if Membership.objects.filter(period=DEMO_PERIOD).exists():
        stdout.write("Assistance demo: already seeded.")
        return
    rng = random.Random(seed)
    family_ids = list(Family.objects.order_by("pk").values_list("pk", flat=True)[:3000])
    if not family_ids:
        stdout.write("Assistance demo: the register is empty; nothing seeded.")
        return
    chosen = rng.sample(family_ids, min(600, len(family_ids)))
    heads = {
        resident.family_id: resident
        for resident in Resident.objects.filter(
            family_id__in=chosen, relationship=Relationship.HEAD
        )
    }
    programmes = {programme.code: programme for programme in Programme.objects.all()}
    memberships, statuses = [], []
    for index, family_id in enumerate(chosen):
        head = heads.get(family_id)
        if head is None:
            continue
        statuses.append(
            WelfareStatus(
                family_id=family_id,
                village_id=head.village_id,
                category=WelfareCategory.DTKS,
                source="DTKS (demo)",
            )
        )
        if index % 3 == 2:  # a third of the poor families receive nothing yet
            continue
        code = "PKH" if index % 3 == 0 else "BPNT"
        memberships.append(
            Membership(
                programme=programmes[code],
                period=DEMO_PERIOD,
                resident=head,
                family_id=family_id,
                household=True,
                village_id=head.village_id,
                match_method=MatchMethod.NIK,
            )
        )
    with transaction.atomic():
        WelfareStatus.objects.bulk_create(statuses, ignore_conflicts=True)
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    stdout.write(
        f"Assistance demo: {len(memberships)} memberships, {len(statuses)} families marked poor."
    )


# Shares of the regency's families in each household programme, and of residents in school aid,
# for the regency-sized lists of the load benchmark.
BULK_HOUSEHOLD_SHARES = {"PKH": 0.08, "BPNT": 0.12, "BST": 0.06, "BLT-DD": 0.04}
BULK_PERSON_SHARES = {"PIP": 0.05}
BULK_PERIOD = "2026-bulk"


def generate_bulk(*, rng: random.Random, chunk: int = 5000) -> int:
    """Regency-sized beneficiary lists over the whole register, for the load benchmark.

    Memberships are written with ``bulk_create``; families that the village-fund transfer
    reaches although they already receive PKH, BPNT or BST get the combination flag the
    import would raise, so the dashboards count real overlaps.
    """
    from assistance.models import Flag, FlagKind

    load_programmes()
    ensure_pandemic_rules()
    programmes = {programme.code: programme for programme in Programme.objects.all()}
    heads = list(
        Resident.objects.filter(relationship=Relationship.HEAD, family__isnull=False).values_list(
            "pk", "family_id", "village_id"
        )
    )
    written = 0
    receivers: dict[str, set[int]] = {}
    rows = []
    for code, share in BULK_HOUSEHOLD_SHARES.items():
        chosen = rng.sample(heads, int(len(heads) * share))
        receivers[code] = {family_id for _pk, family_id, _village in chosen}
        rows += [
            Membership(
                programme=programmes[code],
                period=BULK_PERIOD,
                resident_id=pk,
                family_id=family_id,
                household=True,
                village_id=village_id,
                match_method=MatchMethod.NIK,
            )
            for pk, family_id, village_id in chosen
        ]
    people = list(Resident.objects.values_list("pk", "family_id", "village_id"))
    for code, share in BULK_PERSON_SHARES.items():
        rows += [
            Membership(
                programme=programmes[code],
                period=BULK_PERIOD,
                resident_id=pk,
                family_id=family_id,
                household=False,
                village_id=village_id,
                match_method=MatchMethod.NIK,
            )
            for pk, family_id, village_id in rng.sample(people, int(len(people) * share))
        ]
    for start in range(0, len(rows), chunk):
        with transaction.atomic():
            Membership.objects.bulk_create(rows[start : start + chunk], ignore_conflicts=True)
        written += len(rows[start : start + chunk])

    others = receivers["PKH"] | receivers["BPNT"] | receivers["BST"]
    village_of = {family_id: village_id for _pk, family_id, village_id in heads}
    flags = [
        Flag(
            key=f"bulk:{BULK_PERIOD}:combination:{family_id}",
            kind=FlagKind.COMBINATION,
            programme=programmes["BLT-DD"],
            period=BULK_PERIOD,
            family_id=family_id,
            village_id=village_of[family_id],
            reason="BLT Dana Desa untuk keluarga yang sudah menerima PKH, BPNT atau BST",
        )
        for family_id in sorted(receivers["BLT-DD"] & others)
    ]
    for start in range(0, len(flags), chunk):
        with transaction.atomic():
            Flag.objects.bulk_create(flags[start : start + chunk], ignore_conflicts=True)
    return written
