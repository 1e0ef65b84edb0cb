import pyotp
import pytest
from django.utils import timezone

from core.audit import record
from core.models import AuditEntry
from security import twofactor
from security.crypto import unseal
from security.models import StaffTOTP

pytestmark = pytest.mark.django_db


def _code(user, offset_steps=0):
    device = StaffTOTP.objects.get(user=user)
    secret = unseal(device.secret_encrypted or device.pending_secret_encrypted)
    totp = pyotp.TOTP(secret)
    return totp.at(timezone.now().timestamp() + offset_steps * totp.interval)


def _enrol(user):
    twofactor.start_enrolment(user)
    assert twofactor.check_code(user, _code(user), confirming=True).ok


class TestService:
    def test_the_secret_is_stored_encrypted(self, village_officer):
        secret, uri = twofactor.start_enrolment(village_officer)
        device = StaffTOTP.objects.get(user=village_officer)
        assert secret not in device.pending_secret_encrypted
        assert unseal(device.pending_secret_encrypted) == secret
        assert uri.startswith("otpauth://totp/") and "issuer=Smart" in uri

    def test_a_code_is_accepted_once_only(self, village_officer):
        twofactor.start_enrolment(village_officer)
        code = _code(village_officer)
        assert twofactor.check_code(village_officer, code, confirming=True).ok
        assert not twofactor.check_code(village_officer, code).ok  # replay
        assert twofactor.check_code(village_officer, _code(village_officer, 1)).ok

    def test_five_wrong_codes_lock_even_the_right_one_out(self, village_officer):
        _enrol(village_officer)
        for _ in range(twofactor.MAX_FAILURES):
            outcome = twofactor.check_code(village_officer, "000000")
        assert outcome.locked_until is not None
        assert not twofactor.check_code(village_officer, _code(village_officer, 1)).ok
        assert AuditEntry.objects.filter(action="security.totp.locked").exists()

    def test_a_new_phone_does_not_disable_the_old_one_until_confirmed(self, village_officer):
        _enrol(village_officer)
        twofactor.start_enrolment(village_officer)
        assert twofactor.confirmed_device(village_officer) is not None
        device = StaffTOTP.objects.get(user=village_officer)
        old = pyotp.TOTP(unseal(device.secret_encrypted))
        step_code = old.at(timezone.now().timestamp() + old.interval)
        assert twofactor.check_code(village_officer, step_code).ok

    def test_residents_and_kiosks_have_no_authenticator(self, resident_user, kiosk):
        for user in (resident_user, kiosk):
            with pytest.raises(PermissionError):
                twofactor.start_enrolment(user)


class TestSignInStep:
    def test_staff_with_an_authenticator_are_held_until_the_code(self, client, village_officer):
        _enrol(village_officer)
        client.force_login(village_officer)
        held = client.get("/penduduk/")
        assert held.status_code == 302 and held["Location"].startswith("/masuk/kode/")
        api = client.get("/api/v1/openapi.json")
        assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
        passed = client.post(
            "/masuk/kode/", {"code": _code(village_officer, 1), "next": "/penduduk/"}
        )
        assert passed.status_code == 302 and passed["Location"] == "/penduduk/"
        assert client.get("/penduduk/").status_code == 200

    def test_a_wrong_code_says_what_to_do(self, client, village_officer):
        _enrol(village_officer)
        client.force_login(village_officer)
        page = client.post("/masuk/kode/", {"code": "12345"})
        assert "6 angka" in page.content.decode()

    def test_next_never_leaves_the_site(self, client, village_officer):
        _enrol(village_officer)
        client.force_login(village_officer)
        passed = client.post(
            "/masuk/kode/", {"code": _code(village_officer, 1), "next": "https://evil.example/"}
        )
        assert passed["Location"] == "/"

    def test_required_setting_sends_staff_to_enrol_first(self, client, settings, regent):
        settings.STAFF_TOTP_REQUIRED = True
        client.force_login(regent)
        held = client.get("/audit/")
        assert held.status_code == 302 and held["Location"].startswith("/akun/dua-langkah/")
        page = client.get("/akun/dua-langkah/")
        assert b"<svg" in page.content
        confirmed = client.post("/akun/dua-langkah/", {"code": _code(regent), "next": "/audit/"})
        assert confirmed["Location"] == "/audit/"
        assert client.get("/audit/").status_code == 200

    def test_residents_are_never_asked(self, client, settings, resident_user):
        settings.STAFF_TOTP_REQUIRED = True
        client.force_login(resident_user)
        assert client.get("/data-saya/").status_code == 200
        assert client.get("/masuk/kode/").status_code == 404


class TestAccessHistory:
    def test_a_resident_sees_who_opened_their_record(
        self, client, resident_user, village_officer, resident_elsewhere
    ):
        resident = resident_user.resident
        record("people.resident.viewed", actor=village_officer, target=resident)
        record("people.resident.viewed", actor=village_officer, target=resident_elsewhere)
        client.force_login(resident_user)
        page = client.get("/data-saya/riwayat-akses/").content.decode()
        assert village_officer.get_role_display() in page
        assert page.count("<tr>") == 2  # header + one entry, not the other resident's

    def test_staff_have_no_such_page(self, client, village_officer):
        client.force_login(village_officer)
        assert client.get("/data-saya/riwayat-akses/").status_code == 404


class TestIdleSessions:
    def test_an_idle_session_is_signed_out(self, client, village_officer, settings):
        settings.SESSION_IDLE_MINUTES = 30
        client.force_login(village_officer)
        assert client.get("/penduduk/").status_code == 200
        session = client.session
        session["security.last_seen"] -= 31 * 60
        session.save()
        response = client.get("/penduduk/")
        assert response.status_code == 302 and response["Location"].startswith("/masuk/")
        assert client.get("/penduduk/").status_code == 302  # really signed out

    def test_an_active_session_stays(self, client, village_officer):
        client.force_login(village_officer)
        client.get("/penduduk/")
        session = client.session
        session["security.last_seen"] -= 29 * 60
        session.save()
        assert client.get("/penduduk/").status_code == 200
