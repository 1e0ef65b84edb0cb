"""Synthetic demo complaints: routing rules, and complaints in a few villages in every state,
reported by residents of the already seeded register (idempotent: skipped when any exist)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from agencies.models import Agency
from complaints import services
from complaints.models import Category, Channel, Complaint, RoutingRule, State
from people.models import Resident

RULES = {
    Category.POPULATION_DATA: "dukcapil",
    Category.HEALTH: "dinkes",
    Category.SOCIAL_ASSISTANCE: "dinsos",
    Category.INFRASTRUCTURE: "dpu",
}
TEXTS = {
    Category.SERVICE_DELAY: [
        "Surat keterangan domisili sudah dua minggu belum selesai.",
        "Pengajuan akta kelahiran anak belum ada kabar sejak bulan lalu.",
    ],
    Category.ILLEGAL_LEVY: [
        "Diminta uang Rp50.000 untuk surat pengantar di kantor desa.",
        "Ada pungutan untuk tanda tangan formulir bantuan.",
    ],
    Category.INFRASTRUCTURE: [
        "Jalan desa berlubang besar di depan balai desa.",
        "Lampu penerangan jalan di dusun Krajan mati sepekan.",
        "Saluran air tersumbat sampah, jalan tergenang saat hujan.",
        "Ada lubang besar di jalan depan balai desa, berbahaya bagi motor.",
    ],
    Category.SOCIAL_ASSISTANCE: [
        "Keluarga tetangga yang mampu menerima BLT, yang miskin tidak.",
        "Bantuan sembako bulan ini belum diterima.",
    ],
    Category.HEALTH: [
        "Posyandu tidak buka pada jadwalnya.",
        "Antrean puskesmas sangat panjang, dokter datang terlambat.",
    ],
    Category.POPULATION_DATA: [
        "Nama di KK salah ketik, sudah lapor tapi belum diperbaiki.",
        "Status perkawinan di KTP elektronik belum diperbarui.",
    ],
}


def _rules(regent) -> None:
    agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=RULES.values())}
    for category, code in RULES.items():
        agency = agencies.get(code)
        if agency is None or RoutingRule.objects.filter(category=category).exists():
            continue
        if regent is not None:
            services.save_routing_rule(
                user=regent, category=category, district=None, village=None, agency=agency
            )
        else:
            RoutingRule.objects.create(category=category, agency=agency)


def _staff_for(complaint: Complaint):
    """A user who may handle the complaint: its agency's, its village's, or the regent."""
    candidates = User.objects.filter(is_active=True).order_by("id")
    if complaint.agency_id:
        found = candidates.filter(agency_id=complaint.agency_id).first()
    else:
        found = candidates.filter(role=Role.VILLAGE_OFFICER, region_id=complaint.village_id).first()
    return found or candidates.filter(role=Role.REGENT).first()


def seed(*, seed: int, stdout) -> None:
    if Complaint.objects.exists():
        stdout.write("Complaints demo: already seeded.")
        return
    rng = random.Random(seed)
    regent = User.objects.filter(role=Role.REGENT, is_active=True).order_by("id").first()
    residents = list(
        Resident.objects.select_related("village")
        .order_by("pk")[:400]
        .only("pk", "full_name", "phone", "village")
    )
    if not residents:
        stdout.write("Complaints demo: the register is empty; nothing seeded.")
        return
    # Most complaints in a couple of villages, so similar ones and duplicates show up.
    busy = [residents[0].village] + [rng.choice(residents).village for _ in range(2)]

    with transaction.atomic():
        _rules(regent)
        made = []
        for number in range(36):
            category = rng.choice(list(TEXTS))
            reporter = rng.choice(residents)
            anonymous = category == Category.ILLEGAL_LEVY and rng.random() < 0.5
            intake = services.Intake(
                category=category,
                description=rng.choice(TEXTS[category]),
                village=busy[number % len(busy)] if number % 4 else reporter.village,
                anonymous=anonymous,
                reporter_name="" if anonymous else reporter.full_name,
                reporter_phone="" if anonymous else (reporter.phone or ""),
            )
            channel = rng.choice([Channel.WEB, Channel.WEB, Channel.KIOSK, Channel.APP])
            complaint = services.submit_complaint(intake, channel=channel)
            made.append(complaint)

        for index, complaint in enumerate(made):
            staff = _staff_for(complaint)
            if staff is None or not services.may_handle(staff, complaint):
                continue
            step = index % 6
            if step >= 1:
                services.transition(complaint, user=staff, to_state=State.IN_PROGRESS)
            if step >= 2:
                services.post_reply(complaint, user=staff, body="Terima kasih, sedang kami tinjau.")
            if step >= 3:
                services.transition(
                    complaint, user=staff, to_state=State.RESOLVED, note="Sudah ditindaklanjuti."
                )
            if step == 4:
                services.confirm_resolved(complaint)
            if step == 5:
                services.reopen(complaint, reason="Belum tuntas.", by_reporter=True)
        # A few late ones, so the escalation job has work.
        late = [c.pk for c in made if c.state in (State.NEW, State.ASSIGNED)][:4]
        Complaint.objects.filter(pk__in=late).update(
            due_at=timezone.now() - datetime.timedelta(days=2)
        )
    stdout.write(f"Complaints demo: {len(made)} complaints, {RoutingRule.objects.count()} rules.")


BULK_STATE_WEIGHTS = {
    State.CLOSED: 55,
    State.RESOLVED: 15,
    State.IN_PROGRESS: 10,
    State.ASSIGNED: 8,
    State.NEW: 7,
    State.REOPENED: 2,
    State.REFERRED: 3,
}


def generate_bulk(*, count: int, rng: random.Random, chunk: int = 5000) -> int:
    """A year of synthetic complaints over the whole register, for the load benchmark.

    Written with ``bulk_create`` (not through the intake, which is tested on its own): a
    regency-sized table for the lists and dashboards to be measured against.
    """
    residents = list(Resident.objects.values_list("pk", "village_id"))
    if not residents:
        return 0
    states = list(BULK_STATE_WEIGHTS)
    weights = list(BULK_STATE_WEIGHTS.values())
    categories = [category for category in TEXTS if category != Category.ILLEGAL_LEVY]
    now = timezone.now()
    created_at = Complaint._meta.get_field("created_at")
    created_at.auto_now_add = False  # this process only: the rows carry their own dates
    codes: set[str] = set()
    written = 0
    try:
        for start in range(0, count, chunk):
            batch = []
            for _ in range(min(chunk, count - start)):
                resident_id, village_id = rng.choice(residents)
                state = rng.choices(states, weights)[0]
                category = rng.choice(categories)
                created = now - datetime.timedelta(seconds=rng.randrange(365 * 86400))
                code = _bulk_code(rng, codes)
                batch.append(
                    Complaint(
                        tracking_code=code,
                        category=category,
                        description=rng.choice(TEXTS[category]),
                        channel=rng.choice([Channel.WEB, Channel.APP, Channel.CALL_CENTRE]),
                        state=state,
                        village_id=village_id,
                        reporter_resident_id=resident_id,
                        created_at=created,
                        due_at=created + datetime.timedelta(days=rng.choice([3, 5, 7])),
                        resolved_at=created + datetime.timedelta(days=rng.randrange(1, 9))
                        if state in (State.RESOLVED, State.CLOSED)
                        else None,
                    )
                )
            with transaction.atomic():
                Complaint.objects.bulk_create(batch)
            written += len(batch)
    finally:
        created_at.auto_now_add = True
    return written


def _bulk_code(rng: random.Random, taken: set[str]) -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    while True:
        body = "".join(rng.choice(alphabet) for _ in range(8))
        code = f"AD-{body[:4]}-{body[4:]}"
        if code not in taken:
            taken.add(code)
            return code
