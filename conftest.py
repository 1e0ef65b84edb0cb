"""Shared test fixtures: real regions (loaded by migration) and one persona per role."""

import itertools
from datetime import date

import pytest
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from agencies.models import Agency, AgencyKind
from people.choices import Relationship, Sex
from people.exporting import HEADERS as EXPORT_HEADERS
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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply; production keeps Django's slow default hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _test_database(django_db_setup):
    """Create the test database before the first test, not at the first test marked for it.

    pytest-django runs tests that ask for no database first; one that reaches the database
    only through a persona fixture requested at run time would otherwise find no tables.
    """


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: ids reused after a rollback must not hit old keys."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _inline_jobs(settings):
    """Background jobs run before ``enqueue`` returns, inside the test's transaction."""
    settings.JOBS_MODE = "inline"


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Start in Indonesian: a page switched to English leaves the thread in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def shared_database(tmp_path):
    """The test database where threads meet it as deployed (see core.testing); for races."""
    from core.testing import database_for_threads

    with database_for_threads(tmp_path):
        yield


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


# --------------------------------------------------------------------------- population import
# Used by people/tests/test_import*.py. Every value is synthetic: NIK serials are 99xx.

# The importer reads what the exporter writes: tests build files with the same headers.
POPULATION_COLUMNS = EXPORT_HEADERS
# A wife in Rejosari (35.10.15.2001, district Glagah); her NIK encodes P and 1989-03-02.
POPULATION_ROW = {
    "NIK": "3510154203899902",
    "NO_KK": "3510150101209901",
    "NAMA_LENGKAP": "SITI AMINAH",
    "JENIS_KELAMIN": "P",
    "TEMPAT_LAHIR": "BANYUWANGI",
    "TANGGAL_LAHIR": "02-03-1989",
    "AGAMA": "ISLAM",
    "STATUS_PERKAWINAN": "KAWIN",
    "PENDIDIKAN": "SLTA/SEDERAJAT",
    "PEKERJAAN": "MENGURUS RUMAH TANGGA",
    "STATUS_HUBUNGAN": "ISTRI",
    "ALAMAT": "JL. KEMIREN NO. 5",
    "RT": "001",
    "RW": "002",
    "DUSUN": "KRAJAN",
    "KODE_DESA": "3510152001",
    "NO_HP": "081234567890",
    "STATUS": "HIDUP",
}


@pytest.fixture
def import_reports(settings, tmp_path):
    """Import reports go to a temporary folder instead of var/imports."""
    settings.IMPORT_REPORT_DIR = tmp_path / "import-reports"
    return settings.IMPORT_REPORT_DIR


@pytest.fixture
def population_file(tmp_path, import_reports):
    """Write rows (dicts over POPULATION_ROW's values) as a CSV or .xlsx population file.

    ``header`` renames or drops columns: {canonical: header as written, or None to drop}.
    Excel files store every value as a text cell unless it is not a str.
    """

    def write(rows, *, name="penduduk.csv", encoding="utf-8", delimiter=",", header=None):
        header = header or {}
        columns = [column for column in POPULATION_COLUMNS if header.get(column, column)]
        titles = [header.get(column, column) for column in columns]
        table = [[{**POPULATION_ROW, **row}.get(column, "") for column in columns] for row in rows]
        path = tmp_path / name
        if name.endswith(".xlsx"):
            import openpyxl

            workbook = openpyxl.Workbook()
            sheet = workbook.active
            sheet.title = "Penduduk"
            sheet.append(titles)
            for values in table:
                sheet.append(values)
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, str):
                        cell.number_format = "@"
            workbook.save(path)
            return path
        import csv
        import io

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(titles)
        writer.writerows(table)
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path

    return write


# --------------------------------------------------------------------------- documents
# Issued PDFs and signing keys never land in var/ during tests: one key folder per session
# (the CA and each office's key are created once, on first use) and a media folder per test.


@pytest.fixture(scope="session")
def signing_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def _isolated_document_storage(settings, signing_key_dir, tmp_path_factory):
    settings.SIGNING_KEY_DIR = signing_key_dir
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    # Exports, uploads and reports the code writes under VAR_DIR stay out of the real var/.
    settings.VAR_DIR = tmp_path_factory.mktemp("var")


def pytest_collection_modifyitems(items):
    """Every transactional test (live server, threads) gives the reference data back.

    Such a test empties every table when it ends; the regions, agencies, catalogue and
    document types that migrations load would then be missing for the tests after it. With
    serialized rollback Django restores them, whatever the order the tests run in.
    """
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or "django_db_serialized_rollback" in names:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = "live_server" in names or "transactional_db" in names
        if marker is not None and marker.kwargs.get("transaction"):
            transactional = True
        if transactional:
            names.append("django_db_serialized_rollback")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test of the run (Playwright allows one)."""
    import os

    from browser_tests.support import launched_chromium

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls stay
    # synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def page(chromium, live_server):
    """A page of a phone-sized (360 px) browser context on the live server, in Indonesian."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="id-ID"
    )
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()
