"""The officers' back office: work queues with counts, constant-cost pages, the officer's
application page (notes, missing attachments), bulk verification, the streamed export, and a
form sent twice by a double tap."""

import csv
import io
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from services import services
from services.models import Application, ApplicationNote, Attachment, State
from services.tests.conftest import ANSWERS

LIST_URL = reverse("services:application_list")
PURPOSE = {"keperluan": "Rekap layanan bulanan"}


def listed_codes(response) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/permohonan/([^/]+)/">', response.content.decode())


def attach_all(application):
    """Mark every required document of the application as attached (rows only)."""
    for number, requirement in enumerate(application.service.required_documents):
        Attachment.objects.create(
            application=application,
            requirement=requirement,
            original_name=f"syarat-{number}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            stored_name=f"{uuid.uuid4().hex}.pdf",
        )
    return application


def make_many(template: Application, count: int, state: str = State.SUBMITTED):
    """``count`` copies of an application in ``state``, written in one statement."""
    Application.objects.bulk_create(
        [
            Application(
                service_id=template.service_id,
                applicant_id=template.applicant_id,
                subject_id=template.subject_id,
                village_id=template.village_id,
                district_id=template.district_id,
                agency_id=template.agency_id,
                forwarded_at=template.forwarded_at,
                due_date=template.due_date,
                form_data=template.form_data,
                state=state,
            )
            for _ in range(count)
        ]
    )


# --------------------------------------------------------------------------- queues


def test_village_queues_list_each_step_with_its_count(
    client, village_officer, submitted, verified, draft, village_letter, district_letter
):
    waiting = submitted(village_letter)
    to_forward = verified(district_letter)
    to_approve = verified(village_letter)
    returned = services.return_for_revision(
        submitted(village_letter), village_officer, reason="Foto KTP buram"
    )
    draft(village_letter)
    client.force_login(village_officer)

    page = client.get(LIST_URL).content.decode()
    verify = client.get(LIST_URL, {"antrian": "verify"})
    forward = client.get(LIST_URL, {"antrian": "forward"})
    approve = client.get(LIST_URL, {"antrian": "approve"})
    back = client.get(LIST_URL, {"antrian": "returned"})

    assert 'Untuk diverifikasi <span class="count">(1)</span>' in page
    assert 'Untuk diteruskan <span class="count">(1)</span>' in page
    assert 'Untuk disetujui <span class="count">(1)</span>' in page
    assert 'Dikembalikan <span class="count">(1)</span>' in page
    assert 'Terlambat <span class="count">(0)</span>' in page
    assert listed_codes(verify) == [waiting.tracking_code]
    assert listed_codes(forward) == [to_forward.tracking_code]
    assert listed_codes(approve) == [to_approve.tracking_code]
    assert listed_codes(back) == [returned.tracking_code]


def test_district_and_agency_queues_hold_only_what_waits_on_them(
    client,
    district_officer,
    dukcapil_officer,
    other_district_head,
    forwarded,
    verified,
    district_letter,
    agency_service,
    village_letter,
):
    for_district = forwarded(district_letter)
    for_agency = forwarded(agency_service)
    verified(village_letter)  # the village head's to approve, not the district's

    client.force_login(district_officer)
    district = listed_codes(client.get(LIST_URL, {"antrian": "approve"}))
    client.force_login(dukcapil_officer)
    agency = listed_codes(client.get(LIST_URL, {"antrian": "approve"}))
    client.force_login(other_district_head)
    elsewhere = client.get(LIST_URL, {"antrian": "approve"})

    assert district == [for_district.tracking_code]
    assert agency == [for_agency.tracking_code]
    assert listed_codes(elsewhere) == []
    assert for_district.tracking_code not in elsewhere.content.decode()


def test_overdue_queue_counts_pending_applications_past_their_due_date(
    client, village_officer, submitted, village_letter
):
    late = submitted(village_letter)
    Application.objects.filter(pk=late.pk).update(due_date="2020-01-02")
    submitted(village_letter)
    client.force_login(village_officer)

    response = client.get(LIST_URL, {"antrian": "overdue"})

    assert listed_codes(response) == [late.tracking_code]
    assert 'Terlambat <span class="count">(1)</span>' in response.content.decode()


