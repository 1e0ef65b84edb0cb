"""Synthetic rollout demo: a readiness checklist for some villages and one questionnaire round.
Idempotent."""

import random

from regions.models import Region
from rollout.models import (
    ChecklistEntry,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Round,
    Standard,
    VillageReadiness,
)
from rollout.services import STAGE_REQUIREMENTS, WEIGHTS


def seed(*, seed: int, stdout) -> None:
    if VillageReadiness.objects.exists():
        stdout.write("rollout: demo data already present")
        return
    rng = random.Random(seed)
    villages = list(Region.objects.villages().order_by("code"))
    for village in rng.sample(villages, min(60, len(villages))):
        met = {s for s in Standard.values if rng.random() < 0.6}
        stage = max(
            (stage for stage, needed in STAGE_REQUIREMENTS.items() if needed <= met), default=0
        )
        readiness = VillageReadiness.objects.create(
            village=village, stage=stage, score=sum(WEIGHTS[s] for s in met)
        )
        ChecklistEntry.objects.bulk_create(
            [ChecklistEntry(readiness=readiness, standard=s, met=s in met) for s in Standard.values]
        )
    questionnaire = Questionnaire.objects.create(
        title="Monitoring layanan desa", description="Kuesioner triwulanan untuk semua desa."
    )
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    Question.objects.bulk_create(
        [
            Question(
                version=version,
                order=1,
                key="internet",
                text="Apakah internet kantor desa lancar?",
                kind="single",
                choices=["Ya", "Kadang terputus", "Tidak"],
            ),
            Question(
                version=version,
                order=2,
                key="layanan",
                text="Layanan yang paling sering diminta",
                kind="multiple",
                choices=["Surat keterangan", "KTP/KK", "Izin usaha"],
            ),
            Question(
                version=version,
                order=3,
                key="kepuasan",
                text="Kepuasan warga (1-5)",
                kind="scale",
                scale_max=5,
            ),
            Question(
                version=version, order=4, key="saran", text="Saran", kind="text", required=False
            ),
        ]
    )
    round_ = Round.objects.create(questionnaire=questionnaire, name="Triwulan I 2026")
    round_.villages.set(villages)
    stdout.write("rollout: demo readiness for 60 villages and one questionnaire round")
