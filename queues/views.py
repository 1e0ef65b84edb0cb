"""Queue pages: taking a ticket, the ticket itself, the display board and the counter screen.

Thin: staff pages find points and counters through ``ServicePoint.objects.operated_by`` (a
counter outside the user's scope is a 404), public pages show ticket codes only, and every
change goes through :mod:`queues.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import AGENCY_ROLES, DISTRICT_ROLES, VILLAGE_ROLES, Role
from core.views import keyset_page
from core.workdays import regency_today
from queues import services
from queues.forms import CounterActionForm, PointChoiceForm, TicketForm
from queues.models import (
    Counter,
    LineDay,
    ServicePoint,
    Ticket,
    TicketChannel,
    TicketStatus,
)

#: Roles that may run counters (each within its own points).
OPERATOR_ROLES = frozenset({Role.REGENT}) | DISTRICT_ROLES | VILLAGE_ROLES | AGENCY_ROLES
POINT_PAGE_SIZE = 25
# Session key holding the tokens of tickets taken in this browser (shared by every worker).
SESSION_TICKETS = "queues_tickets"
NEXT_UP = 10


def _role(user) -> str | None:
    return getattr(user, "role", None) if user.is_authenticated else None


# --------------------------------------------------------------------------- taking a ticket


def _kiosk_of(request):
    """The kiosk device in use: a kiosk account signed in, or a browser the portal bound to one
    (``request.kiosk``, set by the portal's kiosk middleware, also while a resident uses it)."""
    if _role(request.user) == Role.KIOSK:
        return request.user
    return getattr(request, "kiosk", None)


def _points_for_taking(request):
    """Points a visitor may take a ticket at: a kiosk only at its own village's points."""
    points = ServicePoint.objects.active().select_related("region")
    device = _kiosk_of(request)
    if device is not None:
        return points.filter(region_id=device.region_id)
    return points


def _channel_for(request) -> str:
    if _kiosk_of(request) is not None:
        return TicketChannel.KIOSK
    if _role(request.user) == Role.RESIDENT:
        return TicketChannel.APP
    # Staff at the door hand out numbers for visitors; an anonymous visitor scanned the QR code
    # posted at the door.
    return TicketChannel.DOOR


def _held_ticket(request, point: ServicePoint) -> Ticket | None:
    """A ticket this browser already holds at ``point``; a kiosk and staff hand out many."""
    if _kiosk_of(request) is not None or _role(request.user) in OPERATOR_ROLES:
        return None
    tokens = request.session.get(SESSION_TICKETS, [])
    if not tokens:
        return None
    return (
        Ticket.objects.filter(
            token__in=tokens,
            point=point,
            status__in=(TicketStatus.WAITING, TicketStatus.CALLED),
        )
        .order_by("taken_at")
        .first()
    )


def take_ticket(request):
    """Take a queue number: at the kiosk, at the door, or in the app. Open to everyone."""
    points = _points_for_taking(request)
    chooser = PointChoiceForm(request.GET or None, points=points)
    point = None
    if "titik" in request.GET:
        point = chooser.cleaned_data["titik"] if chooser.is_valid() else None
    elif _kiosk_of(request) is not None and len(kiosk_points := list(points[:2])) == 1:
        point = kiosk_points[0]
    if point is None:
        return render(request, "queues/choose_point.html", {"form": chooser})

    held = _held_ticket(request, point)
    if held is not None:
        messages.info(request, _("Anda masih memegang nomor %(code)s.") % {"code": held.code})
        return redirect("queues:ticket_detail", held.token)

    form = TicketForm(request.POST if request.method == "POST" else None, point=point)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.take_ticket(
                point=point,
                line=form.cleaned_data["line"],
                channel=_channel_for(request),
                user=request.user,
                priority_group=form.cleaned_data["priority_group"],
                application=form.application,
                complaint=form.complaint,
                request=request,
            )
        except services.QueueError as error:
            messages.error(request, error.message)
        else:
            request.session[SESSION_TICKETS] = [
                *request.session.get(SESSION_TICKETS, [])[-9:],
                ticket.token,
            ]
            return redirect("queues:ticket_detail", ticket.token)
    return render(request, "queues/take_ticket.html", {"point": point, "form": form})


@never_cache
def ticket_detail(request, token: str):
    """The visitor's ticket: its number and how many are ahead. Holds no personal data."""
    ticket = get_object_or_404(
        Ticket.objects.select_related("point", "line", "counter"), token=token
    )
    return render(
        request,
        "queues/ticket_detail.html",
        {
            "ticket": ticket,
            "ahead": services.position(ticket),
            "is_kiosk": _kiosk_of(request) is not None,
            "live": ticket.status in (TicketStatus.WAITING, TicketStatus.CALLED),
        },
    )


# --------------------------------------------------------------------------- display board


def display_board(request, code: str):
    """The big screen in the waiting room; a small static script refreshes it."""
    point = get_object_or_404(ServicePoint.objects.active(), code=code)
    return render(
        request, "queues/display_board.html", {"point": point, "board": services.board(point)}
    )


@require_GET
@never_cache
def board_data(request, code: str):
    point = get_object_or_404(ServicePoint.objects.active(), code=code)
    data = services.board(point)
    return JsonResponse(
        {
            "calls": [
                {
                    "code": call.code,
                    "counter": call.counter,
                    "line": call.line,
                    "called_at": call.called_at.isoformat(),
                    "recalls": call.recalls,
                }
                for call in data["calls"]
            ],
            "lines": data["lines"],
            "updated_at": timezone.now().isoformat(),
        }
    )


# --------------------------------------------------------------------------- staff pages


def _require_operator(user) -> None:
    if _role(user) not in OPERATOR_ROLES:
        raise PermissionDenied


@login_required
def point_list(request):
    """The points the officer runs, with their counters and how many wait at each."""
    _require_operator(request.user)
    points = (
        ServicePoint.objects.operated_by(request.user)
        .active()
        .select_related("region")
        .prefetch_related("counters")
        .annotate(waiting=Count("tickets", filter=Q(tickets__status=TicketStatus.WAITING)))
    )
    page = keyset_page(request, points, ordering=("name", "id"), size=POINT_PAGE_SIZE)
    return render(request, "queues/point_list.html", {"page": page})


def _counter_for(user, pk: int) -> Counter:
    _require_operator(user)
    return get_object_or_404(
        Counter.objects.filter(point__in=ServicePoint.objects.operated_by(user)).select_related(
            "point"
        ),
        pk=pk,
    )


_ACTIONS = {
    "call_next": services.call_next,
    "recall": services.recall,
    "finish": services.finish,
    "skip": services.skip,
}


@login_required
def counter_screen(request, pk: int):
    """One counter: the number being served, and the buttons to call, recall, skip, transfer."""
    counter = _counter_for(request.user, pk)
    form = CounterActionForm(request.POST if request.method == "POST" else None, counter=counter)
    if request.method == "POST":
        if form.is_valid():
            _run_action(request, counter, form.cleaned_data)
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return redirect("queues:counter_screen", counter.pk)

    lines = counter.lines.filter(is_active=True)
    next_up = list(
        Ticket.objects.waiting()
        .filter(point_id=counter.point_id, line__in=lines)
        .select_related("line", "priority_group")
        .in_call_order()[:NEXT_UP]
    )
    today = LineDay.objects.filter(line__in=lines, day=regency_today()).select_related("line")
    return render(
        request,
        "queues/counter_screen.html",
        {
            "counter": counter,
            "current": services.current_ticket(counter),
            "next_up": next_up,
            "today": today,
            "form": form,
        },
    )


def _run_action(request, counter: Counter, data: dict) -> None:
    action = data["action"]
    try:
        if action == "transfer":
            ticket = services.transfer(
                counter, user=request.user, line=data["line"], request=request
            )
        else:
            ticket = _ACTIONS[action](counter, user=request.user, request=request)
    except services.QueueError as error:
        messages.error(request, error.message)
        return
    if ticket is None:
        messages.info(request, _("Tidak ada yang menunggu."))
    elif action in ("call_next", "recall"):
        messages.success(request, _("Memanggil %(code)s.") % {"code": ticket.code})
    elif action == "transfer":
        messages.success(
            request,
            _("%(code)s dialihkan ke %(line)s.")
            % {"code": ticket.code, "line": ticket.line.display_name},
        )
    else:
        messages.success(request, _("%(code)s selesai.") % {"code": ticket.code})