def test_another_village_sees_none_of_it(client, other_village_officer, submitted, village_letter):
    application = submitted(village_letter)
    client.force_login(other_village_officer)

    queue = client.get(LIST_URL, {"antrian": "verify"})
    detail = client.get(reverse("services:application_detail", args=[application.tracking_code]))

    assert listed_codes(queue) == []
    assert 'Untuk diverifikasi <span class="count">(0)</span>' in queue.content.decode()
    assert detail.status_code == 404


def test_a_resident_sees_no_queues(client, applicant_user, submitted, village_letter):
    application = submitted(village_letter)
    client.force_login(applicant_user)

    response = client.get(LIST_URL, {"antrian": "verify"})

    assert listed_codes(response) == [application.tracking_code]
    assert "Untuk diverifikasi" not in response.content.decode()


def _queries(client, url, params) -> int:
    """Queries of one page view, once the session's first-request writes are done."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "queue", "state", "fixture", "service"),
    [
        ("village_officer", "", State.SUBMITTED, "submitted", "village_letter"),
        ("village_officer", "verify", State.SUBMITTED, "submitted", "village_letter"),
        ("village_officer", "approve", State.VERIFIED, "verified", "village_letter"),
        ("village_officer", "returned", State.RETURNED, "submitted", "village_letter"),
        ("village_officer", "overdue", State.SUBMITTED, "submitted", "village_letter"),
        ("district_officer", "approve", State.FORWARDED, "forwarded", "district_letter"),
        ("dukcapil_officer", "approve", State.FORWARDED, "forwarded", "agency_service"),
        ("regent", "verify", State.SUBMITTED, "submitted", "village_letter"),
    ],
)
def test_each_queue_page_costs_the_same_queries_for_5_and_50_rows(
    db, client, request, persona, queue, state, fixture, service, django_assert_num_queries
):
    template = request.getfixturevalue(fixture)(request.getfixturevalue(service))
    Application.objects.filter(pk=template.pk).update(state=state)
    if queue == "overdue":
        Application.objects.filter(pk=template.pk).update(due_date="2020-01-02")
    template.refresh_from_db()
    client.force_login(request.getfixturevalue(persona))
    params = {"antrian": queue} if queue else {}

    make_many(template, 4, state)
    five = _queries(client, LIST_URL, params)
    make_many(template, 45, state)
    with django_assert_num_queries(five):
        response = client.get(LIST_URL, params)

    assert len(listed_codes(response)) == 50


def test_queue_pages_follow_each_other_oldest_first_without_repeats(
    client, village_officer, submitted, village_letter
):
    make_many(submitted(village_letter), 59)
    client.force_login(village_officer)

    first = client.get(LIST_URL, {"antrian": "verify"})
    next_link = re.search(r'href="(\?[^"]*after=\d+[^"]*)" rel="next"', first.content.decode())
    second = client.get(LIST_URL + next_link.group(1).replace("&amp;", "&"))

    codes = listed_codes(first) + listed_codes(second)
    assert len(codes) == len(set(codes)) == 60


# --------------------------------------------------------------------------- application page


def test_the_officer_page_shows_missing_attachments_notes_and_only_allowed_actions(
    client, village_officer, submitted, village_letter
):
    application = submitted(village_letter)
    services.add_note(application, village_officer, "Sudah telepon pemohon.")
    client.force_login(village_officer)

    page = client.get(
        reverse("services:application_detail", args=[application.tracking_code])
    ).content.decode()

    assert "Persyaratan tanpa lampiran:" in page
    assert "Surat pengantar RT/RW" in page
    assert "Sudah telepon pemohon." in page
    assert 'value="verify"' in page
    assert 'value="return"' in page
    assert 'value="approve"' not in page  # the head approves, after verification
    assert 'value="cancel"' not in page  # the applicant's


def test_notes_are_written_by_officers_audited_and_hidden_from_the_applicant(
    client, village_officer, applicant_user, submitted, village_letter
):
    application = submitted(village_letter)
    url = reverse("services:note_add", args=[application.tracking_code])
    detail = reverse("services:application_detail", args=[application.tracking_code])

    client.force_login(village_officer)
    client.post(url, {"text": "Cek ulang alamat RT 002."})
    client.force_login(applicant_user)
    refused = client.post(url, {"text": "Saya juga mau mencatat"}, follow=True)
    resident_page = client.get(detail).content.decode()

    note = ApplicationNote.objects.get()
    assert note.text == "Cek ulang alamat RT 002." and note.author == village_officer
    assert AuditEntry.objects.filter(action="services.note.added").count() == 1
    assert "Hanya petugas" in refused.content.decode()
    assert "Cek ulang alamat" not in resident_page
    assert "Catatan petugas" not in resident_page


def test_a_note_outside_the_scope_is_404_and_a_long_note_is_refused_by_name(
    client, other_village_officer, village_officer, submitted, village_letter
):
    application = submitted(village_letter)
    url = reverse("services:note_add", args=[application.tracking_code])

    client.force_login(other_village_officer)
    outside = client.post(url, {"text": "x"})
    client.force_login(village_officer)
    too_long = client.post(url, {"text": "x" * 5000}, follow=True)

    assert outside.status_code == 404
    assert "Catatan internal paling banyak 2000 karakter" in too_long.content.decode()
    assert not ApplicationNote.objects.exists()


# --------------------------------------------------------------------------- bulk verify


def test_bulk_verify_moves_the_safe_ones_and_says_why_the_rest_were_skipped(
    village_officer, submitted, verified, village_letter, resident_elsewhere, make_user
):
    complete = attach_all(submitted(village_letter))
    incomplete = submitted(village_letter)
    already = attach_all(verified(village_letter))
    elsewhere = Application.objects.create(
        service=village_letter,
        applicant=resident_elsewhere,
        subject=resident_elsewhere,
        village=resident_elsewhere.village,
        state=State.SUBMITTED,
    )

    result = services.bulk_verify(
        village_officer,
        [
            complete.tracking_code,
            incomplete.tracking_code,
            already.tracking_code,
            elsewhere.tracking_code,
            "SK-TIDAK-ADA",
        ],
    )

    assert result.done == [complete.tracking_code]
    skipped = dict(result.skipped)
    assert "Lampiran belum lengkap" in skipped[incomplete.tracking_code]
    assert "Surat pengantar RT/RW" in skipped[incomplete.tracking_code]
    assert "Diverifikasi desa" in skipped[already.tracking_code]
    assert "wilayah tugas" in skipped[elsewhere.tracking_code]
    assert "wilayah tugas" in skipped["SK-TIDAK-ADA"]
    complete.refresh_from_db(), incomplete.refresh_from_db(), elsewhere.refresh_from_db()
    assert complete.state == State.VERIFIED
    assert incomplete.state == State.SUBMITTED and elsewhere.state == State.SUBMITTED
    assert complete.events.filter(action="verify", actor=village_officer).exists()
    assert AuditEntry.objects.filter(
        action="services.application.verified", target_id=str(complete.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="services.application.bulk_verify").count() == 1


def test_the_bulk_verify_page_reports_each_result(
    client, village_officer, submitted, village_letter
):
    complete = attach_all(submitted(village_letter))
    incomplete = submitted(village_letter)
    client.force_login(village_officer)

    queue = client.get(LIST_URL, {"antrian": "verify"}).content.decode()
    response = client.post(
        reverse("services:bulk_verify"),
        {"kode": [complete.tracking_code, incomplete.tracking_code]},
        follow=True,
    )

    page = response.content.decode()
    assert 'name="kode"' in queue
    assert f"1 permohonan diverifikasi: {complete.tracking_code}" in page
    assert f"{incomplete.tracking_code} dilewati: Lampiran belum lengkap" in page


@pytest.mark.parametrize("persona", ["district_officer", "regent", "applicant_user", "kiosk"])
def test_only_village_staff_may_bulk_verify(
    db, client, request, persona, submitted, village_letter
):
    application = attach_all(submitted(village_letter))
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("services:bulk_verify"), {"kode": [application.tracking_code]})

    application.refresh_from_db()
    assert response.status_code == 403
    assert application.state == State.SUBMITTED


# --------------------------------------------------------------------------- export


def test_the_export_streams_the_filtered_queue_as_safe_csv(
    client, village_officer, submitted, village_letter, applicant
):
    applicant.full_name = '=HYPERLINK("http://contoh.invalid")'
    applicant.save(update_fields=["full_name"])
    make_many(submitted(village_letter), 29)
    client.force_login(village_officer)

    response = client.get(reverse("services:application_export"), {"antrian": "verify", **PURPOSE})

    assert response.status_code == 200
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "KODE"
    assert len(rows) == 31
    assert {row[2] for row in rows[1:]} == {'\'=HYPERLINK("http://contoh.invalid")'}
    assert {row[4] for row in rows[1:]} == {"Diajukan"}
    assert AuditEntry.objects.filter(action="services.application.exported").count() == 1


def test_the_export_holds_only_the_scope(
    client, other_village_officer, applicant_user, submitted, village_letter
):
    submitted(village_letter)

    client.force_login(other_village_officer)
    other = client.get(reverse("services:application_export"), PURPOSE)
    client.force_login(applicant_user)
    resident = client.get(reverse("services:application_export"), PURPOSE)

    assert len(b"".join(other.streaming_content).decode("utf-8-sig").splitlines()) == 1
    assert resident.status_code == 403


# --------------------------------------------------------------------------- double tap


def test_the_apply_form_sent_twice_makes_one_application(
    client, applicant_user, applicant, village_letter
):
    client.force_login(applicant_user)
    url = reverse("services:apply", args=[village_letter.code])
    form = client.get(url).content.decode()
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', form).group(1)
    data = {"subject": applicant.pk, "token": token, **ANSWERS[village_letter.code]}

    first = client.post(url, data)
    second = client.post(url, data)

    application = Application.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("services:application_detail", args=[application.tracking_code])
    )
    assert application.idempotency_key == uuid.UUID(token)


def test_two_forms_shown_separately_make_two_applications(
    client, applicant_user, applicant, village_letter
):
    client.force_login(applicant_user)
    url = reverse("services:apply", args=[village_letter.code])
    for _ in range(2):
        token = re.search(r'name="token" value="([^"]+)"', client.get(url).content.decode())
        client.post(
            url, {"subject": applicant.pk, "token": token.group(1), **ANSWERS[village_letter.code]}
        )

    assert Application.objects.count() == 2


def test_a_request_that_loses_the_race_gets_the_winners_application(
    monkeypatch, applicant_user, applicant, village_letter
):
    key = uuid.uuid4()
    winner = services.start_application(
        service=village_letter,
        user=applicant_user,
        subject=applicant,
        form_data=ANSWERS[village_letter.code],
        idempotency_key=key,
    )
    # The second request looked before the first one committed: it saw nothing and inserts.
    real_lookup = services._made_with
    looks = []

    def late_lookup(idempotency_key, user):
        looks.append(idempotency_key)
        return None if len(looks) == 1 else real_lookup(idempotency_key, user)

    monkeypatch.setattr(services, "_made_with", late_lookup)

    loser = services.start_application(
        service=village_letter,
        user=applicant_user,
        subject=applicant,
        form_data=ANSWERS[village_letter.code],
        idempotency_key=key,
    )

    assert loser == winner
    assert Application.objects.count() == 1
    assert len(looks) == 2  # the unique key refused the insert; the winner was looked up


def test_the_xlsx_export_runs_as_a_job_for_its_creator_only(
    client, settings, tmp_path, village_officer, make_user, village, submitted, village_letter
):
    from openpyxl import load_workbook

    from accounts.roles import Role
    from core.models import Job, JobStatus

    settings.JOBS_MODE = "inline"
    settings.VAR_DIR = tmp_path
    make_many(submitted(village_letter), 11)
    client.force_login(village_officer)

    response = client.post(
        reverse("services:application_export_xlsx"), {"query": "antrian=verify", **PURPOSE}
    )

    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.progress_done == 12
    workbook = load_workbook(io.BytesIO(b"".join(client.get(job.result["url"]).streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "KODE" and len(rows) == 13
    client.force_login(make_user(Role.VILLAGE_OFFICER, region=village))
    assert client.get(job.result["url"]).status_code == 404


def test_a_resident_cannot_queue_an_export(client, applicant_user):
    client.force_login(applicant_user)

    response = client.post(reverse("services:application_export_xlsx"), {"query": "", **PURPOSE})

    assert response.status_code == 403
