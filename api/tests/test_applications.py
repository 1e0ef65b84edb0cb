"""Applications through the API: start, attach, submit, follow, revise, cancel, download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from api import services as api_services
from api.models import TokenKind
from api.tests.conftest import ApiClient
from people.choices import Relationship
from services import services
from services.models import Application, Channel, State

VILLAGE_LETTER = "keterangan-domisili"
ANSWERS = {"keperluan": "Melamar pekerjaan"}
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def child(make_resident, resident_in_village):
    return make_resident(
        resident_in_village.village,
        family=resident_in_village.family,
        full_name="AHMAD FAUZI",
        relationship=Relationship.CHILD,
    )


def create(api, **payload):
    payload.setdefault("service_code", VILLAGE_LETTER)
    payload.setdefault("form_data", ANSWERS)
    return api.post("/applications", payload)


def test_a_resident_starts_attaches_and_submits_an_application(resident_api, resident_in_village):
    created = create(resident_api)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == State.DRAFT
    assert body["channel"] == Channel.APP
    assert body["subject"]["id"] == resident_in_village.pk
    assert body["allowed_actions"] == ["submit", "cancel"]
    application_id = body["id"]

    attached = resident_api.upload(
        f"/applications/{application_id}/attachments",
        {"file": SimpleUploadedFile("ktp.pdf", PDF)},
        {"requirement": "Fotokopi KTP-el"},
    )
    assert attached.status_code == 201, attached.content
    assert attached.json()["content_type"] == "application/pdf"

    submitted = resident_api.post(f"/applications/{application_id}/submit", {"note": ""})
    assert submitted.status_code == 200, submitted.content
    detail = resident_api.get(f"/applications/{application_id}").json()
    assert detail["state"] == State.SUBMITTED
    assert detail["due_date"] is not None
    assert [event["to_state"] for event in detail["events"]] == [State.DRAFT, State.SUBMITTED]
    assert [item["name"] for item in detail["attachments"]] == ["ktp.pdf"]


def test_a_resident_applies_for_a_family_member(resident_api, child):
    created = create(resident_api, subject_id=child.pk)

    assert created.status_code == 201
    assert created.json()["subject"]["full_name"] == "AHMAD FAUZI"


def test_applying_for_someone_outside_the_family_is_refused(resident_api, resident_elsewhere):
    response = create(resident_api, subject_id=resident_elsewhere.pk)

    assert response.status_code == 422
    assert response.json()["fields"]["subject_id"]
    assert not Application.objects.exists()


def test_a_missing_answer_names_the_field(resident_api):
    response = create(resident_api, form_data={})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert "keperluan" in body["fields"]


def test_an_unknown_service_is_404(resident_api):
    response = create(resident_api, service_code="tidak-ada")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_body_of_the_wrong_shape_names_the_field(resident_api):
    response = resident_api.post("/applications", {"service_code": 7, "form_data": "x"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert set(body["fields"]) == {"service_code", "form_data"}


def test_an_attachment_that_is_not_a_pdf_or_image_is_refused(resident_api):
    application_id = create(resident_api).json()["id"]

    response = resident_api.upload(
        f"/applications/{application_id}/attachments",
        {"file": SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00 a program")},
    )

    assert response.status_code == 422
    assert response.json()["code"] == "wrong_type"


def test_submitting_twice_is_a_409_conflict(resident_api):
    application_id = create(resident_api).json()["id"]
    resident_api.post(f"/applications/{application_id}/submit", {})

    response = resident_api.post(f"/applications/{application_id}/submit", {})

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"


def test_a_resident_answers_a_request_for_revision(resident_api, resident_account, village_officer):
    application_id = create(resident_api).json()["id"]
    resident_api.post(f"/applications/{application_id}/submit", {})
    services.return_for_revision(
        Application.objects.get(pk=application_id), village_officer, reason="Keperluan kurang jelas"
    )
    returned = resident_api.get(f"/applications/{application_id}").json()
    assert returned["state"] == State.RETURNED
    assert returned["last_reason"] == "Keperluan kurang jelas"

    response = resident_api.post(
        f"/applications/{application_id}/revision",
        {"form_data": {"keperluan": "Melamar pekerjaan di PT Osing"}, "note": "Sudah diperbaiki"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == State.SUBMITTED
    assert body["form_data"] == {"keperluan": "Melamar pekerjaan di PT Osing"}
    assert body["events"][-1]["note"] == "Sudah diperbaiki"


def test_a_revision_of_an_application_not_returned_is_refused(resident_api):
    application_id = create(resident_api).json()["id"]

    response = resident_api.post(f"/applications/{application_id}/revision", {"note": "x"})

    assert response.status_code == 409
    assert Application.objects.get().state == State.DRAFT


def test_a_revision_with_a_bad_answer_changes_nothing(resident_api, village_officer):
    application_id = create(resident_api).json()["id"]
    resident_api.post(f"/applications/{application_id}/submit", {})
    services.return_for_revision(
        Application.objects.get(pk=application_id), village_officer, reason="Kurang jelas"
    )

    response = resident_api.post(
        f"/applications/{application_id}/revision", {"form_data": {"keperluan": ""}}
    )

    assert response.status_code == 422
    application = Application.objects.get()
    assert application.state == State.RETURNED
    assert application.form_data == ANSWERS


def test_the_issued_document_is_downloaded_as_pdf(
    resident_api, resident_account, village_officer, make_user, village
):
    head = make_user(Role.VILLAGE_HEAD, region=village)
    application_id = create(resident_api).json()["id"]
    assert resident_api.get(f"/applications/{application_id}/document").json()["code"] == (
        "no_document"
    )
    resident_api.post(f"/applications/{application_id}/submit", {})
    application = Application.objects.get(pk=application_id)
    services.verify(application, village_officer)
    services.approve(application, head)

    response = resident_api.get(f"/applications/{application_id}/document")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert resident_api.get(f"/applications/{application_id}").json()["has_document"] is True


def test_an_application_made_at_a_kiosk_is_flagged_kiosk(
    client, resident_account, kiosk_account, issue, village
):
    kiosk = issue(kiosk_account, kind=TokenKind.KIOSK, village=village)
    session = issue(
        resident_account,
        kind=TokenKind.KIOSK_RESIDENT,
        parent=kiosk.token,
        village=village,
        lifetime=api_services.kiosk_resident_token_lifetime(),
    )

    response = create(ApiClient(client, session.secret))

    assert response.status_code == 201
    assert response.json()["channel"] == Channel.KIOSK


def test_the_list_is_paginated_with_a_maximum_limit(resident_api):
    for _ in range(3):
        create(resident_api)

    page = resident_api.get("/applications", {"limit": 2, "offset": 1}).json()
    too_many = resident_api.get("/applications", {"limit": 1000})

    assert page["count"] == 3
    assert len(page["items"]) == 2
    assert (page["limit"], page["offset"]) == (2, 1)
    assert too_many.status_code == 422
    assert "limit" in too_many.json()["fields"]


def test_the_list_filters_by_state(resident_api):
    first = create(resident_api).json()["id"]
    create(resident_api)
    resident_api.post(f"/applications/{first}/submit", {})

    page = resident_api.get("/applications", {"state": "submitted"}).json()

    assert [item["id"] for item in page["items"]] == [first]


def test_the_list_takes_the_same_number_of_queries_for_more_applications(
    resident_api, django_assert_num_queries
):
    # The token, the count, the page (with service and subject joined).
    create(resident_api)
    with django_assert_num_queries(3):
        resident_api.get("/applications")
    for _ in range(4):
        create(resident_api)

    with django_assert_num_queries(3):
        page = resident_api.get("/applications").json()

    assert page["count"] == 5


def test_a_family_member_sees_the_application_but_cannot_submit_it(
    resident_api, child, make_user, issue, client
):
    application_id = create(resident_api).json()["id"]
    child_api = ApiClient(client, issue(make_user(Role.RESIDENT, resident=child)).secret)

    assert child_api.get(f"/applications/{application_id}").status_code == 200
    response = child_api.post(f"/applications/{application_id}/submit", {})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Application.objects.get().state == State.DRAFT


def test_an_application_is_cancelled(resident_api):
    application_id = create(resident_api).json()["id"]

    response = resident_api.post(f"/applications/{application_id}/cancel", {"note": "Batal"})

    assert response.status_code == 200
    assert response.json()["state"] == State.CANCELLED
