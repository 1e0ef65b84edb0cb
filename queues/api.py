"""Queue endpoints for the app and the village kiosks, mounted at ``/api/v1/queues/``.

Points, the display board and a ticket (by its secret token) are public and hold no personal
data; taking a ticket needs a resident or kiosk token. Counter actions stay on the staff web
pages: staff accounts have no API tokens.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accounts.roles import Role
from api.auth import kiosk_auth, resident_auth
from api.errors import ApiError, errors, get_visible_or_404
from api.pagination import LimitOffset
from queues import services
from queues.models import PriorityGroup, ServiceLine, ServicePoint, Ticket, TicketChannel

router = Router(tags=["queues"])


class LineOut(Schema):
    id: int
    prefix: str
    name: str = Field(alias="display_name")


class PointOut(Schema):
    code: str
    name: str
    kind: str
    region_code: str = Field(alias="region.code")
    region_name: str = Field(alias="region.name")
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(point: ServicePoint) -> list[ServiceLine]:
        return [line for line in point.lines.all() if line.is_active]


class PriorityGroupOut(Schema):
    code: str
    name: str = Field(alias="display_name")


class BoardCallOut(Schema):
    code: str
    counter: str
    line: str
    called_at: datetime
    recalls: int


class BoardLineOut(Schema):
    prefix: str
    name: str
    waiting: int


class BoardOut(Schema):
    calls: list[BoardCallOut]
    lines: list[BoardLineOut]


class TicketIn(Schema):
    line_id: int
    priority_group: str = Field("", max_length=30, description="Kode kelompok, kosong bila tidak")
    reference: str = Field("", max_length=20, description="Kode permohonan atau pengaduan")


class TicketOut(Schema):
    code: str
    token: str
    status: str
    point: str = Field(alias="point.code")
    line: str = Field(alias="line.display_name")
    taken_at: datetime
    is_priority: bool
    ahead: int
    counter: str | None = None

    @staticmethod
    def resolve_ahead(ticket: Ticket) -> int:
        return services.position(ticket)

    @staticmethod
    def resolve_counter(ticket: Ticket) -> str | None:
        return ticket.counter.name if ticket.counter_id else None


@router.get("/points", auth=None, response={200: list[PointOut], **errors(422)})
@paginate(LimitOffset)
def point_list(request):
    """Active service points and the services each one queues."""
    return (
        ServicePoint.objects.active()
        .select_related("region")
        .prefetch_related("lines")
        .order_by("name", "id")
    )


@router.get("/priority-groups", auth=None, response={200: list[PriorityGroupOut], **errors(422)})
@paginate(LimitOffset)
def priority_groups(request):
    """The groups the regency serves first; any other ticket waits in order of arrival."""
    return PriorityGroup.objects.filter(is_active=True).order_by("position", "id")


@router.get("/points/{code}/board", auth=None, response={200: BoardOut, **errors(404)})
def point_board(request, code: str):
    """What the waiting-room screen shows: the latest calls and how many wait per service."""
    point = get_visible_or_404(ServicePoint.objects.active(), code=code)
    return services.board(point)


@router.post(
    "/points/{code}/tickets",
    auth=[resident_auth, kiosk_auth],
    response={201: TicketOut, **errors(401, 404, 409, 422)},
)
def take_ticket(request, code: str, payload: TicketIn):
    """Take a number. A kiosk takes numbers only at its own village's points."""
    user = request.auth
    points = ServicePoint.objects.active()
    if user.role == Role.KIOSK:
        points = points.filter(region_id=user.region_id)
    point = get_visible_or_404(points, code=code)
    line = point.lines.filter(pk=payload.line_id, is_active=True).first()
    if line is None:
        message = _("Layanan ini tidak dilayani di titik layanan ini.")
        raise ApiError(422, "invalid", message, fields={"line_id": [message]})
    group = None
    if payload.priority_group:
        group = PriorityGroup.objects.filter(code=payload.priority_group, is_active=True).first()
        if group is None:
            message = _("Kelompok prioritas ini tidak berlaku.")
            raise ApiError(422, "invalid", message, fields={"priority_group": [message]})
    try:
        application, complaint = services.find_reference(point, payload.reference)
    except services.QueueError as error:
        raise ApiError(
            422, "invalid", error.message, fields={"reference": [error.message]}
        ) from None
    channel = TicketChannel.KIOSK if user.role == Role.KIOSK else TicketChannel.APP
    try:
        ticket = services.take_ticket(
            point=point,
            line=line,
            channel=channel,
            user=user,
            priority_group=group,
            application=application,
            complaint=complaint,
            request=request,
        )
    except services.QueueError as error:
        raise ApiError(409, "queue_refused", error.message) from None
    return Status(201, ticket)


@router.get("/tickets/{token}", auth=None, response={200: TicketOut, **errors(404)})
def ticket_detail(request, token: str):
    """A ticket by its secret token: status, counter once called, and how many are ahead."""
    return get_visible_or_404(
        Ticket.objects.select_related("point", "line", "counter"), token=token
    )
