"""A double tap that reaches two web workers at once, on PostgreSQL: one application."""

import threading
import uuid

import pytest
from django.conf import settings
from django.db import connections

from services import services
from services.models import Application
from services.tests.conftest import ANSWERS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="two connections racing are only meaningful on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_simultaneous_submissions_of_one_form_make_one_application(
    applicant_user, applicant, village_letter
):
    key = uuid.uuid4()
    start = threading.Barrier(2)
    made: list[int] = []
    errors: list[BaseException] = []

    def send():
        try:
            start.wait(timeout=30)
            application = services.start_application(
                service=village_letter,
                user=applicant_user,
                subject=applicant,
                form_data=ANSWERS[village_letter.code],
                idempotency_key=key,
            )
            made.append(application.pk)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(made) == 2 and made[0] == made[1]
    assert Application.objects.filter(idempotency_key=key).count() == 1
