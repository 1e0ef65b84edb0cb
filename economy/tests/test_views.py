import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from economy import services
from economy.models import Business, GroceryDistribution
from people.nik import mask_nik


@pytest.fixture
def many_businesses(village_officer, resident_in_village):
    def make(n):
        for i in range(n):
            services.register_business(
                village_officer,
                owner_nik=resident_in_village.nik,
                name=f"Usaha {i:03d}",
                sector="food",
                size="micro",
            )

    return make


def test_list_shows_scope_only(client, warung, village_officer, other_village_officer):
    client.force_login(village_officer)
    assert "Warung Bu Sri" in client.get(reverse("economy:business_list")).content.decode()
    client.force_login(other_village_officer)
    assert "Warung Bu Sri" not in client.get(reverse("economy:business_list")).content.decode()


@pytest.mark.parametrize(
    "name", ["business_list", "training_list", "grocery_list", "grocery_report"]
)
def test_roles_without_economy_access_get_403(
    client, name, agency_officer, call_centre_operator, kiosk, resident_user
):
    for user in (agency_officer, call_centre_operator, kiosk, resident_user):
        client.force_login(user)
        assert client.get(reverse(f"economy:{name}")).status_code == 403


def test_records_outside_scope_are_404(
    client, warung, grocery_round, village_officer, other_village_officer, make_user, other_village
):
    training = services.create_training(village_officer, title="T", programme="digital_marketing")
    from accounts.roles import Role

    other_head = make_user(Role.DISTRICT_HEAD, region=other_village.parent)
    for user in (other_village_officer, other_head):
        client.force_login(user)
        for url in (
            reverse("economy:business_detail", args=[warung.pk]),
            reverse("economy:training_detail", args=[training.pk]),
            reverse("economy:grocery_detail", args=[grocery_round.pk]),
        ):
            assert client.get(url).status_code == 404
        response = client.post(
            reverse("economy:business_action", args=[warung.pk, "bantuan"]), {"kind": "signage"}
        )
        assert response.status_code == 404


def test_district_head_reads_but_does_not_write(client, warung, district_head):
    client.force_login(district_head)
    assert client.get(reverse("economy:business_detail", args=[warung.pk])).status_code == 200
    assert client.get(reverse("economy:business_new")).status_code == 403


def test_register_through_the_page(client, village_officer, resident_in_village):
    client.force_login(village_officer)
    response = client.post(
        reverse("economy:business_new"),
        {
            "owner_nik": "3510019999990001",
            "name": "Toko",
            "sector": "retail",
            "size": "micro",
        },
    )
    assert response.status_code == 200
    assert "tidak terdaftar dalam data penduduk" in response.content.decode()
    response = client.post(
        reverse("economy:business_new"),
        {
            "owner_nik": resident_in_village.nik,
            "name": "Toko",
            "sector": "retail",
            "size": "micro",
            "is_warung": "on",
        },
    )
    business = Business.objects.get()
    assert response.status_code == 302 and business.is_warung


def test_distribution_to_unregistered_resident_on_the_page(client, grocery_round, village_officer):
    client.force_login(village_officer)
    response = client.post(
        reverse("economy:grocery_detail", args=[grocery_round.pk]),
        {"action": "bagi", "nik": "3510019999990001", "packages": "1"},
    )
    assert response.status_code == 200
    assert "tidak terdaftar dalam data penduduk" in response.content.decode()
    assert not GroceryDistribution.objects.exists()


def test_list_query_count_is_constant(
    client, village_officer, many_businesses, django_assert_max_num_queries
):
    client.force_login(village_officer)
    many_businesses(3)
    url = reverse("economy:business_list")
    client.get(url)
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    many_businesses(60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].has_next


