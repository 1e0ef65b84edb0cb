"""Shared test fixtures: real regions (loaded by migration) and one persona per role."""

import itertools
from datetime import date

import pytest

from accounts.models import User
from accounts.roles import Role
from agencies.models import Agency, AgencyKind
from people.choices import Relationship, Sex
from people.models import Family, Resident
from regions.models import Region

# Sarongan (Pesanggaran) and Kebalenan (Banyuwangi, a kelurahan): different districts.
VILLAGE_CODE = "35.10.01.2001"
NEIGHBOUR_VILLAGE_CODE = "35.10.01.2002"
OTHER_VILLAGE_CODE = "35.10.16.1001"

_serials = itertools.count(1)


def synthetic_nik(district_digits: str, birth: date, sex: str) -> str:
    """A NIK whose region, birth date and sex agree; the serial makes it unique."""
    day = birth.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district_digits}{day:02d}{birth:%m%y}{next(_serials):04d}"


def synthetic_kk(district_digits: str) -> str:
    return f"{district_digits}010120{next(_serials):04d}"


@pytest.fixture
def village(db):
    return Region.objects.get(code=VILLAGE_CODE)


@pytest.fixture
def neighbour_village(db):
    return Region.objects.get(code=NEIGHBOUR_VILLAGE_CODE)


@pytest.fixture
def other_village(db):
    return Region.objects.get(code=OTHER_VILLAGE_CODE)


@pytest.fixture
def make_family(db):
    def make(village, **fields):
        fields.setdefault("no_kk", synthetic_kk(village.digits[:6]))
        return Family.objects.create(village=village, **fields)

    return make


@pytest.fixture
def make_resident(db):
    def make(village, *, family=None, sex=Sex.MALE, birth_date=date(1985, 6, 15), **fields):
        fields.setdefault("nik", synthetic_nik(village.digits[:6], birth_date, sex))
        fields.setdefault("full_name", "WARGA UJI")
        return Resident.objects.create(
            village=village, family=family, sex=sex, birth_date=birth_date, **fields
        )

    return make


@pytest.fixture
def resident_in_village(make_family, make_resident, village):
    family = make_family(village)
    head = make_resident(
        village, family=family, full_name="SUPARMAN", relationship=Relationship.HEAD
    )
    family.head = head
    family.save(update_fields=["head"])
    return head


@pytest.fixture
def resident_elsewhere(make_family, make_resident, other_village):
    family = make_family(other_village)
    return make_resident(
        other_village,
        family=family,
        full_name="NUR'AINI",
        sex=Sex.FEMALE,
        relationship=Relationship.HEAD,
    )


@pytest.fixture
def agency(db):
    return Agency.objects.create(
        code="dispendukcapil",
        name="Dinas Kependudukan dan Pencatatan Sipil",
        short_name="Dispendukcapil",
        kind=AgencyKind.REGIONAL,
    )


@pytest.fixture
def make_user(db):
    def make(role, *, region=None, agency=None, resident=None, password="uji-Sandi-2026!"):
        user = User(
            username=f"{role}-{next(_serials)}",
            role=role,
            region=region,
            agency=agency,
            resident=resident,
            is_staff=role == Role.REGENT,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        return user

    return make


@pytest.fixture
def regent(make_user):
    return make_user(Role.REGENT)


@pytest.fixture
def district_head(make_user, village):
    return make_user(Role.DISTRICT_HEAD, region=village.parent)


@pytest.fixture
def village_officer(make_user, village):
    return make_user(Role.VILLAGE_OFFICER, region=village)


@pytest.fixture
def other_village_officer(make_user, other_village):
    return make_user(Role.VILLAGE_OFFICER, region=other_village)


@pytest.fixture
def agency_officer(make_user, agency):
    return make_user(Role.AGENCY_OFFICER, agency=agency)


@pytest.fixture
def call_centre_operator(make_user):
    return make_user(Role.CALL_CENTRE)


@pytest.fixture
def kiosk(make_user, village):
    return make_user(Role.KIOSK, region=village)


@pytest.fixture
def resident_user(make_user, resident_in_village):
    return make_user(Role.RESIDENT, resident=resident_in_village)
