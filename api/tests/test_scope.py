"""Role scope through the API: someone else's data answers 404, never the data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from api.models import TokenKind
from api.tests.conftest import ApiClient
from services import services
from services.models import Application, Service, State

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def other_application(make_user, resident_elsewhere):
    """A draft with an attachment, made by a resident of another village and family."""
    user = make_user(Role.RESIDENT, resident=resident_elsewhere)
    application = services.start_application(
        service=Service.objects.get(code="keterangan-domisili"),
        user=user,
        subject=resident_elsewhere,
        form_data={"keperluan": "Melamar pekerjaan"},
    )
    services.add_attachment(application, user, SimpleUploadedFile("kk.pdf", PDF))
    return application


def test_another_residents_application_is_404_at_every_endpoint(resident_api, other_application):
    pk = other_application.pk
    attachment = other_application.attachments.get()
    calls = [
        resident_api.get(f"/applications/{pk}"),
        resident_api.put(f"/applications/{pk}/form", {"form_data": {"keperluan": "Diubah"}}),
        resident_api.upload(
            f"/applications/{pk}/attachments", {"file": SimpleUploadedFile("a.pdf", PDF)}
        ),
        resident_api.delete(f"/applications/{pk}/attachments/{attachment.pk}"),
        resident_api.post(f"/applications/{pk}/submit", {}),
        resident_api.post(f"/applications/{pk}/revision", {}),
        resident_api.post(f"/applications/{pk}/cancel", {}),
        resident_api.get(f"/applications/{pk}/document"),
    ]

    for response in calls:
        assert response.status_code == 404, response.request
        assert response.json()["code"] == "not_found"
    other_application.refresh_from_db()
    assert other_application.state == State.DRAFT
    assert other_application.form_data == {"keperluan": "Melamar pekerjaan"}
    assert other_application.attachments.count() == 1
    assert resident_api.get("/applications").json()["count"] == 0


def test_an_id_that_does_not_exist_answers_the_same_404(resident_api, other_application):
    missing = resident_api.get(f"/applications/{other_application.pk + 1000}")
    hidden = resident_api.get(f"/applications/{other_application.pk}")

    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


@pytest.mark.parametrize(
    "persona", ["village_officer", "other_village_officer", "regent", "call_centre_operator"]
)
def test_staff_tokens_are_not_resident_tokens(request, client, issue, persona):
    user = request.getfixturevalue(persona)
    secret = issue(user, kind=TokenKind.RESIDENT).secret

    response = ApiClient(client, secret).get("/applications")

    assert response.status_code == 401


def test_the_profile_shows_only_the_callers_own_family(
    resident_api, resident_in_village, resident_elsewhere
):
    me = resident_api.get("/me").json()
    family = resident_api.get("/me/family").json()

    assert me["id"] == resident_in_village.pk
    assert me["nik"] == resident_in_village.nik
    assert [member["id"] for member in family["members"]] == [resident_in_village.pk]
    assert "*" in family["members"][0]["nik_masked"]
    assert resident_elsewhere.full_name not in str(family)


def test_a_resident_without_a_family_card_gets_404_for_the_family(
    client, make_resident, make_user, issue, village
):
    loner = make_resident(village)
    api = ApiClient(client, issue(make_user(Role.RESIDENT, resident=loner)).secret)

    response = api.get("/me/family")

    assert response.status_code == 404
    assert Application.objects.count() == 0
