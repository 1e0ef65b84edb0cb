"""Business rules of queues: taking a ticket and every counter action.

Views, the API and commands call these functions and nothing else changes a ticket. Two
rules hold whatever the number of web workers or counters:

* a ticket's number comes from its line's row for the day (``LineDay``), advanced under a row
  lock, so numbers never repeat and each WIB day starts again at 1;
* "call next" claims a waiting ticket with a conditional update inside a transaction (and
  skips rows another counter has locked, on PostgreSQL), so two counters pressing the button at
  the same moment get two different people.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint
from core import audit
from core.workdays import regency_date
from queues.models import (
    Counter,
    LineDay,
    PriorityGroup,
    ServiceLine,
    ServicePoint,
    Ticket,
    TicketChannel,
    TicketStatus,
)
from regions.models import Level
from services.models import Application

logger = logging.getLogger(__name__)

# How many times "call next" looks again when the ticket it chose was claimed meanwhile.
CLAIM_ATTEMPTS = 5
# Tickets shown as "now calling" on the display board.
BOARD_RECENT = 8


class QueueError(Exception):
    """A queue action that cannot be done; ``message`` says why, for the officer or visitor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(QueueError):
    pass


def may_operate(user, point: ServicePoint) -> bool:
    return ServicePoint.objects.operated_by(user).filter(pk=point.pk).exists()


def _check_operator(user, counter: Counter) -> None:
    if not may_operate(user, counter.point):
        raise NotPermitted(_("Anda tidak bertugas di titik layanan ini."))


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds()))


# --------------------------------------------------------------------------- taking a ticket


def format_code(prefix: str, number: int) -> str:
    """``A-007``: three digits at least, more if a line ever passes 999 in a day."""
    return f"{prefix}-{number:03d}"


def _lock_line_day(line: ServiceLine, day) -> LineDay:
    """The line's row for ``day``, created if new and locked until the transaction ends."""
    LineDay.objects.get_or_create(line=line, day=day)
    return LineDay.objects.select_for_update().get(line=line, day=day)


def take_ticket(
    *,
    point: ServicePoint,
    line: ServiceLine,
    channel: str,
    user=None,
    priority_group: PriorityGroup | None = None,
    application=None,
    complaint=None,
    request=None,
    now: datetime | None = None,
) -> Ticket:
    """Hand out the next number of ``line`` for today (WIB) and put it at the end of the queue."""
    if not point.is_active:
        raise QueueError(_("Titik layanan ini sedang tidak melayani antrean."))
    if line.point_id != point.pk or not line.is_active:
        raise QueueError(_("Layanan ini tidak dilayani di titik layanan ini."))
    if channel not in TicketChannel.values:
        raise QueueError(_("Saluran tidak dikenal."))
    if priority_group is not None and not priority_group.is_active:
        raise QueueError(_("Kelompok prioritas ini tidak berlaku."))
    now = now or timezone.now()
    signed_in = user is not None and user.is_authenticated

    with transaction.atomic():
        line_day = _lock_line_day(line, regency_date(now))
        line_day.last_number += 1
        line_day.save(update_fields=["last_number"])
        ticket = Ticket.objects.create(
            point=point,
            line=line,
            service_day=line_day.day,
            number=line_day.last_number,
            code=format_code(line.prefix, line_day.last_number),
            channel=channel,
            priority_group=priority_group,
            is_priority=priority_group is not None,
            application=application,
            complaint=complaint,
            resident=getattr(user, "resident", None) if signed_in else None,
            taken_by=user if signed_in else None,
            taken_at=now,
        )
        audit.record(
            "queues.ticket.taken",
            actor=user,
            target=ticket,
            summary=f"{ticket.code} {point.code}",
            request=request,
            channel=channel,
            priority=ticket.is_priority,
        )
    logger.info("Ticket %s taken at %s (%s)", ticket.code, point.code, channel)
    return ticket


def _served_at(point: ServicePoint) -> Q:
    """Records (applications, complaints) whose office is this point: its village, its
    district, or its agency; a regency-wide Mall point without an agency serves them all."""
    if point.region.level == Level.REGENCY and point.agency_id is None:
        return Q()
    condition = Q(village_id=point.region_id) | Q(village__parent_id=point.region_id)
    if point.agency_id:
        condition |= Q(agency_id=point.agency_id)
    return condition


