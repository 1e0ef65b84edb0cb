import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Job
from health.models import Dose, Vaccination, VaccinationImport
from health.navigation import links

# Personas are fetched by name (request.getfixturevalue): mark every test as using the database,
# so that pytest-django runs them before the transactional browser test, as it does others.
PURPOSE = {"keperluan": "Rekap cakupan vaksinasi"}

pytestmark = pytest.mark.django_db

STAFF = ["regent", "district_head", "village_officer"]
NO_SCOPE = ["agency_officer", "call_centre_operator", "resident_user", "kiosk"]


@pytest.mark.parametrize("persona", STAFF)
def test_the_dashboard_opens_at_each_level_of_scope(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("health:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "style=" not in page and "<script" not in page


def test_the_regent_sees_districts_a_district_head_villages_a_village_its_bands(
    client, regent, district_head, village_officer, village
):
    client.force_login(regent)
    assert len(client.get(reverse("health:dashboard")).context["children"]) == 25
    client.force_login(district_head)
    children = client.get(reverse("health:dashboard")).context["children"]
    assert {child.region.parent_id for child in children} == {village.parent_id}
    client.force_login(village_officer)
    response = client.get(reverse("health:dashboard"))
    assert response.context["children"] == [] and response.context["focus"] == village


@pytest.mark.parametrize("persona", NO_SCOPE)
def test_roles_without_a_region_get_403(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for name in ("health:dashboard", "health:affected_list", "health:priority"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("health:export_fhir")).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("health:dashboard"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_drilling_into_a_region_outside_scope_is_404(
    client, village_officer, district_head, other_village, village
):
    client.force_login(village_officer)
    url = reverse("health:dashboard")
    assert client.get(url, {"wilayah": other_village.pk}).status_code == 404
    assert client.get(url, {"wilayah": village.parent_id}).status_code == 404
    assert (
        client.get(reverse("health:export_fhir"), {"wilayah": other_village.pk}).status_code == 404
    )
    client.force_login(district_head)
    assert client.get(url, {"wilayah": other_village.parent_id}).status_code == 404
    assert client.get(url, {"wilayah": village.pk}).status_code == 200


def test_exports_hold_only_doses_in_scope(
    client, village_officer, resident_in_village, resident_elsewhere
):
    for resident in (resident_in_village, resident_elsewhere):
        Vaccination.objects.create(resident=resident, dose=Dose.FIRST, given_on=date(2021, 7, 1))
    client.force_login(village_officer)
    response = client.get(reverse("health:export_fhir"), PURPOSE)
    body = b"".join(response.streaming_content).decode()
    assert resident_in_village.nik in body and resident_elsewhere.nik not in body
    csv_body = b"".join(
        client.get(reverse("health:export_csv"), PURPOSE).streaming_content
    ).decode()
    assert resident_in_village.nik in csv_body and resident_elsewhere.nik not in csv_body


def test_the_regent_imports_a_file_as_a_background_job(client, regent, resident_in_village):
    client.force_login(regent)
    content = (
        "NIK;DOSIS;TANGGAL_VAKSIN;JENIS_VAKSIN\r\n"
        f"{resident_in_village.nik};1;01-07-2021;Sinovac\r\n"
        "3510019999999999;1;01-07-2021;Sinovac\r\n"
    ).encode()
    upload = SimpleUploadedFile("dosis.csv", content, content_type="text/csv")
    response = client.post(reverse("health:import_upload"), {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/tugas/{job.pk}/")
    assert job.status == "done", job.error
    run = VaccinationImport.objects.get()
    assert job.result["url"] == reverse("health:import_detail", args=[run.pk])
    assert (run.created, run.rejected) == (1, 1)
    page = client.get(job.result["url"]).content.decode()
    assert "NIK tidak ada di data penduduk." in page
    assert "3510019999999999" not in page


def test_a_refused_file_fails_the_job_with_its_reason(client, regent):
    client.force_login(regent)
    upload = SimpleUploadedFile("dosis.csv", io.BytesIO(b"NIK;NAMA\r\n1;A\r\n").read())
    client.post(reverse("health:import_upload"), {"file": upload})
    job = Job.objects.get()
    assert job.status == "failed" and "DOSIS" in job.error


def test_the_upload_refuses_other_file_types_and_other_roles(
    client, regent, village_officer, district_head
):
    client.force_login(regent)
    upload = SimpleUploadedFile("dosis.pdf", b"%PDF-1.4")
    response = client.post(reverse("health:import_upload"), {"file": upload})
    assert response.status_code == 200 and not Job.objects.exists()
    assert ".csv, .xlsx atau .json" in response.content.decode()
    for user in (village_officer, district_head):
        client.force_login(user)
        assert client.get(reverse("health:import_upload")).status_code == 403
    run = VaccinationImport.objects.create(file_name="a.csv", file_sha256="x", source="csv")
    assert client.get(reverse("health:import_detail", args=[run.pk])).status_code == 403


@pytest.mark.parametrize("persona", STAFF + NO_SCOPE)
def test_every_menu_link_opens(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for url, _label in links(user):
        assert client.get(url).status_code == 200, url


def test_the_english_page_is_translated(client, village_officer):
    client.force_login(village_officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("health:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Isolation houses" in page


def test_a_drilled_down_dashboard_counts_only_that_area(
    client, regent, village, other_village, resident_in_village, resident_elsewhere, resident_user
):
    from health import services
    from health.models import IsolationHouse

    IsolationHouse.objects.create(village=village, name="A", address="x", capacity=3)
    IsolationHouse.objects.create(village=other_village, name="B", address="y", capacity=5)
    services.report_affected(resident_in_village, "laid_off", user=resident_user)
    client.force_login(regent)
    whole = client.get(reverse("health:dashboard")).context
    assert whole["places"]["capacity"] == 8
    focused = client.get(reverse("health:dashboard"), {"wilayah": village.pk}).context
    assert focused["places"]["capacity"] == 3
    assert focused["affected"]["laid_off"]["reported"] == 1
    other = client.get(reverse("health:dashboard"), {"wilayah": other_village.parent_id}).context
    assert other["places"]["capacity"] == 5
    assert other["affected"]["laid_off"]["reported"] == 0


def test_a_malformed_region_is_404(client, regent):
    client.force_login(regent)
    assert client.get(reverse("health:dashboard"), {"wilayah": "x'"}).status_code == 404
