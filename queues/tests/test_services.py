"""Queue rules: numbering per line and WIB day, call order, counter actions and their times."""

from datetime import timedelta

import pytest

from accounts.roles import Role
from queues import services
from queues.models import LineDay, PriorityGroup, Ticket, TicketChannel, TicketStatus
from queues.services import NotPermitted, QueueError

from .conftest import wib

pytestmark = pytest.mark.django_db


def take(point, line, *, at, group=None, channel=TicketChannel.KIOSK):
    return services.take_ticket(
        point=point, line=line, channel=channel, priority_group=group, now=at
    )


def test_numbers_count_per_line_and_carry_the_line_prefix(point, letters, complaints_line):
    first = take(point, letters, at=wib(2026, 12, 4, 8, 0))
    second = take(point, letters, at=wib(2026, 12, 4, 8, 1))
    other = take(point, complaints_line, at=wib(2026, 12, 4, 8, 2))

    assert (first.code, second.code, other.code) == ("A-001", "A-002", "B-001")
    assert LineDay.objects.get(line=letters, day=wib(2026, 12, 4).date()).last_number == 2


def test_a_ticket_taken_before_midnight_is_called_after_it_and_the_new_day_starts_at_one(
    point, letters, counter_one, village_officer
):
    # 23:58 WIB is 16:58 UTC: the server's own date is the same day either way, but the day
    # that counts is the regency's.
    late = take(point, letters, at=wib(2026, 12, 4, 23, 58))
    early = take(point, letters, at=wib(2026, 12, 5, 0, 1))

    called = services.call_next(counter_one, user=village_officer, now=wib(2026, 12, 5, 0, 3))

    assert called == late
    assert called.status == TicketStatus.CALLED
    assert (late.code, late.service_day.isoformat()) == ("A-001", "2026-12-04")
    assert (early.code, early.service_day.isoformat()) == ("A-001", "2026-12-05")
    assert called.wait_seconds == 5 * 60
    # The wait is counted on the day the ticket belongs to.
    assert LineDay.objects.get(line=letters, day=late.service_day).called == 1
    assert LineDay.objects.get(line=letters, day=early.service_day).called == 0


def test_the_same_number_on_two_days_is_two_tickets(point, letters):
    take(point, letters, at=wib(2026, 12, 4, 9, 0))
    take(point, letters, at=wib(2026, 12, 5, 9, 0))

    assert sorted(Ticket.objects.values_list("code", "service_day__day")) == [
        ("A-001", 4),
        ("A-001", 5),
    ]


def test_arrival_order_is_strict_within_a_line(
    point, letters, complaints_line, counter_one, village_officer
):
    at = wib(2026, 12, 4, 8, 0)
    tickets = [take(point, letters, at=at + timedelta(minutes=minute)) for minute in (0, 1, 2)]
    other = take(point, complaints_line, at=at + timedelta(seconds=30))

    called = [
        services.call_next(counter_one, user=village_officer, now=at + timedelta(minutes=10))
        for _ in range(4)
    ]

    assert called == [tickets[0], other, tickets[1], tickets[2]]
    assert services.call_next(counter_one, user=village_officer) is None


def test_configured_priority_groups_go_first_and_then_by_arrival(
    point, letters, counter_two, village_officer, elderly
):
    at = wib(2026, 12, 4, 8, 0)
    plain = take(point, letters, at=at)
    elder = take(point, letters, at=at + timedelta(minutes=5), group=elderly)
    pregnant = take(
        point,
        letters,
        at=at + timedelta(minutes=6),
        group=PriorityGroup.objects.get(code="ibu-hamil"),
    )

    order = [services.call_next(counter_two, user=village_officer) for _ in range(3)]

    assert order == [elder, pregnant, plain]
    assert elder.is_priority and not plain.is_priority


def test_a_group_the_regency_switched_off_gives_no_priority(point, letters, elderly):
    elderly.is_active = False
    elderly.save()

    with pytest.raises(QueueError, match="tidak berlaku"):
        take(point, letters, at=wib(2026, 12, 4, 8, 0), group=elderly)


def test_a_counter_calls_only_the_lines_it_serves(
    point, letters, complaints_line, counter_two, village_officer
):
    take(point, complaints_line, at=wib(2026, 12, 4, 8, 0))

    assert services.call_next(counter_two, user=village_officer) is None


