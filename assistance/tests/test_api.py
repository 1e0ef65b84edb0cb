"""The API: adding the same NIK again is a conflict with a clear message; scope holds."""

import json

import pytest

from accounts.roles import Role
from assistance.models import Membership

pytestmark = pytest.mark.django_db
API = "/api/v1/assistance"


def _post(client, code, body):
    return client.post(
        f"{API}/programmes/{code}/members",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_adding_a_nik_twice_is_409(client, make_user, programmes, resident_in_village):
    client.force_login(make_user(Role.TASK_FORCE))
    body = {"nik": resident_in_village.nik, "period": "2026"}

    first = _post(client, "PIP", body)
    again = _post(client, "PIP", body)

    assert first.status_code == 201 and first.json()["resident_id"] == resident_in_village.pk
    assert again.status_code == 409
    assert again.json()["code"] == "already_member"
    assert "sudah terdaftar" in again.json()["message"]
    assert Membership.objects.count() == 1


def test_api_refuses_roles_and_residents_outside_scope(
    client, village_officer, programmes, resident_elsewhere, resident_in_village
):
    client.force_login(village_officer)
    assert _post(client, "PIP", {"nik": resident_in_village.nik, "period": "1"}).status_code == 403
    other = client.get(f"{API}/receipts/{resident_elsewhere.nik}")
    own = client.get(f"{API}/receipts/{resident_in_village.nik}")
    assert other.status_code == 404 and own.status_code == 200 and own.json() == []
    client.logout()
    assert client.get(f"{API}/receipts/{resident_in_village.nik}").status_code == 401
