"""Resident self-activation: register facts, a code to the registered phone, then a PIN."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from portal import activation
from portal.models import ActivationRequest

PIN = "284751"


@pytest.fixture
def registered(resident_in_village):
    resident_in_village.phone = "081234567890"
    resident_in_village.save(update_fields=["phone"])
    return resident_in_village


def facts(resident, **overrides):
    values = {
        "nik": resident.nik,
        "no_kk": resident.family.no_kk,
        "birth_date": resident.birth_date.isoformat(),
    }
    values.update(overrides)
    return values


def sent_code(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1].text).group(1)


def test_activation_sends_a_code_then_creates_the_account_and_signs_in(client, registered, outbox):
    response = client.post(reverse("portal:activate"), facts(registered))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:activate_code")
    assert len(outbox) == 1
    assert outbox[0].phone == "081234567890"
    assert registered.nik not in outbox[0].text

    response = client.post(reverse("portal:activate_code"), {"code": sent_code(outbox)})
    assert response["Location"] == reverse("portal:activate_pin")
    response = client.post(reverse("portal:activate_pin"), {"secret": PIN, "secret_again": PIN})

    assert response["Location"] == reverse("portal:dashboard")
    user = User.objects.get(resident=registered)
    assert user.role == Role.RESIDENT
    assert user.check_password(PIN)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert ActivationRequest.objects.get().used_at is not None


def test_unknown_nik_gets_the_same_answer_and_no_message_is_sent(
    client, registered, resident_elsewhere, outbox
):
    known = client.post(reverse("portal:activate"), facts(registered))
    known_page = client.get(reverse("portal:activate_code")).content
    other = type(client)()
    unknown = other.post(reverse("portal:activate"), facts(registered, nik="3510011506859999"))
    unknown_page = other.get(reverse("portal:activate_code")).content

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert _without_csrf(known_page) == _without_csrf(unknown_page)
    assert len(outbox) == 1  # only the real resident got a code
    # Both requests did the same work: one row each, with a code digest.
    assert ActivationRequest.objects.count() == 2
    assert all(row.code_digest for row in ActivationRequest.objects.all())


def _without_csrf(body: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)


def test_no_code_can_confirm_an_unknown_nik(client, registered, outbox):
    client.post(reverse("portal:activate"), facts(registered, no_kk="3510010101200999"))

    response = client.post(reverse("portal:activate_code"), {"code": "123456"})

    assert response.status_code == 200
    assert "Kode salah" in response.content.decode()
    assert outbox == []


def test_a_resident_without_phone_gets_no_code_but_the_same_answer(
    client, resident_in_village, outbox
):
    response = client.post(reverse("portal:activate"), facts(resident_in_village))

    assert response["Location"] == reverse("portal:activate_code")
    assert outbox == []


def test_ten_wrong_codes_lock_the_nik_and_say_when_to_retry(client, registered, outbox):
    client.post(reverse("portal:activate"), facts(registered))
    right = sent_code(outbox)
    wrong = "000000" if right != "000000" else "111111"

    answers = [
        client.post(reverse("portal:activate_code"), {"code": wrong}).content.decode()
        for _attempt in range(10)
    ]
    after = client.post(reverse("portal:activate_code"), {"code": right}).content.decode()
    again = client.post(reverse("portal:activate"), facts(registered))

    assert all("Kode salah" in answer for answer in answers[:9])
    assert "dikunci sampai pukul" in answers[9]
    assert "dikunci sampai pukul" in after
    assert "Silakan coba lagi setelah itu" in after
    assert not User.objects.filter(resident=registered).exists()
    assert again.status_code == 200
    assert "dikunci sampai pukul" in again.content.decode()


def test_the_lock_ends_after_the_cooloff(registered, outbox, settings):
    started = activation.start_activation(
        nik=registered.nik, no_kk=registered.family.no_kk, birth_date=registered.birth_date
    )
    for _attempt in range(10):
        with pytest.raises(activation.ActivationRefused):
            activation.confirm_code(started, "000000" if sent_code(outbox) != "000000" else "1")
    assert activation.code_lockout(started.nik_digest) is not None

    later = timezone.now() + timedelta(minutes=settings.ACTIVATION_CODE_COOLOFF_MINUTES + 1)
    assert activation.code_lockout(started.nik_digest, now=later) is None


@pytest.fixture(autouse=True)
def _cooloff(settings):
    settings.ACTIVATION_CODE_COOLOFF_MINUTES = 15


def test_requests_are_rate_limited_per_nik(client, registered, outbox, settings):
    settings.ACTIVATION_REQUESTS_PER_NIK_HOUR = 3
    for _attempt in range(3):
        client.post(reverse("portal:activate"), facts(registered))

    response = client.post(reverse("portal:activate"), facts(registered))

    assert response.status_code == 200
    assert "Terlalu banyak permintaan kode" in response.content.decode()
    assert len(outbox) == 3


def test_requests_are_rate_limited_per_address_even_for_unknown_niks(client, registered, settings):
    settings.ACTIVATION_REQUESTS_PER_IP_HOUR = 2
    for serial in range(2):
        client.post(reverse("portal:activate"), facts(registered, nik=f"351001150685990{serial}"))

    response = client.post(reverse("portal:activate"), facts(registered, nik="3510011506859998"))

    assert "Terlalu banyak permintaan kode" in response.content.decode()


def test_bad_formats_are_named_by_field(client, db):
    response = client.post(
        reverse("portal:activate"),
        {"nik": "12345", "no_kk": "abc", "birth_date": "2999-01-01"},
    )

    body = response.content.decode()
    assert "NIK harus 16 angka" in body
    assert "No. KK harus 16 angka" in body
    assert "Tanggal lahir tidak masuk akal" in body
    assert ActivationRequest.objects.count() == 0


def test_an_expired_code_is_refused(registered, outbox):
    started = activation.start_activation(
        nik=registered.nik, no_kk=registered.family.no_kk, birth_date=registered.birth_date
    )
    ActivationRequest.objects.filter(pk=started.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    started.refresh_from_db()

    with pytest.raises(activation.ActivationRefused, match="tidak berlaku"):
        activation.confirm_code(started, sent_code(outbox))


def test_an_active_account_gets_a_notice_instead_of_a_code(registered, outbox, make_user):
    make_user(Role.RESIDENT, resident=registered)

    started = activation.start_activation(
        nik=registered.nik, no_kk=registered.family.no_kk, birth_date=registered.birth_date
    )

    assert started.resident_id is None
    assert "sudah aktif" in outbox[-1].text
    with pytest.raises(activation.ActivationRefused):
        activation.confirm_code(started, "123456")


def test_a_guessable_pin_is_refused_and_can_be_chosen_again(client, registered, outbox):
    client.post(reverse("portal:activate"), facts(registered))
    client.post(reverse("portal:activate_code"), {"code": sent_code(outbox)})

    refused = client.post(
        reverse("portal:activate_pin"), {"secret": "111111", "secret_again": "111111"}
    )
    accepted = client.post(reverse("portal:activate_pin"), {"secret": PIN, "secret_again": PIN})

    assert "terlalu mudah ditebak" in refused.content.decode()
    assert accepted.status_code == 302
    assert User.objects.filter(resident=registered).count() == 1


def test_the_pin_step_cannot_be_reached_without_a_confirmed_code(client, registered, outbox):
    client.post(reverse("portal:activate"), facts(registered))

    response = client.post(reverse("portal:activate_pin"), {"secret": PIN, "secret_again": PIN})

    assert response["Location"] == reverse("portal:activate")
    assert not User.objects.filter(resident=registered).exists()


def test_no_nik_or_code_is_stored_in_clear(registered, outbox):
    started = activation.start_activation(
        nik=registered.nik, no_kk=registered.family.no_kk, birth_date=registered.birth_date
    )
    row = ActivationRequest.objects.filter(pk=started.pk).values().get()

    assert registered.nik not in str(row)
    assert sent_code(outbox) not in str(row)


def test_known_and_unknown_niks_run_the_same_queries(registered, outbox):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as known:
        activation.start_activation(
            nik=registered.nik, no_kk=registered.family.no_kk, birth_date=registered.birth_date
        )
    with CaptureQueriesContext(connection) as unknown:
        activation.start_activation(
            nik="3510011506859999", no_kk=registered.family.no_kk, birth_date=registered.birth_date
        )

    assert len(known.captured_queries) == len(unknown.captured_queries)


def test_old_activation_requests_are_pruned(registered, outbox):
    old = activation.start_activation(
        nik=registered.nik, no_kk=registered.family.no_kk, birth_date=registered.birth_date
    )
    ActivationRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    fresh = activation.start_activation(
        nik=registered.nik, no_kk=registered.family.no_kk, birth_date=registered.birth_date
    )

    assert activation.prune_requests() == 1
    assert list(ActivationRequest.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_old_requests_are_pruned_by_the_daily_job(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from core import jobs
    from portal.models import ActivationRequest

    settings.PERIODIC_JOBS = {"portal.prune_activations": 24 * 60 * 60}
    expires = timezone.now() + timedelta(minutes=10)
    old = ActivationRequest.objects.create(
        nik_digest="a" * 64, code_digest="c" * 64, ip_address="127.0.0.1", expires_at=expires
    )
    ActivationRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    fresh = ActivationRequest.objects.create(
        nik_digest="b" * 64, code_digest="d" * 64, ip_address="127.0.0.1", expires_at=expires
    )

    job = jobs.enqueue("portal.prune_activations")

    assert job.status == "done" and job.result["summary"].startswith("1 ")
    assert list(ActivationRequest.objects.values_list("pk", flat=True)) == [fresh.pk]
