from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from health import coverage
from health.models import Dose, Vaccination
from people.choices import ResidentStatus

AS_OF = date(2022, 1, 1)


def give(resident, dose, when, product="Pfizer"):
    return Vaccination.objects.create(resident=resident, dose=dose, given_on=when, product=product)


@pytest.fixture
def population(village, other_village, make_resident):
    """Sarongan: an adult (two doses), an elder (one dose), a child of 8 (none), a toddler
    (not eligible), a deceased adult; Kebalenan: one adult with a booster."""
    adult = make_resident(village, full_name="ADI", birth_date=date(1980, 1, 1))
    elder = make_resident(village, full_name="EYANG", birth_date=date(1950, 5, 5))
    child = make_resident(village, full_name="CAHYO", birth_date=date(2013, 3, 3))
    toddler = make_resident(village, full_name="BAYU", birth_date=date(2019, 1, 1))
    dead = make_resident(
        village, full_name="ALM", birth_date=date(1970, 1, 1), status=ResidentStatus.DECEASED
    )
    away = make_resident(other_village, full_name="JAUH", birth_date=date(1990, 1, 1))
    give(adult, Dose.FIRST, date(2021, 6, 1))
    give(adult, Dose.SECOND, date(2021, 7, 1))
    give(elder, Dose.FIRST, date(2021, 5, 1))
    give(dead, Dose.FIRST, date(2021, 5, 1))
    give(away, Dose.FIRST, date(2021, 3, 1))
    give(away, Dose.SECOND, date(2021, 4, 1))
    give(away, Dose.BOOSTER, date(2021, 12, 1))
    give(adult, Dose.BOOSTER, date(2022, 3, 1))  # after AS_OF: not counted
    return {"adult": adult, "elder": elder, "child": child, "toddler": toddler, "away": away}


def test_coverage_counts_living_eligible_residents_by_age_band_as_of_a_date(
    population, regent, village, other_village
):
    figures = coverage.coverage_for(regent, AS_OF)
    sarongan = figures.villages[village.pk]
    assert sarongan.eligible == 3  # adult, elder, child; not the toddler or the deceased
    assert sarongan.doses == {Dose.FIRST: 2, Dose.SECOND: 1, Dose.BOOSTER: 0}
    bands = sarongan.band_rows()
    assert [band["eligible"] for band in bands] == [1, 0, 1, 1]
    assert bands[3]["doses"][Dose.FIRST] == 1  # the elder
    assert round(sarongan.first, 1) == 66.7

    assert figures.villages[other_village.pk].doses[Dose.BOOSTER] == 1
    assert figures.districts[village.parent_id].eligible == 3
    assert figures.total.eligible == 4 and figures.total.doses[Dose.FIRST] == 3
    assert len(figures.villages) == 217


def test_a_later_date_counts_later_doses(population, regent, village):
    figures = coverage.coverage_for(regent, date(2022, 6, 1))
    assert figures.villages[village.pk].doses[Dose.BOOSTER] == 1


def test_coverage_is_limited_to_the_users_scope(
    population, village_officer, district_head, other_village_officer, village, agency_officer
):
    mine = coverage.coverage_for(village_officer, AS_OF)
    assert list(mine.villages) == [village.pk]
    assert mine.total.eligible == 3
    district = coverage.coverage_for(district_head, AS_OF)
    assert {figures.region.parent_id for figures in district.villages.values()} == {
        village.parent_id
    }
    assert coverage.coverage_for(other_village_officer, AS_OF).total.eligible == 1
    assert coverage.coverage_for(agency_officer, AS_OF) is None


def test_outreach_lists_the_never_vaccinated_and_those_due(population, village_officer, village):
    never = coverage.outreach_residents(village_officer, village, coverage.NEVER, AS_OF)
    assert {resident.full_name for resident in never} == {"CAHYO"}
    due = coverage.outreach_residents(village_officer, village, coverage.DUE, AS_OF)
    # The elder's second dose is due (first dose over 28 days ago); the adult's booster is
    # due 180 days after the second dose, on 2021-12-28.
    assert {(r.full_name, r.next_dose) for r in due} == {
        ("EYANG", Dose.SECOND),
        ("ADI", Dose.BOOSTER),
    }


def test_outreach_of_a_village_outside_scope_is_404(
    population, client, village_officer, other_village
):
    client.force_login(village_officer)
    url = reverse("health:outreach", args=[other_village.pk])
    assert client.get(url).status_code == 404
    assert client.get(url + "?format=csv").status_code == 404


def test_outreach_page_uses_a_constant_number_of_queries(
    client, village_officer, village, make_resident, django_assert_num_queries
):
    client.force_login(village_officer)
    url = reverse("health:outreach", args=[village.pk]) + "?kind=never&as_of=2022-01-01"
    for index in range(3):
        make_resident(village, full_name=f"WARGA {index}", birth_date=date(1990, 1, 1))
    client.get(url)  # warm caches (session, user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for index in range(60):
        make_resident(village, full_name=f"LAIN {index}", birth_date=date(1990, 1, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "LAIN 1" in response.content.decode()


def test_outreach_exports_stream_with_formula_cells_defused(
    client, village_officer, village, make_resident
):
    make_resident(village, full_name="=HYPERLINK(1)", birth_date=date(1990, 1, 1))
    client.force_login(village_officer)
    url = reverse("health:outreach", args=[village.pk])
    response = client.get(url + "?kind=never&format=csv&keperluan=Kunjungan+vaksinasi")
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body
    xlsx = client.get(url + "?kind=never&format=xlsx&keperluan=Kunjungan+vaksinasi")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
