"""The demo queues: two points, a few days of served tickets, some waiting; a rerun adds nothing."""

import io

import pytest

from queues import demo_data
from queues.models import LineDay, ServicePoint, Ticket, TicketStatus

pytestmark = pytest.mark.django_db


def test_the_demo_fills_two_points_once(regent):
    demo_data.seed(seed=7, stdout=io.StringIO())
    counts = (ServicePoint.objects.count(), Ticket.objects.count())

    demo_data.seed(seed=7, stdout=io.StringIO())

    assert (ServicePoint.objects.count(), Ticket.objects.count()) == counts
    assert counts[0] == 2
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == 6
    served = Ticket.objects.filter(status=TicketStatus.DONE).count()
    assert served > 0
    assert sum(LineDay.objects.values_list("served", flat=True)) == served
