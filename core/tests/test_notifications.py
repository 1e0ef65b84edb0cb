"""Notifications through the configured channel, and what they never reveal."""

import logging

import pytest

from core.notifications import ConsoleChannel, MemoryChannel, mask_phone, notify


@pytest.fixture
def outbox(settings):
    settings.NOTIFICATION_CHANNEL = "core.notifications.MemoryChannel"
    MemoryChannel.outbox.clear()
    yield MemoryChannel.outbox
    MemoryChannel.outbox.clear()


class BrokenGateway:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_a_resident_with_a_phone_gets_the_message(outbox, make_resident, village):
    resident = make_resident(village, phone="081234567890")

    assert notify(resident, "Permohonan diterima", "Nomor SK-1", event="test.sent") is True

    assert [(m.phone, m.text) for m in outbox] == [
        ("081234567890", "Permohonan diterima\nNomor SK-1")
    ]


def test_a_user_without_a_phone_is_reached_through_their_resident_record(
    outbox, make_user, make_resident, village
):
    from accounts.roles import Role

    resident = make_resident(village, phone="085200001111")
    user = make_user(Role.RESIDENT, resident=resident)

    assert notify(user, "Halo", "", event="test.sent") is True
    assert outbox[0].phone == "085200001111"


def test_a_resident_with_an_account_phone_only_is_reached(
    outbox, make_user, make_resident, village
):
    from accounts.roles import Role

    resident = make_resident(village)
    user = make_user(Role.RESIDENT, resident=resident)
    user.phone = "087700002222"
    user.save(update_fields=["phone"])

    assert notify(resident, "Halo", "", event="test.sent") is True
    assert outbox[0].phone == "087700002222"


def test_nobody_to_send_to_returns_false(outbox, make_resident, village):
    resident = make_resident(village)

    assert notify(resident, "Halo", "", event="test.unsent") is False
    assert outbox == []


def test_a_full_nik_in_a_message_is_masked(outbox, make_resident, village):
    resident = make_resident(village, phone="081234567890")

    notify(resident, "Surat untuk NIK 3510014506850001", "", event="test.sent")

    assert "3510014506850001" not in outbox[0].text
    assert "3510********0001" in outbox[0].text


def test_a_failing_gateway_is_logged_and_does_not_raise(settings, make_resident, village, caplog):
    settings.NOTIFICATION_CHANNEL = f"{__name__}.BrokenGateway"
    resident = make_resident(village, phone="081234567890")

    with caplog.at_level(logging.ERROR, logger="core.notifications"):
        assert notify(resident, "Halo", "", event="test.failed") is False

    assert "test.failed" in caplog.text
    assert "081234567890" not in caplog.text


def test_the_console_channel_logs_without_the_full_phone_or_nik(caplog):
    with caplog.at_level(logging.INFO, logger="core.notifications"):
        ConsoleChannel().send("081234567890", "NIK 3510014506850001 siap")

    assert "***890" in caplog.text
    assert "081234567890" not in caplog.text
    assert "3510014506850001" not in caplog.text
    assert "3510********0001" in caplog.text


def test_phone_masking_keeps_only_the_last_three_digits():
    assert mask_phone("+62 812-3456-7890") == "***890"
    assert mask_phone("12") == "***"
