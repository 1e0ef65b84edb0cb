"""Signing in on the app and on a kiosk, token checks, listing and revoking tokens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken, TokenKind
from api.services import hash_token
from api.tests.conftest import KIOSK_PASSWORD, PIN
from core.models import AuditEntry


def test_a_resident_signs_in_with_nik_and_pin_and_gets_a_hashed_token(
    api, resident_account, resident_in_village
):
    nik = resident_in_village.nik
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"

    response = api.post("/auth/token", {"nik": spaced, "pin": PIN, "device_name": "HP Siti"})

    assert response.status_code == 201
    secret = response.json()["token"]
    token = ApiToken.objects.get()
    assert token.user == resident_account
    assert token.kind == TokenKind.RESIDENT
    assert token.name == "HP Siti"
    assert token.key_hash == hash_token(secret)
    assert secret not in token.key_hash and token.prefix == secret[: len(token.prefix)]
    assert api.get("/me", token=secret).json()["full_name"] == "SUPARMAN"
    entry = AuditEntry.objects.get(action="api.token.issued")
    assert secret not in str(entry.detail) + entry.summary


@pytest.mark.parametrize(
    "payload",
    [
        {"nik": "3510010000000000", "pin": PIN},
        {"nik": "WRONG-NIK-1234567", "pin": PIN},
    ],
)
def test_a_wrong_nik_is_refused_with_the_same_answer(api, resident_account, payload):
    response = api.post("/auth/token", payload)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_a_wrong_pin_is_refused(api, resident_account, resident_in_village):
    response = api.post("/auth/token", {"nik": resident_in_village.nik, "pin": "999111"})

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_repeated_wrong_pins_lock_the_nik_out_with_a_json_429(
    api, resident_account, resident_in_village, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    payload = {"nik": resident_in_village.nik, "pin": "999111"}
    answers = [api.post("/auth/token", payload).status_code for _ in range(3)]

    locked = api.post("/auth/token", {"nik": resident_in_village.nik, "pin": PIN})

    assert answers[:2] == [401, 401]
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert locked.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


def test_a_staff_account_cannot_get_a_resident_token(api, village_officer):
    response = api.post(
        "/auth/token", {"nik": village_officer.username.ljust(16, "0"), "pin": "uji-Sandi-2026!"}
    )

    assert response.status_code == 401


def test_a_request_without_a_token_or_with_a_bad_one_is_401_json(api, resident_api):
    for token in (None, "skt_not-a-token", "Basic abc"):
        response = api.get("/applications", token=token)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_an_expired_token_no_longer_works(resident_api):
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert resident_api.get("/me").status_code == 401


def test_a_deactivated_account_loses_its_tokens(resident_api, resident_account):
    resident_account.is_active = False
    resident_account.save(update_fields=["is_active"])

    assert resident_api.get("/me").status_code == 401


def test_a_token_records_when_it_was_last_used(resident_api):
    assert ApiToken.objects.get().last_used_at is None

    resident_api.get("/me")

    assert ApiToken.objects.get().last_used_at is not None


def test_a_resident_lists_and_revokes_their_own_tokens(api, resident_api, resident_account, issue):
    phone = issue(resident_account, name="HP lama")

    listed = resident_api.get("/tokens").json()
    revoked = resident_api.delete(f"/tokens/{phone.token.pk}")

    assert listed["count"] == 2
    assert [item["is_current"] for item in listed["items"]] == [False, True]
    assert revoked.status_code == 204
    assert api.get("/me", token=phone.secret).status_code == 401
    assert resident_api.get("/me").status_code == 200
    assert AuditEntry.objects.filter(action="api.token.revoked").count() == 1


def test_someone_elses_token_cannot_be_revoked(resident_api, make_user, resident_elsewhere, issue):
    from accounts.roles import Role

    other = issue(make_user(Role.RESIDENT, resident=resident_elsewhere))

    response = resident_api.delete(f"/tokens/{other.token.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ApiToken.objects.get(pk=other.token.pk).revoked_at is None


def test_signing_out_revokes_the_token_used(resident_api):
    assert resident_api.post("/auth/sign-out").status_code == 204
    assert resident_api.get("/me").status_code == 401


# --------------------------------------------------------------------------- kiosk


def kiosk_sign_in(api, kiosk_account):
    response = api.post(
        "/auth/kiosk/token",
        {"username": kiosk_account.username, "password": KIOSK_PASSWORD, "device_name": "Kios 1"},
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def test_a_kiosk_signs_in_and_a_resident_signs_in_on_it(
    api, kiosk_account, resident_account, resident_in_village, village
):
    kiosk_secret = kiosk_sign_in(api, kiosk_account)

    response = api.post(
        "/auth/kiosk/resident-token",
        {"nik": resident_in_village.nik, "pin": PIN},
        token=kiosk_secret,
    )

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == TokenKind.KIOSK_RESIDENT
    session = ApiToken.objects.get(kind=TokenKind.KIOSK_RESIDENT)
    assert session.user == resident_account
    assert session.village == village
    assert session.parent.kind == TokenKind.KIOSK
    assert session.expires_at <= timezone.now() + timedelta(minutes=15)
    assert api.get("/me", token=body["token"]).status_code == 200


def test_a_kiosk_token_is_not_a_resident_token(api, kiosk_account):
    kiosk_secret = kiosk_sign_in(api, kiosk_account)

    assert api.get("/me", token=kiosk_secret).status_code == 401
    assert api.get("/applications", token=kiosk_secret).status_code == 401


def test_a_resident_token_cannot_open_a_kiosk_session(resident_api, resident_in_village):
    response = resident_api.post(
        "/auth/kiosk/resident-token", {"nik": resident_in_village.nik, "pin": PIN}
    )

    assert response.status_code == 401


def test_staff_credentials_do_not_sign_a_kiosk_in(api, village_officer):
    response = api.post(
        "/auth/kiosk/token", {"username": village_officer.username, "password": "uji-Sandi-2026!"}
    )

    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_ending_the_kiosk_session_ends_the_residents_session_on_it(
    api, kiosk_account, resident_account, resident_in_village
):
    kiosk_secret = kiosk_sign_in(api, kiosk_account)
    resident_secret = api.post(
        "/auth/kiosk/resident-token",
        {"nik": resident_in_village.nik, "pin": PIN},
        token=kiosk_secret,
    ).json()["token"]

    assert api.post("/auth/sign-out", token=kiosk_secret).status_code == 204

    assert api.get("/me", token=resident_secret).status_code == 401


def test_a_kiosk_moved_to_another_village_loses_its_session(api, kiosk_account, other_village):
    kiosk_secret = kiosk_sign_in(api, kiosk_account)
    kiosk_account.region = other_village
    kiosk_account.save(update_fields=["region"])

    response = api.post(
        "/auth/kiosk/resident-token", {"nik": "3510010101010001", "pin": PIN}, token=kiosk_secret
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_regent_revokes_a_token_in_the_admin(client, regent, resident_api):
    token = ApiToken.objects.get()
    client.force_login(regent)

    response = client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == regent
    assert resident_api.get("/me").status_code == 401


def test_a_village_officer_cannot_open_the_token_admin(client, village_officer, resident_api):
    village_officer.is_staff = True
    village_officer.save(update_fields=["is_staff"])
    client.force_login(village_officer)

    response = client.get("/admin/api/apitoken/")

    assert response.status_code in (302, 403)
    assert ApiToken.objects.get().revoked_at is None
