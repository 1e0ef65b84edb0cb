"""Loading a whole regency for bench/load.py: register, a year of work, signed-in sample users.

Runs inside a Django worker interpreter (``bench/load.py --worker seed``). Everything is
synthetic and deterministic for a given seed. Rows are written with ``bulk_create`` in
chunks: this is test data at the scale of a real regency, not a path users take.
"""

from __future__ import annotations

import json
import logging
import random
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

CHUNK = 5000
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# A year's applications by final state (most are finished; a few are still on a desk).
STATE_WEIGHTS = {
    "issued": 80,
    "submitted": 5,
    "verified": 3,
    "forwarded": 3,
    "approved": 1,
    "returned": 3,
    "rejected": 2,
    "cancelled": 2,
    "draft": 1,
}


def seed_regency(
    *,
    residents: int,
    applications: int,
    complaints: int,
    sample_users: dict[str, int],
    sessions_path: Path,
    seed: int,
) -> dict:
    from accounts.demo import ensure_demo_accounts

    rng = random.Random(seed)
    figures: dict[str, object] = {}
    started = time.perf_counter()
    call_command("seed_demo", residents=residents, seed=seed, verbosity=0)
    figures["register_s"] = time.perf_counter() - started
    ensure_demo_accounts()

    started = time.perf_counter()
    figures["applications"] = _applications(rng, applications)
    figures["applications_s"] = time.perf_counter() - started
    figures["complaints"] = _complaints(rng, complaints)
    figures["assistance"] = _assistance(rng)

    from dashboards.services import refresh

    started = time.perf_counter()
    refresh()
    figures["dashboards_s"] = time.perf_counter() - started

    from people.models import Family, Resident

    figures["residents"] = Resident.objects.count()
    figures["families"] = Family.objects.count()
    users = _sample_users(rng, sample_users)
    sessions_path.write_text(json.dumps(users))
    figures["sessions"] = sum(len(entries) for entries in users.values())
    _analyse()
    return figures


