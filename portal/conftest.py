"""Fixtures of the portal tests: an outbox, and applications in given states."""

import pytest

from accounts.roles import Role
from core.notifications import MemoryChannel
from services import services
from services.models import Service, State


@pytest.fixture
def outbox(settings):
    settings.NOTIFICATION_CHANNEL = "core.notifications.MemoryChannel"
    MemoryChannel.outbox.clear()
    yield MemoryChannel.outbox
    MemoryChannel.outbox.clear()


VILLAGE_LETTER = "keterangan-domisili"
VILLAGE_LETTER_ANSWERS = {"keperluan": "Melamar pekerjaan"}
PIN = "284751"


@pytest.fixture
def resident_with_pin(make_user, resident_in_village):
    resident_in_village.phone = "081234567890"
    resident_in_village.save(update_fields=["phone"])
    return make_user(Role.RESIDENT, resident=resident_in_village, password=PIN)


@pytest.fixture
def village_letter(db):
    return Service.objects.get(code=VILLAGE_LETTER)


@pytest.fixture
def village_head(make_user, village):
    user = make_user(Role.VILLAGE_HEAD, region=village)
    user.first_name, user.last_name = "H. SLAMET", "RIYADI"
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def application_in_state(resident_with_pin, village_letter, village_officer, village_head):
    """An application of the resident's walked to ``state`` (draft, submitted, issued...)."""

    def make(state: str = "draft"):
        application = services.start_application(
            service=village_letter,
            user=resident_with_pin,
            subject=resident_with_pin.resident,
            form_data=VILLAGE_LETTER_ANSWERS,
        )
        if state == "draft":
            return application
        application = services.submit(application, resident_with_pin)
        if state == "submitted":
            return application
        if state == "returned":
            return services.return_for_revision(
                application, village_officer, reason="Lampirkan surat pengantar RT"
            )
        application = services.verify(application, village_officer)
        if state == "verified":
            return application
        application = services.approve(application, village_head)
        application.refresh_from_db()
        assert application.state == State.ISSUED
        return application

    return make
