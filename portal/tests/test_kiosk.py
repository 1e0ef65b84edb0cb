"""Kiosk mode: device binding, resident sign-in with NIK and PIN, idle and task sign-out,
no cached personal pages, lockout after wrong PINs, printing."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from portal import kiosk as kiosk_mode
from portal.conftest import PIN, VILLAGE_LETTER, VILLAGE_LETTER_ANSWERS
from services.models import Application, Channel, State

DEVICE_PASSWORD = "uji-Sandi-2026!"


@pytest.fixture
def kiosk_client(kiosk):
    browser = Client()
    response = browser.post(
        reverse("portal:kiosk_setup"), {"username": kiosk.username, "password": DEVICE_PASSWORD}
    )
    assert response.status_code == 302
    assert kiosk_mode.COOKIE_NAME in browser.cookies
    return browser


def sign_in_at_kiosk(browser, nik, pin=PIN):
    return browser.post(reverse("portal:kiosk_start"), {"username": nik, "password": pin})


@pytest.fixture
def signed_in_kiosk(kiosk_client, resident_with_pin):
    response = sign_in_at_kiosk(kiosk_client, resident_with_pin.resident.nik)
    assert response["Location"] == reverse("portal:kiosk_menu")
    return kiosk_client


def test_kiosk_start_needs_a_bound_device(client, db):
    response = client.get(reverse("portal:kiosk_start"))

    assert response["Location"] == reverse("portal:kiosk_setup")


def test_only_a_kiosk_account_binds_a_browser(client, village_officer):
    response = client.post(
        reverse("portal:kiosk_setup"),
        {"username": village_officer.username, "password": DEVICE_PASSWORD},
    )

    assert response.status_code == 200
    assert "bukan akun perangkat kios" in response.content.decode()
    assert kiosk_mode.COOKIE_NAME not in response.cookies


def test_a_kiosk_account_signed_in_normally_binds_on_the_start_screen(client, kiosk):
    client.force_login(kiosk)

    response = client.get(reverse("portal:kiosk_start"))

    assert response["Location"] == reverse("portal:kiosk_start")
    assert kiosk_mode.COOKIE_NAME in response.cookies
    assert "_auth_user_id" not in client.session


def test_start_screen_is_large_indonesian_with_a_language_switch(kiosk_client, village):
    response = kiosk_client.get(reverse("portal:kiosk_start"))
    body = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="id">' in body
    assert 'class="kiosk"' in body
    assert 'data-idle-seconds="90"' in body
    assert village.name in body
    assert 'value="en"' in body
    assert "portal/kiosk.js" in body
    assert "<script>" not in body and "style=" not in body
    assert "no-store" in response["Cache-Control"]


def test_resident_signs_in_with_nik_and_pin_and_sees_the_menu(signed_in_kiosk):
    response = signed_in_kiosk.get(reverse("portal:kiosk_menu"))

    assert response.status_code == 200
    assert "Ajukan layanan" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_staff_cannot_sign_in_at_the_kiosk(kiosk_client, village_officer):
    response = sign_in_at_kiosk(kiosk_client, village_officer.username, DEVICE_PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in kiosk_client.session


def test_every_page_in_kiosk_mode_is_no_store(signed_in_kiosk):
    for name in ("people:my_data", "services:application_list", "portal:kiosk_documents"):
        response = signed_in_kiosk.get(reverse(name))
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name


def test_kiosk_left_signed_in_shows_the_start_screen_after_the_idle_time(
    signed_in_kiosk, resident_with_pin, settings
):
    settings.KIOSK_IDLE_SECONDS = 90
    personal = reverse("people:my_data")
    assert resident_with_pin.resident.full_name in signed_in_kiosk.get(personal).content.decode()
    session = signed_in_kiosk.session
    session[kiosk_mode.LAST_ACTIVITY_KEY] = time.time() - 91
    session.save()

    next_person = signed_in_kiosk.get(personal, follow=True)
    back_button = signed_in_kiosk.get(personal, follow=True)

    for response in (next_person, back_button):
        body = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("portal:kiosk_start")
        assert resident_with_pin.resident.full_name not in body
        assert resident_with_pin.resident.nik not in body
    assert "Waktu habis" in next_person.content.decode()
    assert "_auth_user_id" not in signed_in_kiosk.session


def test_activity_within_the_idle_time_keeps_the_resident_signed_in(signed_in_kiosk, settings):
    settings.KIOSK_IDLE_SECONDS = 90
    session = signed_in_kiosk.session
    session[kiosk_mode.LAST_ACTIVITY_KEY] = time.time() - 60
    session.save()

    assert signed_in_kiosk.get(reverse("portal:kiosk_ping")).status_code == 204
    assert signed_in_kiosk.get(reverse("portal:kiosk_menu")).status_code == 200


def test_the_idle_time_is_a_setting(signed_in_kiosk, settings):
    settings.KIOSK_IDLE_SECONDS = 30
    session = signed_in_kiosk.session
    session[kiosk_mode.LAST_ACTIVITY_KEY] = time.time() - 31
    session.save()

    response = signed_in_kiosk.get(reverse("portal:kiosk_menu"))

    assert response["Location"] == reverse("portal:kiosk_start")


def test_sign_out_at_the_kiosk_returns_to_the_start_screen(signed_in_kiosk):
    finished = signed_in_kiosk.post(reverse("portal:kiosk_finish"))
    logout = signed_in_kiosk.post(reverse("accounts:logout"))

    assert finished["Location"] == reverse("portal:kiosk_start")
    assert logout["Location"] == reverse("portal:kiosk_start")
    assert "_auth_user_id" not in signed_in_kiosk.session


def test_public_home_and_sign_in_page_lead_to_the_start_screen_in_kiosk_mode(kiosk_client):
    for name in ("home", "accounts:login"):
        assert kiosk_client.get(reverse(name))["Location"] == reverse("portal:kiosk_start")


def test_apply_at_the_kiosk_then_submit_signs_the_resident_out(signed_in_kiosk, resident_with_pin):
    response = signed_in_kiosk.post(
        reverse("portal:kiosk_apply", args=[VILLAGE_LETTER]),
        {"subject": resident_with_pin.resident.pk, **VILLAGE_LETTER_ANSWERS},
    )
    application = Application.objects.get(applicant=resident_with_pin.resident)
    assert response["Location"] == reverse(
        "services:application_detail", args=[application.tracking_code]
    )
    assert application.channel == Channel.KIOSK

    submitted = signed_in_kiosk.post(
        reverse("services:application_action", args=[application.tracking_code]),
        {"action": "submit", "note": ""},
        follow=True,
    )

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert submitted.redirect_chain[-1][0] == reverse("portal:kiosk_start")
    assert application.tracking_code in submitted.content.decode()
    assert resident_with_pin.resident.full_name not in submitted.content.decode()
    assert "_auth_user_id" not in signed_in_kiosk.session


def test_a_failed_step_does_not_sign_out(signed_in_kiosk, application_in_state):
    application = application_in_state("submitted")

    signed_in_kiosk.post(
        reverse("services:application_action", args=[application.tracking_code]),
        {"action": "submit", "note": ""},
    )

    assert "_auth_user_id" in signed_in_kiosk.session


def test_ten_wrong_pins_lock_the_nik_with_a_message_saying_when(
    kiosk_client, resident_with_pin, settings
):
    settings.AXES_FAILURE_LIMIT = 10
    nik = resident_with_pin.resident.nik
    failures = [sign_in_at_kiosk(kiosk_client, nik, f"97531{n % 10}") for n in range(10)]
    locked = sign_in_at_kiosk(kiosk_client, nik, PIN)

    assert [response.status_code for response in failures[:9]] == [200] * 9
    assert failures[9].status_code == 429
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Silakan coba lagi setelah 15 menit" in body
    assert nik not in body
    assert "_auth_user_id" not in kiosk_client.session
    assert "no-store" in locked["Cache-Control"]


def test_printing_shows_the_pdf_in_a_frame_and_keeps_it_out_of_the_cache(
    signed_in_kiosk, application_in_state
):
    application = application_in_state("issued")
    document = application.document

    listing = signed_in_kiosk.get(reverse("portal:kiosk_documents")).content.decode()
    page = signed_in_kiosk.get(reverse("portal:kiosk_print", args=[document.pk]))
    pdf = signed_in_kiosk.get(reverse("portal:kiosk_pdf", args=[document.pk]))

    assert document.number in listing
    assert reverse("portal:kiosk_pdf", args=[document.pk]) in page.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in pdf["Cache-Control"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="portal.kiosk.document_printed").count() == 1


def test_a_resident_cannot_print_someone_elses_document(
    kiosk_client, application_in_state, make_user, resident_elsewhere
):
    document = application_in_state("issued").document
    from accounts.roles import Role

    make_user(Role.RESIDENT, resident=resident_elsewhere, password="531975")
    sign_in_at_kiosk(kiosk_client, resident_elsewhere.nik, "531975")

    assert kiosk_client.get(reverse("portal:kiosk_print", args=[document.pk])).status_code == 404
    assert kiosk_client.get(reverse("portal:kiosk_pdf", args=[document.pk])).status_code == 404


def test_leaving_kiosk_mode_needs_the_device_password(kiosk_client, kiosk):
    refused = kiosk_client.post(
        reverse("portal:kiosk_exit"), {"username": kiosk.username, "password": "salah-sekali"}
    )
    left = kiosk_client.post(
        reverse("portal:kiosk_exit"), {"username": kiosk.username, "password": DEVICE_PASSWORD}
    )

    assert refused.status_code == 200
    assert left["Location"] == reverse("home")
    assert left.cookies[kiosk_mode.COOKIE_NAME].value == ""


def test_a_forged_kiosk_cookie_is_ignored(client, kiosk):
    client.cookies[kiosk_mode.COOKIE_NAME] = str(kiosk.pk)

    assert client.get(reverse("portal:kiosk_start"))["Location"] == reverse("portal:kiosk_setup")
    assert client.get(reverse("home")).status_code == 200


def test_queue_ticket_link_only_when_the_queues_app_offers_it(signed_in_kiosk):
    body = signed_in_kiosk.get(reverse("portal:kiosk_menu")).content.decode()

    url = kiosk_mode.queue_ticket_url()
    assert (url is not None) == ("Ambil nomor antrean" in body)


def test_the_kiosk_speaks_english_after_the_switch(kiosk_client):
    kiosk_client.post(reverse("set_language"), {"language": "en", "next": "/anjungan/"})

    body = kiosk_client.get(reverse("portal:kiosk_start")).content.decode()

    assert '<html lang="en">' in body
    assert "Welcome" in body
    assert "Self-service kiosk of" in body