def _tracking_codes(rng: random.Random, count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        body = "".join(rng.choice(ALPHABET) for _ in range(8))
        codes.add(f"SK-{body[:4]}-{body[4:]}")
    return list(codes)


def _applications(rng: random.Random, count: int) -> int:
    """A year of applications over the register, by service level and state."""
    from people.models import Resident
    from regions.models import Region
    from services.models import Application, IssuerLevel, Service

    services = list(Service.objects.filter(is_active=True))
    # Village letters make up most of the work; district and agency services the rest.
    weights = [6 if service.level == IssuerLevel.VILLAGE else 1 for service in services]
    parents = dict(Region.objects.villages().values_list("id", "parent_id"))
    ids = list(Resident.objects.values_list("id", "village_id"))
    states = list(STATE_WEIGHTS)
    state_weights = list(STATE_WEIGHTS.values())
    now = timezone.now()
    codes = _tracking_codes(rng, count)
    created_at = Application._meta.get_field("created_at")
    created_at.auto_now_add = False  # this process only: the rows carry their own dates
    written = 0
    for start in range(0, count, CHUNK):
        batch = []
        for code in codes[start : start + CHUNK]:
            resident_id, village_id = rng.choice(ids)
            service = rng.choices(services, weights)[0]
            state = rng.choices(states, state_weights)[0]
            if state == "forwarded" and service.level == IssuerLevel.VILLAGE:
                # A village letter is approved at the village: it is never forwarded.
                state = "verified"
            created = now - timedelta(seconds=rng.randrange(365 * 86400))
            submitted = created + timedelta(minutes=rng.randrange(5, 600))
            due = (submitted + timedelta(days=service.sla_days + 2)).date()
            village_days = rng.randrange(0, 3)
            upper_days = rng.randrange(0, service.sla_days + 3)
            application = Application(
                tracking_code=code,
                service=service,
                applicant_id=resident_id,
                subject_id=resident_id,
                village_id=village_id,
                district_id=parents[village_id] if service.level == IssuerLevel.DISTRICT else None,
                agency_id=service.agency_id if service.level == IssuerLevel.AGENCY else None,
                form_data={"keperluan": "Persyaratan administrasi"},
                state=state,
                channel=rng.choice(["web", "kiosk", "app", "counter"]),
                created_at=created,
                state_changed_at=submitted,
                submitted_at=None if state == "draft" else submitted,
                due_date=None if state == "draft" else due,
            )
            if state == "issued":
                application.verified_at = submitted + timedelta(days=village_days)
                application.issued_at = submitted + timedelta(days=village_days + upper_days)
                application.village_working_days = village_days
                application.upper_working_days = upper_days
                application.village_seconds = village_days * 86400 + rng.randrange(3600)
                application.upper_seconds = upper_days * 86400 + rng.randrange(3600)
            batch.append(application)
        with transaction.atomic():
            Application.objects.bulk_create(batch)
        written += len(batch)
    created_at.auto_now_add = True
    return written


def _complaints(rng: random.Random, count: int) -> int:
    """Complaints through the complaints app's own bulk generator, when it has one."""
    if not apps.is_installed("complaints"):
        return 0
    try:
        generator = import_module("complaints.demo_data").generate_bulk
    except (ImportError, AttributeError):
        logger.warning("complaints.demo_data.generate_bulk not found: no complaints loaded")
        return 0
    return generator(count=count, rng=rng)


def _assistance(rng: random.Random) -> int:
    """Assistance lists through the assistance app's own bulk generator, when it has one."""
    if not apps.is_installed("assistance"):
        return 0
    try:
        generator = import_module("assistance.demo_data").generate_bulk
    except (ImportError, AttributeError):
        logger.warning("assistance.demo_data.generate_bulk not found: no assistance loaded")
        return 0
    return generator(rng=rng)


def _session_for(user) -> str:
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.UsernameBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _sample_users(rng: random.Random, wanted: dict[str, int]) -> dict[str, list[dict]]:
    """Signed-in users of each role with the pages each will open (label, path)."""
    from accounts.models import User
    from accounts.roles import Role
    from people.models import Resident
    from regions.models import Region
    from services.models import Application, Service

    result: dict[str, list[dict]] = {}
    # The services a resident can open (internal letters have no public page: 404).
    catalogue = list(Service.objects.offered_to_residents().values_list("code", flat=True))
    villages = list(Region.objects.villages().order_by("?")[: wanted["village_officer"]])
    districts = list(Region.objects.districts().order_by("code")[: wanted["district_head"]])

    # Residents who applied for something, each with an account of their own.
    applicants = list(
        Application.objects.exclude(state="draft")
        .order_by("?")
        .values_list("applicant_id", flat=True)[: wanted["resident"] * 2]
    )
    chosen = list(dict.fromkeys(applicants))[: wanted["resident"]]
    residents = Resident.objects.in_bulk(chosen)
    entries = []
    for resident_id in chosen:
        resident = residents[resident_id]
        user = User.objects.create(
            username=resident.nik or f"resident-{resident.pk}",
            role=Role.RESIDENT,
            resident=resident,
        )
        mine = list(
            Application.objects.filter(applicant=resident).values_list("tracking_code", flat=True)
        )
        entries.append(
            {
                "cookie": _session_for(user),
                "pages": [
                    ["home", "/"],
                    ["catalogue", "/layanan/"],
                    ["service detail", f"/layanan/{rng.choice(catalogue)}/"],
                    ["my applications", "/permohonan/"],
                    ["application detail", f"/permohonan/{rng.choice(mine)}/"],
                    ["my data", "/data-saya/"],
                ],
            }
        )
    result["resident"] = entries

    entries = []
    for village in villages:
        user = User.objects.create(
            username=f"load.village.{village.digits}", role=Role.VILLAGE_OFFICER, region=village
        )
        people = list(
            Resident.objects.filter(village=village)
            .order_by("?")
            .values_list("pk", "full_name")[:20]
        )
        tracking = list(
            Application.objects.filter(village=village)
            .order_by("?")
            .values_list("tracking_code", flat=True)[:20]
        )
        pk, name = rng.choice(people)
        entries.append(
            {
                "cookie": _session_for(user),
                "pages": [
                    ["queue: to verify", "/permohonan/?antrian=verifikasi"],
                    ["queue: all", "/permohonan/"],
                    ["application detail", f"/permohonan/{rng.choice(tracking)}/"],
                    ["register list", "/penduduk/"],
                    ["register search", f"/penduduk/?q={name.split()[0][:5]}"],
                    ["resident record", f"/penduduk/{pk}/"],
                    ["dashboard (village)", "/dasbor/"],
                ],
            }
        )
    result["village_officer"] = entries

    entries = []
    for district in districts:
        user = User.objects.create(
            username=f"load.district.{district.digits}", role=Role.DISTRICT_HEAD, region=district
        )
        village = Region.objects.villages().filter(parent=district).order_by("?").first()
        entries.append(
            {
                "cookie": _session_for(user),
                "pages": [
                    ["queue: all", "/permohonan/"],
                    ["dashboard (district)", "/dasbor/"],
                    ["dashboard (village)", f"/dasbor/wilayah/{village.code}/"],
                ],
            }
        )
    result["district_head"] = entries

    entries = []
    for index in range(wanted["regent"]):
        user = User.objects.create(username=f"load.regent.{index}", role=Role.REGENT)
        district = rng.choice(districts)
        entries.append(
            {
                "cookie": _session_for(user),
                "pages": [
                    ["dashboard (regency)", "/dasbor/"],
                    ["dashboard (district)", f"/dasbor/wilayah/{district.code}/"],
                    ["audit trail", "/audit/"],
                    ["register search", "/penduduk/?q=SITI"],
                ],
            }
        )
    result["regent"] = entries
    result["anonymous"] = [
        {
            "cookie": "",
            "pages": [["home", "/"], ["catalogue", "/layanan/"]],
        }
    ]
    return result


def _analyse() -> None:
    """Vacuum and fresh planner statistics after the bulk load, as a DBA would run them.

    Without the vacuum, autovacuum works through the millions of fresh rows during the
    measurement and takes CPU from the server being measured; with it, the visibility map is
    set and index-only scans can skip the table.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
