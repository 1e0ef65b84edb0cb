"""Fixtures for the services tests: the loaded catalogue, the offices of each level, and
applications walked to any state."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from agencies.models import Agency
from core.notifications import MemoryChannel
from people.choices import Relationship, Sex
from services import services
from services.models import Service

# One service of each level from the loaded catalogue.
VILLAGE_LETTER = "keterangan-domisili"
DISTRICT_LETTER = "keterangan-pindah-penduduk"
AGENCY_SERVICE = "dukcapil-akta-kelahiran"

ANSWERS = {
    VILLAGE_LETTER: {"keperluan": "Melamar pekerjaan"},
    DISTRICT_LETTER: {
        "telepon": "0812-3456-7890",
        "alasan_pindah": "Pekerjaan",
        "klasifikasi_pindah": "Antar kabupaten/kota dalam satu provinsi",
        "alamat_tujuan": "Jl. Sudirman – Gg. 2 No. 7",
        "desa_tujuan": "Kepatihan",
        "kecamatan_tujuan": "Kaliwates",
        "kabupaten_tujuan": "Jember",
        "provinsi_tujuan": "Jawa Timur",
        "jenis_kepindahan": "Kepala keluarga",
        "status_kk_yang_pindah": "Membuat KK baru",
        "tanggal_pindah": "2026-05-04",
        "jumlah_pengikut": "0",
    },
    AGENCY_SERVICE: {
        "nama_anak": "AHMAD FAUZI",
        "tempat_lahir_anak": "Banyuwangi",
        "tanggal_lahir_anak": "2026-01-20",
        "nama_ayah": "SUPARMAN",
        "nama_ibu": "SITI MARYAM",
    },
}


@pytest.fixture
def outbox(settings):
    settings.NOTIFICATION_CHANNEL = "core.notifications.MemoryChannel"
    MemoryChannel.outbox.clear()
    yield MemoryChannel.outbox
    MemoryChannel.outbox.clear()


@pytest.fixture
def village_letter(db):
    return Service.objects.get(code=VILLAGE_LETTER)


@pytest.fixture
def district_letter(db):
    return Service.objects.get(code=DISTRICT_LETTER)


@pytest.fixture
def agency_service(db):
    return Service.objects.get(code=AGENCY_SERVICE)


@pytest.fixture
def dukcapil(db):
    return Agency.objects.get(code="dukcapil")


@pytest.fixture
def applicant(resident_in_village):
    resident_in_village.phone = "081234567890"
    resident_in_village.save(update_fields=["phone"])
    return resident_in_village


@pytest.fixture
def child(make_resident, applicant):
    return make_resident(
        applicant.village,
        family=applicant.family,
        full_name="AHMAD FAUZI",
        relationship=Relationship.CHILD,
        sex=Sex.MALE,
    )


@pytest.fixture
def applicant_user(make_user, applicant):
    return make_user(Role.RESIDENT, resident=applicant)


@pytest.fixture
def village_head(make_user, village):
    user = make_user(Role.VILLAGE_HEAD, region=village)
    user.first_name, user.last_name = "H. SLAMET", "RIYADI"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def district_officer(make_user, village):
    return make_user(Role.DISTRICT_OFFICER, region=village.parent)


@pytest.fixture
def other_district_head(make_user, other_village):
    return make_user(Role.DISTRICT_HEAD, region=other_village.parent)


@pytest.fixture
def other_village_head(make_user, other_village):
    return make_user(Role.VILLAGE_HEAD, region=other_village)


@pytest.fixture
def dukcapil_head(make_user, dukcapil):
    user = make_user(Role.AGENCY_HEAD, agency=dukcapil)
    user.first_name, user.last_name = "Dr. ANITA", "KUSUMAWATI"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def dukcapil_officer(make_user, dukcapil):
    return make_user(Role.AGENCY_OFFICER, agency=dukcapil)


@pytest.fixture
def other_agency_head(make_user):
    return make_user(Role.AGENCY_HEAD, agency=Agency.objects.get(code="dpmptsp"))


@pytest.fixture
def draft(applicant_user, applicant):
    """Start a draft of a service for the applicant (or ``subject``) with valid answers."""

    def make(service, *, subject=None, answers=None):
        return services.start_application(
            service=service,
            user=applicant_user,
            subject=subject or applicant,
            form_data=answers if answers is not None else ANSWERS[service.code],
        )

    return make


@pytest.fixture
def submitted(draft, applicant_user):
    def make(service, **kwargs):
        return services.submit(draft(service, **kwargs), applicant_user)

    return make


@pytest.fixture
def verified(submitted, village_officer):
    def make(service, **kwargs):
        return services.verify(submitted(service, **kwargs), village_officer)

    return make


@pytest.fixture
def forwarded(verified, village_officer):
    def make(service, **kwargs):
        return services.forward(verified(service, **kwargs), village_officer)

    return make
