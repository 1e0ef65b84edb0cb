"""Two heads approving the same application at the same moment, on PostgreSQL: one wins, the
other is told it is already done; one document, one number."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from accounts.roles import Role
from documents.models import IssuedDocument, NumberingSeries
from services import services
from services.models import Application, State
from services.workflow import TransitionNotAllowed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are only meaningful on PostgreSQL; run with DATABASE_URL set",
    ),
    # Committed for real, so that two connections see the same rows; the loaded reference data
    # (regions, catalogue) is restored for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_simultaneous_approvals_issue_one_document(
    verified, make_user, village, village_letter
):
    application = verified(village_letter)
    heads = [make_user(Role.VILLAGE_HEAD, region=village) for _ in range(2)]
    start = threading.Barrier(len(heads))
    outcomes: list[object] = []

    def approve(head):
        try:
            start.wait(timeout=30)
            services.approve(Application.objects.get(pk=application.pk), head)
            outcomes.append("approved")
        except TransitionNotAllowed as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(head,)) for head in heads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcomes.count("approved") == 1
    [refusal] = [outcome for outcome in outcomes if outcome != "approved"]
    assert "Selesai" in refusal.message
    application.refresh_from_db()
    assert application.state == State.ISSUED
    assert IssuedDocument.objects.count() == 1
    assert NumberingSeries.objects.get().last_number == 1
    assert application.events.filter(action="approve").count() == 1