def test_position_counts_who_is_called_first(point, letters, elderly):
    at = wib(2026, 12, 4, 8, 0)
    first = take(point, letters, at=at)
    second = take(point, letters, at=at + timedelta(minutes=1))
    elder = take(point, letters, at=at + timedelta(minutes=2), group=elderly)

    assert [services.position(ticket) for ticket in (first, second, elder)] == [1, 2, 0]


def test_call_next_finishes_the_current_ticket_and_records_the_times(
    point, letters, counter_two, village_officer
):
    at = wib(2026, 12, 4, 8, 0)
    first = take(point, letters, at=at)
    second = take(point, letters, at=at + timedelta(minutes=1))
    services.call_next(counter_two, user=village_officer, now=at + timedelta(minutes=4))

    services.call_next(counter_two, user=village_officer, now=at + timedelta(minutes=10))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == TicketStatus.DONE
    assert (first.wait_seconds, first.service_seconds) == (240, 360)
    assert second.status == TicketStatus.CALLED and second.wait_seconds == 540
    totals = LineDay.objects.get(line=letters, day=at.date())
    assert (totals.called, totals.served, totals.skipped) == (2, 1, 0)
    assert (totals.wait_seconds_total, totals.wait_seconds_max) == (780, 540)
    assert totals.service_seconds_total == 360
    assert totals.average_wait_seconds == 390


def test_recall_skip_and_finish_act_on_the_current_ticket(
    point, letters, counter_two, village_officer
):
    at = wib(2026, 12, 4, 8, 0)
    first = take(point, letters, at=at)
    second = take(point, letters, at=at)
    services.call_next(counter_two, user=village_officer, now=at + timedelta(minutes=1))

    recalled = services.recall(counter_two, user=village_officer, now=at + timedelta(minutes=2))
    skipped = services.skip(counter_two, user=village_officer, now=at + timedelta(minutes=3))
    services.call_next(counter_two, user=village_officer, now=at + timedelta(minutes=4))
    finished = services.finish(counter_two, user=village_officer, now=at + timedelta(minutes=9))

    assert recalled == first and recalled.recalls == 1
    assert skipped.status == TicketStatus.SKIPPED
    assert finished == second and finished.service_seconds == 300
    assert LineDay.objects.get(line=letters).skipped == 1
    with pytest.raises(QueueError, match="Belum ada nomor"):
        services.recall(counter_two, user=village_officer)


def test_a_transferred_ticket_waits_in_the_new_line_by_its_first_arrival(
    point, letters, complaints_line, counter_one, counter_two, village_officer
):
    at = wib(2026, 12, 4, 8, 0)
    moved = take(point, letters, at=at)
    later_complaint = take(point, complaints_line, at=at + timedelta(minutes=5))
    services.call_next(counter_two, user=village_officer, now=at + timedelta(minutes=6))

    services.transfer(counter_two, user=village_officer, line=complaints_line)

    moved.refresh_from_db()
    assert (moved.line, moved.status, moved.counter, moved.transfers) == (
        complaints_line,
        TicketStatus.WAITING,
        None,
        1,
    )
    assert services.call_next(counter_one, user=village_officer) == moved
    assert services.call_next(counter_one, user=village_officer) == later_complaint
    moved.refresh_from_db()
    assert moved.wait_seconds == 6 * 60
    # One wait counted for the person, on the line that first called them.
    assert LineDay.objects.get(line=letters).called == 1
    assert LineDay.objects.get(line=complaints_line).called == 1


def test_a_transfer_stays_within_the_point(
    point, letters, counter_two, village_officer, mall_point
):
    take(point, letters, at=wib(2026, 12, 4, 8, 0))
    services.call_next(counter_two, user=village_officer)

    with pytest.raises(QueueError, match="titik layanan yang sama"):
        services.transfer(counter_two, user=village_officer, line=mall_point.lines.get())


def test_only_officers_of_the_point_run_its_counters(
    point, counter_one, other_village_officer, agency_officer, call_centre_operator, make_user
):
    outsiders = [
        other_village_officer,
        agency_officer,
        call_centre_operator,
        make_user(Role.DISTRICT_HEAD, region=other_village_officer.region.parent),
    ]
    for user in outsiders:
        with pytest.raises(NotPermitted):
            services.call_next(counter_one, user=user)