def find_reference(point: ServicePoint, code: str) -> tuple[Application | None, Complaint | None]:
    """The application or complaint a visitor names by its tracking code, if this point serves
    it. The answer for an unknown code and for another office's code is the same."""
    code = code.strip().upper()
    if not code:
        return None, None
    application = Application.objects.filter(_served_at(point), tracking_code=code).first()
    if application is not None:
        return application, None
    complaint = Complaint.objects.filter(_served_at(point), tracking_code=code).first()
    if complaint is not None:
        return None, complaint
    raise QueueError(_("Kode %(code)s tidak ditemukan di titik layanan ini.") % {"code": code[:20]})


def position(ticket: Ticket) -> int:
    """How many waiting tickets of its line will be called before this one."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    ahead = Q(is_priority=True) if not ticket.is_priority else Q(pk__in=[])
    same_rank = Q(is_priority=ticket.is_priority) & (
        Q(taken_at__lt=ticket.taken_at) | Q(taken_at=ticket.taken_at, id__lt=ticket.pk)
    )
    return Ticket.objects.waiting().filter(Q(line_id=ticket.line_id), ahead | same_rank).count()


# --------------------------------------------------------------------------- counter actions


def current_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, status=TicketStatus.CALLED)
        .select_related("line", "priority_group", "application", "resident")
        .first()
    )


def _lock_counter(counter: Counter) -> Counter:
    """Serialise actions at one counter (a double click, two tabs) until the transaction ends."""
    return Counter.objects.select_for_update().get(pk=counter.pk)


def _add_to_day(ticket: Ticket, **increments) -> None:
    """Add to the running totals of the ticket's line on the ticket's day."""
    LineDay.objects.get_or_create(line_id=ticket.line_id, day=ticket.service_day)
    updates = {name: F(name) + value for name, value in increments.items() if name != "wait_max"}
    if "wait_max" in increments:
        updates["wait_seconds_max"] = Greatest(F("wait_seconds_max"), increments["wait_max"])
    LineDay.objects.filter(line_id=ticket.line_id, day=ticket.service_day).update(**updates)


def _finish(ticket: Ticket, status: str, now: datetime) -> None:
    ticket.status = status
    ticket.finished_at = now
    fields = ["status", "finished_at"]
    if status == TicketStatus.DONE:
        ticket.service_seconds = _seconds(ticket.called_at or now, now)
        fields.append("service_seconds")
        _add_to_day(ticket, served=1, service_seconds_total=ticket.service_seconds)
    else:
        _add_to_day(ticket, skipped=1)
    ticket.save(update_fields=fields)


def _waiting_for(counter: Counter):
    return Ticket.objects.waiting().filter(
        point_id=counter.point_id, line__in=counter.lines.filter(is_active=True)
    )


def call_next(
    counter: Counter, *, user, request=None, now: datetime | None = None
) -> Ticket | None:
    """Finish the counter's current ticket as served and call the next one, or None if nobody
    is waiting.

    Tickets of earlier days that were never called stay valid: a number taken at 23:58 is
    called after midnight in its turn.
    """
    _check_operator(user, counter)
    if not counter.is_active:
        raise QueueError(_("Loket ini sedang tidak aktif."))
    now = now or timezone.now()

    with transaction.atomic():
        counter = _lock_counter(counter)
        serving = current_ticket(counter)
        if serving is not None:
            _finish(serving, TicketStatus.DONE, now)

        ticket = _claim_next(counter, now)
        if ticket is None:
            return None
        # The wait ends at the first call; a transferred ticket called again is not counted
        # twice.
        if ticket.wait_seconds is None:
            ticket.wait_seconds = _seconds(ticket.taken_at, now)
            ticket.save(update_fields=["wait_seconds"])
            _add_to_day(
                ticket,
                called=1,
                wait_seconds_total=ticket.wait_seconds,
                wait_max=ticket.wait_seconds,
            )
        audit.record(
            "queues.ticket.called",
            actor=user,
            target=ticket,
            summary=f"{ticket.code} {counter.name}",
            request=request,
            counter=counter.pk,
            wait_seconds=ticket.wait_seconds,
        )
    logger.info("Ticket %s called to %s", ticket.code, counter)
    return ticket


def _claim_next(counter: Counter, now: datetime) -> Ticket | None:
    """Claim the first waiting ticket in call order for ``counter``.

    On PostgreSQL the candidate row is locked and rows other counters hold are skipped; the
    conditional update is the guarantee on every database: only one counter moves a ticket
    out of "waiting".
    """
    for _attempt in range(CLAIM_ATTEMPTS):
        candidates = _waiting_for(counter).in_call_order()
        candidate = candidates.select_for_update(skip_locked=True).first()
        if candidate is None:
            return None
        claimed = Ticket.objects.filter(pk=candidate.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED,
            counter=counter,
            called_at=candidate.called_at or now,
            last_called_at=now,
        )
        if claimed:
            return Ticket.objects.select_related("line", "priority_group").get(pk=candidate.pk)
    raise QueueError(_("Terlalu banyak loket memanggil bersamaan. Coba lagi."))


def _require_current(counter: Counter) -> Ticket:
    ticket = current_ticket(counter)
    if ticket is None:
        raise QueueError(_("Belum ada nomor yang dipanggil di loket ini."))
    return ticket


def recall(counter: Counter, *, user, request=None, now: datetime | None = None) -> Ticket:
    """Call the counter's current ticket again (the board shows it again)."""
    _check_operator(user, counter)
    now = now or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _require_current(counter)
        ticket.last_called_at = now
        ticket.recalls += 1
        ticket.save(update_fields=["last_called_at", "recalls"])
        audit.record("queues.ticket.recalled", actor=user, target=ticket, request=request)
    return ticket


