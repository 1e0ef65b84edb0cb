"""Complaint endpoints of the REST API (/api/v1/complaints/)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from api import services as api_services
from api.models import TokenKind
from complaints import services
from complaints.models import Category, Channel, Complaint, State

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints"


def _token(user, kind=TokenKind.RESIDENT, **extra):
    lifetime = api_services.resident_token_lifetime()
    return api_services.issue_token(user, kind=kind, lifetime=lifetime, **extra).secret


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, path, payload, token):
    return client.post(path, json.dumps(payload), content_type="application/json", **_auth(token))


@pytest.fixture
def resident_token(resident_user):
    return _token(resident_user)


def test_resident_reports_from_the_app_without_location(client, resident_token, village):
    response = _post(
        client,
        URL,
        {"category": "infrastructure", "description": "Gorong-gorong tersumbat sampah."},
        resident_token,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get(tracking_code=body["tracking_code"])
    assert complaint.channel == Channel.APP
    assert complaint.village == village
    assert body["village_code"] == village.code
    assert body["events"][0]["actor"] == "Pelapor"


def test_invalid_input_is_422_with_fields(client, resident_token):
    response = _post(
        client,
        URL,
        {"category": "infrastructure", "description": "x" * 10_000, "latitude": 200},
        resident_token,
    )
    assert response.status_code == 422
    assert response.json()["code"] in ("invalid", "invalid_request")
    response = _post(
        client,
        URL,
        {"category": "health", "description": "Puskesmas tutup.", "anonymous": True},
        resident_token,
    )
    assert response.status_code == 422
    assert "anonymous" in response.json()["fields"]
    assert Complaint.objects.count() == 0


def test_another_residents_complaint_is_404(
    client, make_user, resident_elsewhere, resident_user, resident_token
):
    stranger = make_user(Role.RESIDENT, resident=resident_elsewhere)
    theirs = services.submit_complaint(
        services.Intake(category=Category.HEALTH, description="Posyandu tidak buka."),
        channel=Channel.APP,
        user=stranger,
    )
    response = client.get(f"{URL}/{theirs.tracking_code}", **_auth(resident_token))
    assert response.status_code == 404
    assert "Posyandu" not in response.text
    listing = client.get(URL, **_auth(resident_token)).json()
    assert listing["count"] == 0
    reopen = _post(client, f"{URL}/{theirs.tracking_code}/reopen", {"reason": "x"}, resident_token)
    assert reopen.status_code == 404


def test_without_a_token_nothing_is_read_or_changed(client, make_complaint):
    complaint = make_complaint()
    assert client.get(URL).status_code == 401
    response = client.post(
        f"{URL}/{complaint.tracking_code}/confirm", "{}", content_type="application/json"
    )
    assert response.status_code == 401
    complaint.refresh_from_db()
    assert complaint.state == State.ASSIGNED


def test_reporter_follows_reopens_and_confirms(
    client, resident_user, resident_token, village_officer
):
    complaint = services.submit_complaint(
        services.Intake(category=Category.HEALTH, description="Posyandu tidak buka."),
        channel=Channel.APP,
        user=resident_user,
    )
    path = f"{URL}/{complaint.tracking_code}"
    confirm = _post(client, f"{path}/confirm", {}, resident_token)
    assert confirm.status_code == 409
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Buka.")
    detail = client.get(path, **_auth(resident_token)).json()
    assert detail["may_reopen"] is True
    reopened = _post(client, f"{path}/reopen", {"reason": "Masih tutup."}, resident_token)
    assert reopened.status_code == 200 and reopened.json()["state"] == State.REOPENED
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Buka.")
    closed = _post(client, f"{path}/confirm", {}, resident_token)
    assert closed.json()["state"] == State.CLOSED


def test_photo_must_be_an_image(client, resident_user, resident_token, png_upload):
    complaint = services.submit_complaint(
        services.Intake(category=Category.INFRASTRUCTURE, description="Jalan amblas di RT 02."),
        channel=Channel.APP,
        user=resident_user,
    )
    path = f"{URL}/{complaint.tracking_code}/photos"
    fake = SimpleUploadedFile("a.jpg", b"GIF89a not allowed", content_type="image/jpeg")
    refused = client.post(path, {"photo": fake}, **_auth(resident_token))
    assert refused.status_code == 422
    assert "photo" in refused.json()["fields"]
    accepted = client.post(path, {"photo": png_upload()}, **_auth(resident_token))
    assert accepted.status_code == 201
    assert complaint.photos.count() == 1


def test_kiosk_device_reports_for_a_walk_in_visitor(client, kiosk, village):
    token = _token(kiosk, kind=TokenKind.KIOSK, village=village)
    payload = {"category": "service_delay", "description": "KTP belum jadi sebulan."}
    refused = _post(client, f"{URL}/kiosk", payload, token)
    assert refused.status_code == 422
    accepted = _post(client, f"{URL}/kiosk", {**payload, "reporter_name": "Pak Darto"}, token)
    assert accepted.status_code == 201
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.village) == (Channel.KIOSK, village)


def test_list_query_count_does_not_grow(
    client, resident_user, resident_token, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def report():
        services.submit_complaint(
            services.Intake(category=Category.HEALTH, description="Posyandu tidak buka."),
            channel=Channel.APP,
            user=resident_user,
        )

    report()
    client.get(URL, **_auth(resident_token))
    with CaptureQueriesContext(connection) as first:
        client.get(URL, **_auth(resident_token))
    for _ in range(4):
        report()
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(URL, **_auth(resident_token)).json()["count"] == 5


def test_nul_bytes_are_refused_not_crashed(client, resident_token, make_complaint):
    response = _post(
        client,
        URL,
        {"category": "health", "description": "Posyandu\x00 tutup.", "village_code": "35\x00"},
        resident_token,
    )
    assert response.status_code == 422
    response = _post(
        client,
        URL,
        {"category": "health", "description": "Posyandu\x00 tutup lagi."},
        resident_token,
    )
    assert response.status_code == 422
    assert "description" in response.json()["fields"]
    assert client.get(f"{URL}/AD-%00", **_auth(resident_token)).status_code == 404
