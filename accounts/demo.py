"""Demo accounts, one per role, with secrets generated at set-up.

The secrets are written once into an ignored file under VAR_DIR and reused on the next
run, so the sign-ins printed at start-up stay the same on one machine and differ between
machines. Nothing here runs in production unless someone calls it.
"""

import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F

from accounts.models import User
from accounts.roles import Role
from accounts.services import _is_guessable_pin
from agencies.models import Agency, AgencyKind
from people.models import Resident, ResidentStatus
from people.nik import mask_nik
from regions.models import Region

logger = logging.getLogger(__name__)

# Sarongan, Pesanggaran: the village the demo's village and district accounts serve.
DEMO_VILLAGE_CODE = "35.10.01.2001"


@dataclass(frozen=True)
class DemoSignIn:
    role: str
    label: str
    login: str
    secret: str
    scope: str


def _credentials_path() -> Path:
    return settings.VAR_DIR / "demo-credentials.json"


def _load_secrets() -> dict[str, str]:
    path = _credentials_path()
    if path.exists():
        return json.loads(path.read_text())
    return {}


def _save_secrets(values: dict[str, str]) -> None:
    path = _credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)


def _new_password() -> str:
    return f"demo-{secrets.token_urlsafe(9)}"


def _new_pin(resident: Resident) -> str:
    while True:
        pin = f"{secrets.randbelow(10**6):06d}"
        if not _is_guessable_pin(pin, resident):
            return pin


def _demo_agency() -> Agency:
    # Loaded by the agencies data migration; created here only if that row was removed.
    agency, _created = Agency.objects.get_or_create(
        code="dukcapil",
        defaults={
            "name": "Dinas Kependudukan dan Pencatatan Sipil",
            "short_name": "Dispendukcapil",
            "kind": AgencyKind.REGIONAL,
        },
    )
    return agency


def _demo_resident(village: Region) -> Resident | None:
    """A living family head with a NIK in the demo village, the same one on every run."""
    existing = User.objects.filter(role=Role.RESIDENT, username="warga-demo").first()
    if existing:
        return existing.resident
    return (
        Resident.objects.filter(
            village=village,
            status=ResidentStatus.LIVING,
            nik__isnull=False,
            family__head_id=F("pk"),
        )
        .order_by("id")
        .first()
    )


@transaction.atomic
def ensure_demo_accounts() -> list[DemoSignIn]:
    """Create (or refresh the secrets of) one account per role and return the sign-ins."""
    village = Region.objects.get(code=DEMO_VILLAGE_CODE)
    district = village.parent
    agency = _demo_agency()
    stored = _load_secrets()

    # Synthetic officers' names: documents print the signer's name, not the role.
    staff = [
        (Role.REGENT, "bupati", None, None, "Kabupaten Banyuwangi", "Hendra Wicaksono"),
        (Role.DISTRICT_HEAD, "camat.pesanggaran", district, None, district.name, "Bambang Irawan"),
        (
            Role.DISTRICT_OFFICER,
            "petugas.pesanggaran",
            district,
            None,
            district.name,
            "Dewi Lestari",
        ),
        (Role.VILLAGE_HEAD, "kades.sarongan", village, None, village.name, "Slamet Riyadi"),
        (Role.VILLAGE_OFFICER, "petugas.sarongan", village, None, village.name, "Nur Hasanah"),
        (Role.AGENCY_HEAD, "kadis.dukcapil", None, agency, agency.short_name, "Agus Prasetyo"),
        (
            Role.AGENCY_OFFICER,
            "petugas.dukcapil",
            None,
            agency,
            agency.short_name,
            "Rina Wulandari",
        ),
        (Role.TASK_FORCE, "tkpk", None, None, "Kabupaten Banyuwangi", "Yudi Kurniawan"),
        (Role.CALL_CENTRE, "operator112", None, None, "Call center 112", "Sri Rahayu"),
        (Role.KIOSK, "kios.sarongan", village, None, village.name, ""),
    ]
    sign_ins = []
    for role, username, region, role_agency, scope, full_name in staff:
        secret = stored.get(username) or _new_password()
        stored[username] = secret
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.region = region
        user.agency = role_agency
        user.is_staff = role == Role.REGENT
        user.is_superuser = role == Role.REGENT
        first, _sep, last = (full_name or str(Role(role).label)).partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
        if not user.pk or not user.check_password(secret):
            user.set_password(secret)
        user.full_clean(exclude=["password"])
        user.save()
        sign_ins.append(DemoSignIn(role, str(Role(role).label), username, secret, scope))

    resident = _demo_resident(village)
    if resident is not None:
        user = User.objects.filter(username="warga-demo").first() or User(
            username="warga-demo", role=Role.RESIDENT, resident=resident
        )
        secret = stored.get("warga-demo") or _new_pin(resident)
        stored["warga-demo"] = secret
        # Residents sign in with their NIK (synthetic here): keep it beside the PIN.
        stored["warga-demo-nik"] = resident.nik
        user.first_name = resident.full_name[:150]
        if not user.pk or not user.check_password(secret):
            user.set_password(secret)
        user.save()
        sign_ins.append(
            DemoSignIn(
                Role.RESIDENT,
                str(Role.RESIDENT.label),
                resident.nik,
                secret,
                f"{resident.full_name} ({village.name})",
            )
        )
        logger.info("Demo resident account is NIK %s", mask_nik(resident.nik))
    _save_secrets(stored)
    return sign_ins