def finish(counter: Counter, *, user, request=None, now: datetime | None = None) -> Ticket:
    """The counter's current ticket has been served."""
    _check_operator(user, counter)
    now = now or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _require_current(counter)
        _finish(ticket, TicketStatus.DONE, now)
        audit.record("queues.ticket.finished", actor=user, target=ticket, request=request)
    return ticket


def skip(counter: Counter, *, user, request=None, now: datetime | None = None) -> Ticket:
    """The person called did not come: the ticket leaves the queue as skipped."""
    _check_operator(user, counter)
    now = now or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _require_current(counter)
        _finish(ticket, TicketStatus.SKIPPED, now)
        audit.record("queues.ticket.skipped", actor=user, target=ticket, request=request)
    return ticket


def transfer(counter: Counter, *, user, line: ServiceLine, request=None) -> Ticket:
    """Send the counter's current ticket to another line of the same point.

    It waits there in order of its first arrival, so the person does not start over.
    """
    _check_operator(user, counter)
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _require_current(counter)
        if line.point_id != counter.point_id or not line.is_active:
            raise QueueError(_("Layanan tujuan harus layanan aktif di titik layanan yang sama."))
        if line.pk == ticket.line_id:
            raise QueueError(_("Tiket sudah berada di layanan ini."))
        origin = ticket.line
        ticket.line = line
        ticket.status = TicketStatus.WAITING
        ticket.counter = None
        ticket.transfers += 1
        ticket.save(update_fields=["line", "status", "counter", "transfers"])
        audit.record(
            "queues.ticket.transferred",
            actor=user,
            target=ticket,
            request=request,
            summary=f"{ticket.code} {origin.prefix} -> {line.prefix}",
        )
    return ticket


def expire_waiting(*, before, now: datetime | None = None) -> int:
    """Mark tickets of days before ``before`` that were never called as skipped; how many.

    A ticket stays valid past midnight (it is called in its turn the next morning); this closes
    the ones nobody came back for, so they do not head the queue for ever. Run daily, keeping
    at least yesterday (``manage.py expire_queue_tickets``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        stale = Ticket.objects.waiting().filter(service_day__lt=before)
        per_day = list(
            stale.values("line_id", "service_day").annotate(count=Count("id")).order_by()
        )
        expired = stale.update(status=TicketStatus.SKIPPED, finished_at=now)
        for group in per_day:
            LineDay.objects.filter(line_id=group["line_id"], day=group["service_day"]).update(
                skipped=F("skipped") + group["count"]
            )
    if expired:
        audit.record("queues.tickets.expired", summary=f"{expired} before {before}", count=expired)
    return expired


# --------------------------------------------------------------------------- display board


@dataclass(frozen=True)
class BoardCall:
    code: str
    counter: str
    line: str
    called_at: datetime
    recalls: int


def board(point: ServicePoint) -> dict:
    """What the display board shows: the latest calls and how many wait in each line."""
    calls = (
        Ticket.objects.filter(point=point, status=TicketStatus.CALLED)
        .select_related("counter", "line")
        .order_by("-last_called_at", "-id")[:BOARD_RECENT]
    )
    lines = list(point.lines.filter(is_active=True).order_by("position", "prefix"))
    waiting = dict(
        Ticket.objects.waiting()
        .filter(point=point)
        .values_list("line_id")
        .annotate(count=Count("id"))
        .values_list("line_id", "count")
    )
    return {
        "calls": [
            BoardCall(
                code=ticket.code,
                counter=ticket.counter.name if ticket.counter else "",
                line=ticket.line.display_name,
                called_at=ticket.last_called_at,
                recalls=ticket.recalls,
            )
            for ticket in calls
        ],
        "lines": [
            {"prefix": line.prefix, "name": line.display_name, "waiting": waiting.get(line.pk, 0)}
            for line in lines
        ],
    }
