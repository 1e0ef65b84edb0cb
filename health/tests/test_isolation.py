from decimal import Decimal

import pytest
from django.urls import reverse

from health import services
from health.models import IsolationHouse, IsolationStay


@pytest.fixture
def house(village):
    return IsolationHouse.objects.create(
        village=village,
        name="Rumah Isolasi Sarongan",
        address="Balai Desa Sarongan",
        capacity=2,
        latitude=Decimal("-8.580000"),
        longitude=Decimal("113.950000"),
    )


@pytest.fixture
def other_house(other_village):
    return IsolationHouse.objects.create(
        village=other_village, name="Rumah Kebalenan", address="Jl. Kebalenan", capacity=3
    )


@pytest.fixture
def people(village, make_resident):
    return [make_resident(village, full_name=f"WARGA {index}") for index in range(3)]


def test_occupancy_is_derived_from_admissions_and_discharges(house, people, village_officer):
    first = services.admit(house, people[0], user=village_officer)
    services.admit(house, people[1], user=village_officer)
    assert services.houses_with_occupancy(village_officer).get(pk=house.pk).occupied == 2
    services.discharge(house, first.pk, user=village_officer)
    assert services.houses_with_occupancy(village_officer).get(pk=house.pk).occupied == 1


def test_a_full_house_refuses_another_admission_unless_a_reason_is_given(
    house, people, village_officer
):
    services.admit(house, people[0], user=village_officer)
    services.admit(house, people[1], user=village_officer)
    with pytest.raises(services.HealthError, match="penuh"):
        services.admit(house, people[2], user=village_officer)
    stay = services.admit(
        house, people[2], user=village_officer, over_capacity_reason="Keluarga satu rumah"
    )
    assert stay.over_capacity_reason == "Keluarga satu rumah"
    assert IsolationStay.objects.current().filter(house=house).count() == 3


def test_a_resident_already_in_isolation_is_not_admitted_twice(house, people, village_officer):
    services.admit(house, people[0], user=village_officer)
    with pytest.raises(services.HealthError, match="masih tercatat"):
        services.admit(house, people[0], user=village_officer)


def test_discharging_from_an_empty_house_is_refused(house, village_officer):
    with pytest.raises(services.HealthError, match="kosong"):
        services.discharge(house, None, user=village_officer)


def test_discharging_from_an_empty_house_is_refused_on_the_page(client, house, village_officer):
    client.force_login(village_officer)
    url = reverse("health:house_detail", args=[house.pk])
    response = client.post(url, {"discharge": "1", "discharge-stay": "1"}, follow=True)
    assert "kosong: tidak ada penghuni" in response.content.decode()
    assert not IsolationStay.objects.exists()


def test_capacity_cannot_drop_below_current_occupants(house, people, village_officer):
    services.admit(house, people[0], user=village_officer)
    services.admit(house, people[1], user=village_officer)
    house.capacity = 1
    with pytest.raises(services.HealthError, match="Kapasitas"):
        services.save_house(house, user=village_officer)


def test_an_officer_of_another_village_cannot_admit_or_discharge(
    house, people, other_village_officer, district_head
):
    for user in (other_village_officer, district_head):
        with pytest.raises(services.HealthError):
            services.admit(house, people[0], user=user)
        with pytest.raises(services.HealthError):
            services.discharge(house, None, user=user)


def test_admitting_on_the_page_by_nik(client, house, people, village_officer):
    client.force_login(village_officer)
    url = reverse("health:house_detail", args=[house.pk])
    response = client.post(url, {"admit": "1", "admit-nik": people[0].nik + "\u00a0"})
    assert response.status_code == 302
    assert IsolationStay.objects.get().resident == people[0]


def test_admitting_a_resident_of_another_village_names_the_nik_field(
    client, house, resident_elsewhere, village_officer
):
    client.force_login(village_officer)
    url = reverse("health:house_detail", args=[house.pk])
    response = client.post(url, {"admit": "1", "admit-nik": resident_elsewhere.nik})
    assert response.status_code == 200
    assert "NIK ini tidak ada di data penduduk wilayah Anda" in response.content.decode()
    assert not IsolationStay.objects.exists()


def test_the_regency_sees_free_places_per_district_and_village_with_a_map(
    client, regent, house, other_house, people, village_officer
):
    services.admit(house, people[0], user=village_officer)
    client.force_login(regent)
    response = client.get(reverse("health:places"))
    assert response.status_code == 200
    districts, villages = response.context["districts"], response.context["villages"]
    assert {(item.region.name, item.free) for item in villages} == {
        ("Sarongan", 1),
        (other_house.village.name, 3),
    }
    assert len(districts) == 2
    points = response.context["points"]
    assert [point["house"].pk for point in points] == [house.pk]  # only one has coordinates
    assert "<circle" in response.content.decode()


def test_village_officers_and_district_heads_see_only_their_houses(
    client, house, other_house, village_officer, district_head, other_village_officer
):
    for user, visible, hidden in (
        (village_officer, house, other_house),
        (district_head, house, other_house),
        (other_village_officer, other_house, house),
    ):
        client.force_login(user)
        names = [item.name for item in client.get(reverse("health:places")).context["houses"]]
        assert names == [visible.name]
        assert client.get(reverse("health:house_detail", args=[hidden.pk])).status_code == 404
        assert client.get(reverse("health:house_edit", args=[hidden.pk])).status_code in (403, 404)


def test_a_district_head_may_look_but_not_record(client, house, people, district_head):
    client.force_login(district_head)
    url = reverse("health:house_detail", args=[house.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"admit": "1", "admit-nik": people[0].nik}).status_code == 403
    assert client.get(reverse("health:house_create")).status_code == 403


def test_a_village_officer_creates_a_house_of_their_village(client, village_officer, village):
    client.force_login(village_officer)
    response = client.post(
        reverse("health:house_create"),
        {"village": village.pk, "name": "Posko", "address": "Jl. Pantai", "capacity": "4",
         "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert IsolationHouse.objects.get().village == village


def test_roles_without_a_region_cannot_open_isolation_pages(
    client, agency_officer, resident_user, call_centre_operator, house
):
    for user in (agency_officer, resident_user, call_centre_operator):
        client.force_login(user)
        assert client.get(reverse("health:places")).status_code == 403
        assert client.get(reverse("health:house_detail", args=[house.pk])).status_code == 403
