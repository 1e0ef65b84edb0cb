"""The synthetic demo population: determinism, valid numbers, family structure, spread, seeding."""

import csv
import io
import os
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command

from people import demo
from people.choices import MaritalStatus, Relationship, Religion, ResidentStatus
from people.models import Family, Resident
from people.nik import parse_kk, parse_nik
from regions.models import Region

SEED = 11


@pytest.fixture(scope="module")
def households():
    return list(demo.generate_population(residents=30_000, seed=SEED))


@pytest.fixture(scope="module")
def people(households):
    return [(family, person) for family, members in households for person in members]


def age(person) -> int:
    born = person.birth_date
    return (
        demo.AS_OF.year - born.year - ((demo.AS_OF.month, demo.AS_OF.day) < (born.month, born.day))
    )


def csv_text(residents: int, seed: int, tmp_path, name: str) -> bytes:
    path = tmp_path / name
    written = demo.write_population_csv(path, residents=residents, seed=seed)
    assert written == residents
    return path.read_bytes()


# --------------------------------------------------------------------------- determinism


def test_same_seed_and_size_give_byte_identical_csv(tmp_path):
    first = csv_text(4000, SEED, tmp_path, "a.csv")
    second = csv_text(4000, SEED, tmp_path, "b.csv")

    assert first == second


def test_another_process_with_other_hash_seed_writes_the_same_bytes(tmp_path):
    """Nothing may depend on set order or object ids, which change from process to process."""
    path = tmp_path / "other.csv"
    script = (
        "import django; django.setup(); from people.demo import write_population_csv; "
        f"write_population_csv({str(path)!r}, residents=3000, seed={SEED})"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(settings.BASE_DIR)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=settings.BASE_DIR)

    assert path.read_bytes() == csv_text(3000, SEED, tmp_path, "here.csv")


def test_another_seed_gives_other_people(tmp_path):
    assert csv_text(2000, 1, tmp_path, "a.csv") != csv_text(2000, 2, tmp_path, "b.csv")


@pytest.mark.parametrize("residents", [1, 5, 216, 217, 1000, 7777])
def test_generator_yields_exactly_the_requested_number_of_residents(residents):
    households = list(demo.generate_population(residents=residents, seed=SEED))

    assert sum(len(members) for _family, members in households) == residents


