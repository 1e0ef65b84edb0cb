"""Synthetic Musrenbang demo: proposals in the demo village at several stages. Idempotent."""

import random
from datetime import date

from people.models import Resident
from planning.models import (
    Decision,
    Meeting,
    MeetingLevel,
    Outcome,
    Proposal,
    ProposalEvent,
    Sector,
    Support,
)
from regions.models import Region

DEMO_VILLAGE = "35.10.01.2001"
TITLES = (
    ("Perbaikan jalan dusun", Sector.INFRASTRUCTURE),
    ("Pembangunan saluran irigasi", Sector.INFRASTRUCTURE),
    ("Posyandu lansia", Sector.HEALTH),
    ("Pelatihan olahan ikan", Sector.ECONOMY),
    ("Taman baca anak", Sector.EDUCATION),
    ("Tempat sampah terpilah", Sector.ENVIRONMENT),
)


def seed(*, seed: int, stdout) -> None:
    if Proposal.objects.exists():
        stdout.write("planning: demo data already present")
        return
    village = Region.objects.filter(code=DEMO_VILLAGE).first()
    if village is None:
        return
    rng = random.Random(seed)
    residents = list(Resident.objects.filter(village=village).order_by("pk")[:30])
    year = 2026
    meeting = Meeting.objects.create(
        year=year,
        level=MeetingLevel.HAMLET,
        region=village,
        hamlet="Krajan",
        held_on=date(year, 1, 15),
        minutes="Musyawarah dusun Krajan membahas usulan warga.",
    )
    for i, (title, sector) in enumerate(TITLES):
        proposal = Proposal.objects.create(
            year=year,
            title=title,
            sector=sector,
            village=village,
            hamlet="Krajan",
            location=f"Dusun Krajan RT 0{i + 1}",
            estimated_cost=rng.randint(5, 300) * 1_000_000,
            proposed_by_resident=residents[i] if residents else None,
        )
        ProposalEvent.objects.create(proposal=proposal, kind="created")
        Support.objects.bulk_create(
            [
                Support(proposal=proposal, resident=r)
                for r in rng.sample(residents, min(5, len(residents)))
            ]
        )
        if i < 3:
            Decision.objects.create(
                proposal=proposal, meeting=meeting, level=meeting.level, outcome=Outcome.FORWARDED
            )
            proposal.level = MeetingLevel.VILLAGE
            proposal.save(update_fields=["level"])
    stdout.write(f"planning: {len(TITLES)} demo proposals")
