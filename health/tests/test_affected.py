import sys

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from health import services
from health.models import AffectedCategory, AffectedResident, AffectedStatus


@pytest.fixture(autouse=True)
def assistance_receipts(monkeypatch):
    """``assistance.services.receipts_for`` as that app promises it, with no receipts by
    default; a test sets ``receipts`` to give some. Keeps these tests apart from the
    assistance app's own tables."""
    receipts = {}

    def receipts_for(ids):
        return {pk: receipts.get(pk, []) for pk in ids}

    monkeypatch.setattr(services, "_assistance_receipts", lambda: receipts_for)
    return receipts


def test_a_resident_self_reporting_twice_as_laid_off_gives_one_record(
    client, resident_user, resident_in_village
):
    client.force_login(resident_user)
    url = reverse("health:self_report")
    data = {"category": AffectedCategory.LAID_OFF, "description": "Pabrik tutup"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    entry = AffectedResident.objects.get()
    assert (entry.resident, entry.self_reported, entry.status) == (
        resident_in_village,
        True,
        AffectedStatus.REPORTED,
    )
    assert entry.reported_by == resident_user
    page = client.get(url).content.decode()
    assert "Terkena PHK" in page


def test_the_database_allows_one_record_per_resident_and_category(resident_in_village):
    AffectedResident.objects.create(resident=resident_in_village, category="laid_off")
    with pytest.raises(IntegrityError), transaction.atomic():
        AffectedResident.objects.create(resident=resident_in_village, category="laid_off")
    AffectedResident.objects.create(resident=resident_in_village, category="business_closed")


def test_another_category_is_another_record(resident_user, resident_in_village):
    services.report_affected(resident_in_village, "laid_off", user=resident_user)
    _entry, created = services.report_affected(
        resident_in_village, "business_closed", user=resident_user
    )
    assert created and AffectedResident.objects.count() == 2


def test_a_resident_cannot_report_someone_else(resident_user, resident_elsewhere):
    with pytest.raises(services.HealthError):
        services.report_affected(resident_elsewhere, "laid_off", user=resident_user)


def test_a_village_officer_reports_a_resident_of_their_village_only(
    client, village_officer, resident_in_village, resident_elsewhere
):
    client.force_login(village_officer)
    url = reverse("health:affected_report")
    response = client.post(
        url,
        {"nik": resident_elsewhere.nik, "category": "laid_off", "evidence": "Surat PHK"},
    )
    assert response.status_code == 200
    assert "NIK ini tidak ada di data penduduk wilayah Anda" in response.content.decode()
    response = client.post(
        url,
        {"nik": resident_in_village.nik, "category": "informal_lost_income",
         "affected_since": "2020-04-01", "evidence": "Keterangan RT 01"},
    )  # fmt: skip
    entry = AffectedResident.objects.get()
    assert response.status_code == 302
    assert (entry.self_reported, entry.evidence) == (False, "Keterangan RT 01")


def test_a_future_affected_since_date_is_refused(client, resident_user):
    client.force_login(resident_user)
    response = client.post(
        reverse("health:self_report"), {"category": "other", "affected_since": "2099-01-01"}
    )
    assert "masa depan" in response.content.decode()
    assert not AffectedResident.objects.exists()


def test_the_village_verifies_or_rejects_with_a_reason(
    client, village_officer, resident_user, resident_in_village
):
    entry, _created = services.report_affected(resident_in_village, "laid_off", user=resident_user)
    client.force_login(village_officer)
    url = reverse("health:affected_detail", args=[entry.pk])
    response = client.post(url, {"decision": "reject", "note": ""})
    assert "alasan penolakan" in response.content.decode()
    assert client.post(url, {"decision": "verify", "note": "Dicek RT"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == AffectedStatus.VERIFIED
    assert entry.verified_by == village_officer and entry.verified_at is not None


def test_only_the_residents_village_verifies(
    client, district_head, other_village_officer, regent, resident_user, resident_in_village
):
    entry, _created = services.report_affected(resident_in_village, "laid_off", user=resident_user)
    url = reverse("health:affected_detail", args=[entry.pk])
    client.force_login(district_head)
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "verify"}).status_code == 403
    client.force_login(regent)
    assert client.post(url, {"decision": "verify"}).status_code == 403
    client.force_login(other_village_officer)
    assert client.get(url).status_code == 404
    entry.refresh_from_db()
    assert entry.status == AffectedStatus.REPORTED


def test_lists_are_scoped(
    client, village_officer, other_village_officer, resident_user, resident_in_village
):
    services.report_affected(resident_in_village, "laid_off", user=resident_user)
    client.force_login(village_officer)
    assert len(client.get(reverse("health:affected_list")).context["page"].items) == 1
    client.force_login(other_village_officer)
    assert client.get(reverse("health:affected_list")).context["page"].items == []


@pytest.fixture
def verified(village, make_resident, village_officer):
    people = []
    for index in range(4):
        resident = make_resident(village, full_name=f"TERDAMPAK {index}")
        categories = ["laid_off", "business_closed"] if index == 2 else ["laid_off"]
        for category in categories:
            entry, _created = services.report_affected(resident, category, user=village_officer)
            services.verify_affected(entry, user=village_officer, approve=index != 3, note="x")
        people.append(resident)
    return people


def test_the_priority_list_puts_the_most_affected_first_and_leaves_out_unverified(
    client, verified, village_officer
):
    client.force_login(village_officer)
    response = client.get(reverse("health:priority"))
    names = [resident.full_name for resident in response.context["page"].items]
    assert names == ["TERDAMPAK 2", "TERDAMPAK 0", "TERDAMPAK 1"]


def test_the_priority_list_shows_what_each_already_receives(
    client, verified, village_officer, assistance_receipts
):
    assistance_receipts[verified[0].pk] = [
        {"code": "BLT-DD", "name": "BLT Dana Desa", "period": "2021", "via": "person"}
    ]
    client.force_login(village_officer)
    page = client.get(reverse("health:priority")).content.decode()
    assert "BLT Dana Desa" in page
    assert "Belum menerima apa pun" in page
    assert "Data penerima bantuan belum tersedia" not in page


def test_without_the_assistance_service_the_column_is_empty_with_a_note(
    client, verified, village_officer, monkeypatch
):
    monkeypatch.setattr(services, "_assistance_receipts", lambda: None)
    client.force_login(village_officer)
    page = client.get(reverse("health:priority")).content.decode()
    assert "Data penerima bantuan belum tersedia" in page


def test_receipts_are_unknown_when_the_assistance_service_cannot_be_imported(monkeypatch):
    monkeypatch.undo()  # the real lookup, not the autouse stand-in
    monkeypatch.setitem(sys.modules, "assistance.services", None)  # import fails
    assert services.receipts_for([1, 2]) is None


def test_the_priority_list_uses_a_constant_number_of_queries(
    client, village_officer, village, make_resident, django_assert_num_queries, verified
):
    client.force_login(village_officer)
    url = reverse("health:priority")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(10):
        resident = make_resident(village, full_name=f"BARU {index}")
        entry, _ = services.report_affected(resident, "other", user=village_officer)
        services.verify_affected(entry, user=village_officer, approve=True)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_priority_export_streams_csv(client, verified, village_officer):
    client.force_login(village_officer)
    response = client.get(reverse("health:priority") + "?format=csv&keperluan=Pendataan+pemulihan")
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "TERDAMPAK 2" in body and "TERDAMPAK 3" not in body
