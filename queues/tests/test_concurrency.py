"""Two counters pressing "call next" at the same moment, and two kiosks printing at the same
moment, from two threads with their own database connections (SQLite and PostgreSQL)."""

import pytest

from core.testing import run_together
from queues import services
from queues.models import Counter, ServiceLine, ServicePoint, Ticket, TicketChannel, TicketStatus

from .conftest import wib

pytestmark = [
    # Committed for real, so that two connections see the same rows; the loaded reference data
    # (regions, catalogue, priority groups) is restored for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 5


def test_two_counters_calling_next_at_once_get_two_different_tickets(
    point, letters, counter_one, counter_two, village_officer, shared_database
):
    for round_number in range(ROUNDS):
        for minute in range(2):
            services.take_ticket(
                point=point,
                line=letters,
                channel=TicketChannel.KIOSK,
                now=wib(2026, 12, 4, 8, round_number * 2 + minute),
            )

        called = run_together(
            lambda: services.call_next(
                Counter.objects.get(pk=counter_one.pk), user=village_officer
            ),
            lambda: services.call_next(
                Counter.objects.get(pk=counter_two.pk), user=village_officer
            ),
        )

        assert all(isinstance(ticket, Ticket) for ticket in called), called
        assert called[0].pk != called[1].pk
        assert {called[0].counter_id, called[1].counter_id} == {counter_one.pk, counter_two.pk}

    assert not Ticket.objects.filter(status=TicketStatus.WAITING).exists()
    assert Ticket.objects.filter(status=TicketStatus.DONE).count() == (ROUNDS - 1) * 2


def test_two_kiosks_printing_at_once_get_two_different_numbers(point, letters, shared_database):
    def take():
        return services.take_ticket(
            point=ServicePoint.objects.get(pk=point.pk),
            line=ServiceLine.objects.get(pk=letters.pk),
            channel=TicketChannel.KIOSK,
        )

    taken = []
    for _round in range(ROUNDS):
        taken += run_together(take, take)

    assert all(isinstance(ticket, Ticket) for ticket in taken), taken
    assert sorted(ticket.number for ticket in taken) == list(range(1, 2 * ROUNDS + 1))