def test_csv_has_the_importers_headers_and_one_line_per_resident(tmp_path):
    text = csv_text(500, SEED, tmp_path, "p.csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))

    assert tuple(rows[0]) == demo.CSV_HEADERS
    assert len(rows) == 501
    assert all(len(row) == len(demo.CSV_HEADERS) for row in rows)


# --------------------------------------------------------------------------- numbers


def test_every_nik_is_valid_unique_and_agrees_with_birth_date_sex_and_district(people):
    niks = set()
    for family, person in people:
        info = parse_nik(person.nik, birth_date=person.birth_date)

        assert info.birth_date == person.birth_date
        assert info.sex == person.sex
        assert info.district_code == family.village.district_digits
        assert int(info.serial) >= demo.NIK_SERIAL_START
        niks.add(person.nik)
    assert len(niks) == len(people)


def test_every_no_kk_is_valid_unique_and_from_the_villages_district(households):
    numbers = [family.no_kk for family, _members in households]

    for family, members in households:
        assert parse_kk(family.no_kk) == family.no_kk
        assert family.no_kk.startswith(family.village.district_digits)
        issued = date(
            2000 + int(family.no_kk[10:12]), int(family.no_kk[8:10]), int(family.no_kk[6:8])
        )
        assert date(2008, 1, 1) <= issued <= demo.AS_OF
        assert issued.year - members[0].birth_date.year >= 16
    assert len(set(numbers)) == len(numbers)


def test_nobody_is_born_after_the_reference_date_or_before_1930(people):
    births = [person.birth_date for _family, person in people]

    assert max(births) <= demo.AS_OF
    assert min(births) > date(1930, 1, 1)


# --------------------------------------------------------------------------- families


def test_each_family_has_exactly_one_head_listed_first(households):
    for _family, members in households:
        relationships = [person.relationship for person in members]

        assert relationships[0] == Relationship.HEAD
        assert relationships.count(Relationship.HEAD) == 1


def test_spouses_are_of_opposite_sex_and_married(households):
    couples = 0
    for _family, members in households:
        head = members[0]
        for person in members[1:]:
            if person.relationship in (Relationship.WIFE, Relationship.HUSBAND):
                couples += 1
                assert person.sex != head.sex
                assert person.marital_status == head.marital_status == MaritalStatus.MARRIED
    assert couples > len(households) / 2


def test_children_are_at_least_fifteen_years_younger_than_their_parents(households):
    for _family, members in households:
        parents = [
            person
            for person in members
            if person.relationship in (Relationship.HEAD, Relationship.WIFE, Relationship.HUSBAND)
        ]
        for child in members:
            if child.relationship == Relationship.CHILD:
                assert all(age(parent) - age(child) >= 15 for parent in parents)


def test_grandchildren_are_younger_than_their_married_parents(households):
    for _family, members in households:
        married_children = [
            person
            for person in members
            if person.relationship in (Relationship.CHILD, Relationship.CHILD_IN_LAW)
            and person.marital_status == MaritalStatus.MARRIED
        ]
        for grandchild in members:
            if grandchild.relationship == Relationship.GRANDCHILD:
                assert all(age(parent) - age(grandchild) >= 15 for parent in married_children)


def test_households_have_every_expected_shape(households):
    sizes = Counter(len(members) for _family, members in households)
    relationships = Counter(person.relationship for _f, members in households for person in members)
    widowed_heads = sum(
        members[0].marital_status == MaritalStatus.WIDOWED for _family, members in households
    )

    assert sizes[1] > 0.05 * len(households)  # people living alone
    assert 2.8 < sum(len(members) for _f, members in households) / len(households) < 3.8
    assert widowed_heads > 0.05 * len(households)
    for relationship in (
        Relationship.CHILD,
        Relationship.GRANDCHILD,
        Relationship.CHILD_IN_LAW,
        Relationship.PARENT,
        Relationship.PARENT_IN_LAW,
        Relationship.OTHER_RELATIVE,
    ):
        assert relationships[relationship] > 0, relationship


def test_marital_status_fits_age(people):
    for _family, person in people:
        if age(person) < 17:
            assert person.marital_status == MaritalStatus.SINGLE


# --------------------------------------------------------------------------- spread


@pytest.mark.django_db
def test_every_village_is_real_and_all_217_have_residents(households):
    used = Counter(family.village.code for family, members in households for _ in members)
    real = set(Region.objects.villages().values_list("code", flat=True))

    assert len(real) == 217
    assert set(used) == real


def test_town_kelurahan_are_denser_than_rural_villages(households):
    per_village = Counter(family.village for family, members in households for _ in members)
    town = [
        count for village, count in per_village.items() if village.district_name == "Banyuwangi"
    ]
    rural = [count for village, count in per_village.items() if not village.urban]

    assert sum(town) / len(town) > 1.2 * sum(rural) / len(rural)


def test_age_pyramid_has_the_shape_of_east_java(people):
    ages = [age(person) for _family, person in people]
    share = lambda low, high: sum(low <= a < high for a in ages) / len(ages)  # noqa: E731

    assert 0.17 <= share(0, 15) <= 0.30
    assert 0.04 <= share(65, 200) <= 0.14
    # Wider at the bottom than at the top, tapering with age.
    assert share(0, 20) > share(40, 60) > share(60, 80) > share(80, 200)


def test_status_is_mostly_living_with_a_few_deceased_and_moved_out(people):
    statuses = Counter(person.status for _family, person in people)

    assert statuses[ResidentStatus.LIVING] > 0.95 * len(people)
    assert statuses[ResidentStatus.DECEASED] > 0
    assert statuses[ResidentStatus.MOVED_OUT] > 0


def test_religions_are_mostly_islam_with_hindu_and_christian_minorities(people):
    religions = Counter(person.religion for _family, person in people)

    assert religions[Religion.ISLAM] > 0.9 * len(people)
    assert religions[Religion.HINDU] > 0
    assert religions[Religion.PROTESTANT] + religions[Religion.CATHOLIC] > 0


def test_names_are_capitals_with_javanese_muslim_and_balinese_patterns(people):
    names = [person.full_name for _family, person in people]
    patoman = [
        person.full_name for family, person in people if family.village.code == "35.10.25.2006"
    ]

    assert all(name == name.upper() and name.strip() == name for name in names)
    assert any(" " not in name for name in names)  # single names such as SUPARMAN
    assert any("'" in name for name in names)  # NUR'AINI
    assert any(name.startswith(("MUH. ", "MOCH. ", "MUHAMMAD ", "AHMAD ")) for name in names)
    assert any(name.startswith("SITI ") for name in names)
    assert any(name.startswith(("I ", "NI ")) for name in patoman)


def test_phone_numbers_use_the_non_mobile_demo_prefix(people):
    phones = [person.phone for _family, person in people if person.phone]

    assert len(phones) > 0.2 * len(people)
    assert all(phone.startswith("08000") and phone.isdigit() for phone in phones)


# --------------------------------------------------------------------------- importer words


def test_every_registry_word_is_understood_by_the_importer():
    values = pytest.importorskip("people.importing.values")

    for words, codes in (
        (demo.SEX_WORDS, values.SEX),
        (demo.RELIGION_WORDS, values.RELIGION),
        (demo.MARITAL_WORDS, values.MARITAL_STATUS),
        (demo.EDUCATION_WORDS, values.EDUCATION),
        (demo.RELATIONSHIP_WORDS, values.RELATIONSHIP),
        (demo.STATUS_WORDS, values.STATUS),
    ):
        for stored, word in words.items():
            assert codes.clean(word) == stored


@pytest.mark.django_db
def test_csv_round_trips_through_the_importer_with_no_rejected_row(tmp_path, settings):
    importing = pytest.importorskip("people.importing")
    settings.IMPORT_REPORT_DIR = tmp_path / "imports"
    path = tmp_path / "population.csv"
    demo.write_population_csv(path, residents=1500, seed=SEED)

    result = importing.import_population(path)

    assert (result.rejected, result.created) == (0, 1500)
    expected = {
        person.nik
        for _family, members in demo.generate_population(residents=1500, seed=SEED)
        for person in members
    }
    assert set(Resident.objects.values_list("nik", flat=True)) == expected


# --------------------------------------------------------------------------- database


@pytest.mark.django_db
def test_seeding_writes_exactly_the_generated_people_with_their_heads():
    counts = demo.seed_population(residents=2500, seed=SEED, chunk_families=300)
    generated = list(demo.generate_population(residents=2500, seed=SEED))

    assert counts == {"residents": 2500, "families": len(generated)}
    assert Resident.objects.count() == 2500
    assert Family.objects.count() == len(generated)
    assert not Family.objects.filter(head=None).exists()
    for family in Family.objects.select_related("head").order_by("?")[:50]:
        assert family.head.family_id == family.pk
        assert family.head.relationship == Relationship.HEAD
    first_family, first_members = generated[0]
    stored = Resident.objects.get(nik=first_members[0].nik)
    assert (stored.full_name, stored.birth_date, stored.family.no_kk) == (
        first_members[0].full_name,
        first_members[0].birth_date,
        first_family.no_kk,
    )
    assert stored.village.code == first_family.village.code
    assert stored.data_warnings == []


@pytest.mark.django_db
def test_seeding_refuses_a_register_that_already_has_residents():
    demo.seed_population(residents=50, seed=SEED)

    with pytest.raises(demo.PopulationNotEmpty):
        demo.seed_population(residents=50, seed=SEED)
    assert Resident.objects.count() == 50


@pytest.mark.django_db
def test_appending_the_same_seed_again_gets_numbers_not_yet_taken():
    demo.seed_population(residents=400, seed=SEED)

    demo.seed_population(residents=400, seed=SEED, append=True)

    assert Resident.objects.count() == 800
    assert Resident.objects.values("nik").distinct().count() == 800
    assert Family.objects.values("no_kk").distinct().count() == Family.objects.count()


@pytest.mark.django_db
def test_seed_demo_command_seeds_once_and_then_leaves_the_register_alone():
    out = io.StringIO()
    call_command("seed_demo", residents=300, seed=SEED, stdout=out)
    call_command("seed_demo", residents=300, seed=SEED, stdout=out)

    assert Resident.objects.count() == 300
    assert "Seeded 300 synthetic residents" in out.getvalue()
    assert "nothing seeded" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_force_replaces_the_register():
    call_command("seed_demo", residents=300, seed=1, stdout=io.StringIO())

    call_command(
        "seed_demo", residents=200, seed=2, force=True, interactive=False, stdout=io.StringIO()
    )

    expected = {
        person.nik
        for _family, members in demo.generate_population(residents=200, seed=2)
        for person in members
    }
    assert set(Resident.objects.values_list("nik", flat=True)) == expected


@pytest.mark.django_db
def test_seed_demo_force_stops_when_an_account_points_at_a_resident(make_user):
    from django.core.management.base import CommandError

    from accounts.roles import Role

    call_command("seed_demo", residents=30, seed=1, stdout=io.StringIO())
    make_user(Role.RESIDENT, resident=Resident.objects.first())

    with pytest.raises(CommandError, match="still point at residents"):
        call_command("seed_demo", residents=30, seed=2, force=True, interactive=False)
    assert Resident.objects.count() == 30
