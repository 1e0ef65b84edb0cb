"""API endpoints of social assistance, mounted at ``/api/v1/assistance/`` (see api/README.md).

Staff use them from a signed-in browser session (the API's tokens are for residents and
kiosks); errors follow the API's ``{code, message, fields}`` format.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from api.errors import ApiError, errors
from assistance import services
from assistance.models import Programme
from core.audit import record
from people.models import Resident
from people.nik import InvalidIdentifier, normalise_identifier

router = Router(tags=["assistance"], auth=django_auth)


class MemberIn(Schema):
    nik: str
    period: str


class MemberOut(Schema):
    id: int
    programme: str
    period: str
    resident_id: int


class ReceiptOut(Schema):
    code: str
    name: str
    period: str
    status: str
    unit: str
    via: str


def _resident(request, nik: str) -> Resident:
    try:
        digits = normalise_identifier(nik).value
    except InvalidIdentifier as error:
        raise ApiError(422, "invalid_nik", str(error), fields={"nik": [str(error)]}) from None
    resident = Resident.objects.visible_to(request.user).filter(nik=digits).first()
    if resident is None:
        raise ApiError(404, "not_found", _("NIK tidak ada di data penduduk wilayah Anda."))
    return resident


@router.post(
    "/programmes/{code}/members",
    response={201: MemberOut, **errors(401, 403, 404, 409, 422)},
)
def add_member(request, code: str, payload: MemberIn):
    """Enrol one NIK; the same NIK (or family, for a household programme) again is 409."""
    if request.user.role not in services.IMPORT_ROLES:
        raise ApiError(403, "forbidden", _("Peran Anda tidak boleh menambah penerima."))
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise Http404
    resident = _resident(request, payload.nik)
    try:
        membership = services.add_member(
            programme=programme,
            period=payload.period.strip(),
            resident=resident,
            actor=request.user,
            request=request,
        )
    except services.AlreadyMember as error:
        raise ApiError(409, "already_member", str(error)) from None
    return Status(
        201,
        {
            "id": membership.pk,
            "programme": programme.code,
            "period": membership.period,
            "resident_id": resident.pk,
        },
    )


@router.get("/receipts/{nik}", response={200: list[ReceiptOut], **errors(401, 404, 422)})
def receipts(request, nik: str):
    """Everything the resident with this NIK or their family receives (an audited look-up)."""
    resident = _resident(request, nik)
    record("assistance.receipts.viewed", actor=request.user, target=resident, request=request)
    return services.receipts_for([resident.pk])[resident.pk]