def test_export_csv_and_xlsx_escape_formulas(client, village_officer, resident_in_village):
    services.register_business(
        village_officer,
        owner_nik=resident_in_village.nik,
        name='=HYPERLINK("http://x")',
        sector="food",
        size="micro",
    )
    client.force_login(village_officer)
    response = client.get(
        reverse("economy:business_list"), {"keperluan": "Pendataan program", "format": "csv"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1] == "nama_usaha" and rows[1][1].startswith("'=")
    response = client.get(
        reverse("economy:business_list"), {"keperluan": "Pendataan program", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=2).value.startswith("'=")


def test_grocery_report_and_exports(
    client,
    grocery_round,
    warung,
    village_officer,
    regent,
    resident_in_village,
    other_village_officer,
):
    services.record_purchase(
        grocery_round, village_officer, shop=warung, buyer="Dinas", packages=4, amount="600000"
    )
    services.record_distribution(
        grocery_round, village_officer, nik=resident_in_village.nik, packages=2
    )
    client.force_login(regent)
    page = client.get(reverse("economy:grocery_report")).content.decode()
    assert "Warung Bu Sri" in page and mask_nik(resident_in_village.family.no_kk) in page
    assert resident_in_village.family.no_kk not in page  # the page masks it; the export keeps it
    response = client.get(
        reverse("economy:grocery_report"),
        {"keperluan": "Pendataan program", "format": "csv", "tabel": "rumah-tangga"},
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert resident_in_village.family.no_kk in text
    client.force_login(other_village_officer)
    page = client.get(reverse("economy:grocery_report")).content.decode()
    assert "Warung Bu Sri" not in page


def test_detail_pages_render(client, warung, village_officer, grocery_round):
    training = services.create_training(
        village_officer, title="Foto produk", programme="digital_marketing"
    )
    services.add_session(training, village_officer, held_on="2026-06-01", topic="Foto")
    services.enrol(training, warung, village_officer)
    client.force_login(village_officer)
    for url in (
        reverse("economy:business_detail", args=[warung.pk]),
        reverse("economy:training_detail", args=[training.pk]),
        reverse("economy:grocery_detail", args=[grocery_round.pk]),
        reverse("economy:training_list"),
        reverse("economy:grocery_list"),
    ):
        assert client.get(url).status_code == 200
    response = client.post(
        reverse("economy:business_action", args=[warung.pk, "bantuan"]),
        {"kind": "signage", "value": "250000"},
    )
    assert response.status_code == 302 and warung.assistance.count() == 1


def test_navigation_links(village_officer, resident_user):
    from economy.navigation import links

    assert links(village_officer) and links(resident_user) == []


def test_pages_in_english(client, village_officer):
    client.force_login(village_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("economy:business_list")).content.decode()
    assert "MSME register" in page


@pytest.mark.parametrize("name", ["training_list", "grocery_list"])
def test_other_lists_query_count_is_constant(
    client, name, village_officer, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            if name == "training_list":
                services.create_training(
                    village_officer, title=f"T{i}", programme="digital_marketing"
                )
            else:
                services.create_grocery_round(village_officer, name=f"R{i}", held_on="2026-05-01")

    client.force_login(village_officer)
    url = reverse(f"economy:{name}")
    add(2)
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    add(60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].has_next


def test_every_list_exports(client, warung, grocery_round, village_officer, resident_in_village):
    training = services.create_training(village_officer, title="T", programme="digital_marketing")
    session = services.add_session(training, village_officer, held_on="2026-06-01", topic="-x")
    enrolment = services.enrol(training, warung, village_officer)
    services.record_attendance(session, village_officer, [enrolment.pk])
    services.record_distribution(grocery_round, village_officer, nik=resident_in_village.nik)
    services.record_purchase(
        grocery_round, village_officer, shop=warung, buyer="Dinas", packages=1, amount="150000"
    )
    client.force_login(village_officer)
    urls = [
        (reverse("economy:training_list"), {}),
        (reverse("economy:training_detail", args=[training.pk]), {}),
        (reverse("economy:grocery_list"), {}),
        (reverse("economy:grocery_detail", args=[grocery_round.pk]), {}),
        (reverse("economy:grocery_detail", args=[grocery_round.pk]), {"tabel": "pembagian"}),
    ]
    for url, extra in urls:
        for fmt in ("csv", "xlsx"):
            response = client.get(url, {"format": fmt, "keperluan": "Pendataan program", **extra})
            assert response.status_code == 200, url
            body = b"".join(response.streaming_content)
            if fmt == "csv":
                assert len(body.decode("utf-8-sig").strip().splitlines()) >= 2, url
    response = client.get(
        reverse("economy:training_detail", args=[training.pk]),
        {"keperluan": "Pendataan program", "format": "csv"},
    )
    assert "'-x" in b"".join(response.streaming_content).decode("utf-8-sig")
    response = client.get(
        reverse("economy:grocery_detail", args=[grocery_round.pk]),
        {"keperluan": "Pendataan program", "format": "csv", "tabel": "pembagian"},
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert resident_in_village.nik not in text and "SUPARMAN" in text


def test_a_list_with_personal_data_exports_only_with_a_purpose(client, warung, village_officer):
    from core.models import AuditEntry

    client.force_login(village_officer)
    asked = client.get(reverse("economy:business_list"), {"format": "csv"})
    assert asked.status_code == 200 and 'name="keperluan"' in asked.content.decode()
    # Only the form was shown: nothing was exported, so nothing is recorded as exported.
    assert not AuditEntry.objects.filter(action__endswith=".exported").exists()
    response = client.get(
        reverse("economy:business_list"), {"format": "csv", "keperluan": "Pendataan UMKM"}
    )
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action__endswith=".exported")
    assert entry.action == "economy.list.exported" and entry.detail["list"] == "umkm"
    assert entry.actor == village_officer and entry.detail["purpose"] == "Pendataan UMKM"
    assert entry.covers_region == village_officer.region_id