def test_district_staff_and_the_regent_run_village_counters(
    point, letters, counter_one, district_head, regent
):
    take(point, letters, at=wib(2026, 12, 4, 8, 0))

    assert services.call_next(counter_one, user=district_head) is not None
    assert services.call_next(counter_one, user=regent) is None


def test_agency_staff_run_their_mall_counters_only(mall_point, point, agency_officer):
    from queues.models import ServicePoint

    assert list(ServicePoint.objects.operated_by(agency_officer)) == [mall_point]


def test_a_ticket_names_an_application_of_this_office_only(
    point, letters, resident_in_village, resident_elsewhere, make_user
):
    from services import services as applications
    from services.models import Service

    service = Service.objects.get(code="keterangan-domisili")
    own = applications.start_application(
        service=service,
        user=make_user(Role.RESIDENT, resident=resident_in_village),
        subject=resident_in_village,
        form_data={"keperluan": "Melamar pekerjaan"},
    )
    foreign = applications.start_application(
        service=service,
        user=make_user(Role.RESIDENT, resident=resident_elsewhere),
        subject=resident_elsewhere,
        form_data={"keperluan": "Melamar pekerjaan"},
    )

    assert services.find_reference(point, own.tracking_code.lower()) == (own, None)
    with pytest.raises(QueueError, match=foreign.tracking_code):
        services.find_reference(point, foreign.tracking_code)
    with pytest.raises(QueueError, match="SK-XXXX-XXXX"):
        services.find_reference(point, "SK-XXXX-XXXX")
    assert services.find_reference(point, "  ") == (None, None)


def test_a_line_of_another_point_is_refused(point, mall_point):
    with pytest.raises(QueueError, match="tidak dilayani"):
        take(point, mall_point.lines.get(), at=wib(2026, 12, 4, 8, 0))


def test_the_board_shows_the_latest_calls_and_the_waiting_counts(
    point, letters, complaints_line, counter_one, counter_two, village_officer
):
    at = wib(2026, 12, 4, 8, 0)
    for minute in range(3):
        take(point, letters, at=at + timedelta(minutes=minute))
    services.call_next(counter_two, user=village_officer, now=at + timedelta(minutes=5))
    services.call_next(counter_one, user=village_officer, now=at + timedelta(minutes=6))

    shown = services.board(point)

    assert [(call.code, call.counter) for call in shown["calls"]] == [
        ("A-002", "Loket 1"),
        ("A-001", "Loket 2"),
    ]
    assert shown["lines"] == [
        {"prefix": "A", "name": "Surat keterangan", "waiting": 1},
        {"prefix": "B", "name": "Pengaduan", "waiting": 0},
    ]


def test_every_ticket_and_call_is_audited(point, letters, counter_two, village_officer):
    from core.models import AuditEntry

    ticket = take(point, letters, at=wib(2026, 12, 4, 8, 0))
    services.call_next(counter_two, user=village_officer)

    actions = list(
        AuditEntry.objects.filter(target_id=str(ticket.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["queues.ticket.taken", "queues.ticket.called"]


def test_tickets_nobody_came_back_for_are_closed_after_their_day(point, letters):
    old = take(point, letters, at=wib(2026, 12, 2, 15, 0))
    yesterday = take(point, letters, at=wib(2026, 12, 3, 23, 58))

    expired = services.expire_waiting(before=wib(2026, 12, 3).date())

    old.refresh_from_db()
    yesterday.refresh_from_db()
    assert expired == 1
    assert (old.status, yesterday.status) == (TicketStatus.SKIPPED, TicketStatus.WAITING)
    assert LineDay.objects.get(line=letters, day=old.service_day).skipped == 1


def test_the_expiry_command_keeps_yesterday_by_default(point, letters):
    import io

    from django.core.management import call_command
    from django.utils import timezone

    take(point, letters, at=timezone.now() - timedelta(days=1))
    take(point, letters, at=timezone.now() - timedelta(days=3))
    out = io.StringIO()

    call_command("expire_queue_tickets", stdout=out)

    assert out.getvalue().startswith("1 waiting tickets")
    assert Ticket.objects.waiting().count() == 1
