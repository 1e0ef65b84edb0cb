"""Complaint endpoints of the REST API, mounted by ``api.main`` at ``/api/v1/complaints/``.

Residents (on the app, or signed in on a kiosk) report, follow, reopen and confirm their own
complaints; a kiosk device reports for a visitor who does not sign in. Every lookup goes
through ``Complaint.objects.visible_to``: somebody else's complaint answers 404. The rules are
in :mod:`complaints.services`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from api.auth import channel_of, kiosk_auth, resident_auth
from api.errors import ApiError, errors, get_visible_or_404
from api.pagination import LimitOffset
from complaints import publishing, services
from complaints.models import (
    Category,
    Channel,
    Complaint,
    looks_like_region_code,
    looks_like_tracking_code,
)
from regions.models import Region

router = Router(tags=["complaints"])


class ComplaintIn(Schema):
    category: Category
    description: str = Field(..., min_length=1, max_length=services.DESCRIPTION_MAX)
    village_code: str | None = Field(
        None, max_length=13, description="Kode desa/kelurahan; kosong: desa pelapor"
    )
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)
    address: str = Field("", max_length=255)
    anonymous: bool = Field(False, description="Hanya untuk pungutan liar")


class KioskComplaintIn(ComplaintIn):
    reporter_name: str = Field("", max_length=150)
    reporter_phone: str = Field("", max_length=20)


class ComplaintOut(Schema):
    tracking_code: str
    category: str
    category_label: str
    description: str
    village_code: str | None
    state: str
    state_label: str
    status_notes: str
    office: str
    created_at: datetime.datetime
    due_at: datetime.datetime | None
    may_reopen: bool

    @staticmethod
    def resolve_category_label(obj: Complaint) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_village_code(obj: Complaint) -> str | None:
        return obj.village.code if obj.village_id else None

    @staticmethod
    def resolve_state_label(obj: Complaint) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_status_notes(obj: Complaint) -> str:
        return publishing.status_notes(obj)

    @staticmethod
    def resolve_office(obj: Complaint) -> str:
        return services.office_label(obj)

    @staticmethod
    def resolve_may_reopen(obj: Complaint) -> bool:
        return publishing.reopen_open(obj)


class EventOut(Schema):
    at: datetime.datetime
    actor: str
    action: str
    state: str
    note: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_display

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.to_state


class ComplaintDetailOut(ComplaintOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Complaint) -> list:
        return list(obj.events.all())


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


def _visible(request):
    return Complaint.objects.visible_to(request.auth).select_related(
        "village__parent", "agency", "duplicate_of"
    )


def _reload(request, complaint: Complaint) -> Complaint:
    """The complaint as the caller sees it now (a kiosk visitor's is not theirs to list)."""
    return Complaint.objects.select_related("village__parent", "agency", "duplicate_of").get(
        pk=complaint.pk
    )


def _by_code(request, code: str) -> Complaint:
    code = code.upper()
    if not looks_like_tracking_code(code):
        raise Http404
    return get_visible_or_404(_visible(request), tracking_code=code)


def _village(code: str | None) -> Region | None:
    if not code:
        return None
    village = None
    if looks_like_region_code(code):
        village = Region.objects.villages().filter(code=code).first()
    if village is None:
        raise ApiError(
            422,
            "invalid",
            _("Desa/kelurahan tidak dikenal."),
            {"village_code": [_("Tidak dikenal.")]},
        )
    return village


def _submit(request, payload, channel: str, **reporter) -> Complaint:
    intake = services.Intake(
        category=payload.category,
        description=payload.description,
        village=_village(payload.village_code),
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        anonymous=payload.anonymous,
        **reporter,
    )
    try:
        return services.submit_complaint(
            intake, channel=channel, user=request.auth, request=request
        )
    except services.NotPermitted as error:
        raise ApiError(403, "forbidden", " ".join(error.messages)) from error


def _step(call):
    """Run a service step; a refused transition is 409, a refused actor 403."""
    try:
        return call()
    except services.TransitionNotAllowed as error:
        raise ApiError(409, "transition_not_allowed", " ".join(error.messages)) from error
    except services.NotPermitted as error:
        raise ApiError(403, "forbidden", " ".join(error.messages)) from error


@router.get("", response={200: list[ComplaintOut], **errors(401, 422)}, auth=resident_auth)
@paginate(LimitOffset)
def complaint_list(request):
    """The caller's own complaints (not the anonymous ones: those keep no account), newest first."""
    return _visible(request).order_by("-created_at", "-id")


@router.post("", response={201: ComplaintDetailOut, **errors(401, 403, 422)}, auth=resident_auth)
def complaint_create(request, payload: ComplaintIn):
    """Report a complaint. Without ``village_code`` the resident's own village is used."""
    complaint = _submit(request, payload, channel_of(request))
    return Status(201, _reload(request, complaint))


@router.post("/kiosk", response={201: ComplaintDetailOut, **errors(401, 403, 422)}, auth=kiosk_auth)
def complaint_create_at_kiosk(request, payload: KioskComplaintIn):
    """A kiosk takes a complaint for a visitor who does not sign in (the kiosk's village)."""
    complaint = _submit(
        request,
        payload,
        Channel.KIOSK,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
    )
    return Status(201, _reload(request, complaint))


@router.get("/{code}", response={200: ComplaintDetailOut, **errors(401, 404)}, auth=resident_auth)
def complaint_detail(request, code: str):
    return _by_code(request, code)


@router.post(
    "/{code}/photos",
    response={201: ComplaintDetailOut, **errors(401, 404, 409, 422)},
    auth=resident_auth,
)
def complaint_photo(request, code: str, photo: File[UploadedFile]):
    """Add a JPEG or PNG photo to one's own open complaint; anything else is refused (422)."""
    complaint = _by_code(request, code)
    _step(lambda: services.add_photo(complaint, upload=photo, user=request.auth, request=request))
    return Status(201, _reload(request, complaint))


@router.post(
    "/{code}/reopen",
    response={200: ComplaintDetailOut, **errors(401, 404, 409, 422)},
    auth=resident_auth,
)
def complaint_reopen(request, code: str, payload: ReasonIn):
    """Not resolved after all: reopen within the allowed days, with a reason."""
    complaint = _by_code(request, code)
    complaint = _step(
        lambda: services.reopen(complaint, reason=payload.reason, by_reporter=True, request=request)
    )
    return _reload(request, complaint)


@router.post(
    "/{code}/confirm",
    response={200: ComplaintDetailOut, **errors(401, 404, 409)},
    auth=resident_auth,
)
def complaint_confirm(request, code: str):
    """The answer to "was it resolved?": yes. The complaint closes."""
    complaint = _by_code(request, code)
    complaint = _step(lambda: services.confirm_resolved(complaint, request=request))
    return _reload(request, complaint)
