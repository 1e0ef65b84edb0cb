"""A resident's applications: start, attach files, submit, follow, answer a request for
revision, cancel, and download the issued document.

Every lookup goes through ``Application.objects.visible_to``: an application outside the
caller's scope answers 404, the same as one that does not exist. Every change is a function
of :mod:`services.services`, which holds the rules; nothing here decides what is allowed.
"""

import re

from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from api.auth import channel_of, resident_auth
from api.errors import ApiError, errors, get_visible_or_404
from api.pagination import LimitOffset
from api.schemas import (
    AnswersIn,
    ApplicationAttachmentOut,
    ApplicationCreate,
    ApplicationDetailOut,
    ApplicationOut,
    NoteIn,
    RevisionIn,
)
from core import audit
from documents import services as documents
from documents.models import IssuedDocument
from services import services
from services.models import Application, Service, State
from services.workflow import TransitionNotAllowed

router = Router(tags=["applications"], auth=resident_auth)

_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def _visible(request):
    return Application.objects.visible_to(request.auth).select_related(
        "service", "subject", "applicant", "document"
    )


def _application(request, application_id: int) -> Application:
    return get_visible_or_404(_visible(request), pk=application_id)


class ApplicationFilter(Schema):
    state: State | None = Field(None, description="Hanya permohonan dengan status ini")


@router.get("", response={200: list[ApplicationOut], **errors(401, 422)})
@paginate(LimitOffset)
def application_list(request, filters: Query[ApplicationFilter]):
    """The caller's applications and those about their family, newest first."""
    found = _visible(request)
    if filters.state:
        found = found.filter(state=filters.state)
    return found.order_by("-created_at", "-id")


@router.post("", response={201: ApplicationDetailOut, **errors(401, 403, 404, 422)})
def application_create(request, payload: ApplicationCreate):
    """Start a draft for oneself or a family member (``subject_id`` from ``/me/family``)."""
    service = get_visible_or_404(Service.objects.active(), code=payload.service_code)
    user = request.auth
    if payload.subject_id is None:
        subject = user.resident
    else:
        subject = services.family_of(user.resident).filter(pk=payload.subject_id).first()
        if subject is None:
            raise ApiError(
                422,
                "invalid",
                _("Yang bersangkutan harus Anda sendiri atau anggota keluarga dalam KK Anda."),
                {"subject_id": [_("Bukan anggota keluarga Anda.")]},
            )
    application = services.start_application(
        service=service,
        user=user,
        subject=subject,
        form_data=payload.form_data,
        channel=channel_of(request),
        request=request,
    )
    return Status(201, _application(request, application.pk))


@router.get("/{int:application_id}", response={200: ApplicationDetailOut, **errors(401, 404)})
def application_detail(request, application_id: int):
    """Where the application is: state, history, attachments, the steps the caller may take."""
    return _application(request, application_id)


@router.put(
    "/{int:application_id}/form",
    response={200: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
)
def application_answers(request, application_id: int, payload: AnswersIn):
    """Change the answers of a draft or of an application returned for revision."""
    application = _application(request, application_id)
    services.update_answers(application, request.auth, payload.form_data, request=request)
    return _application(request, application_id)


@router.post(
    "/{int:application_id}/attachments",
    response={201: ApplicationAttachmentOut, **errors(401, 403, 404, 409, 422)},
)
def attachment_add(
    request,
    application_id: int,
    file: File[UploadedFile],
    requirement: Form[str] = "",
):
    """Attach a PDF, JPEG or PNG (checked by its content) to a draft or returned application."""
    application = _application(request, application_id)
    attachment = services.add_attachment(
        application, request.auth, file, requirement=requirement[:200], request=request
    )
    return Status(201, attachment)


@router.delete(
    "/{int:application_id}/attachments/{int:attachment_id}",
    response={204: None, **errors(401, 403, 404, 409)},
)
def attachment_remove(request, application_id: int, attachment_id: int):
    application = _application(request, application_id)
    attachment = get_visible_or_404(application.attachments.all(), pk=attachment_id)
    services.remove_attachment(attachment, request.auth, request=request)
    return Status(204, None)


@router.post(
    "/{int:application_id}/submit",
    response={200: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
)
def application_submit(request, application_id: int, payload: NoteIn):
    """Send the draft to the village office; the service level clock starts."""
    application = _application(request, application_id)
    services.submit(application, request.auth, note=payload.note, request=request)
    return _application(request, application_id)


@router.post(
    "/{int:application_id}/revision",
    response={200: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
)
def application_revision(request, application_id: int, payload: RevisionIn):
    """Answer a request for revision: corrected answers (if any) and submit again, at once."""
    application = _application(request, application_id)
    if application.state != State.RETURNED:
        raise TransitionNotAllowed(
            _("Permohonan %(code)s tidak sedang dikembalikan untuk perbaikan.")
            % {"code": application.tracking_code}
        )
    with transaction.atomic():
        if payload.form_data is not None:
            services.update_answers(application, request.auth, payload.form_data, request=request)
        services.submit(application, request.auth, note=payload.note, request=request)
    return _application(request, application_id)


@router.post(
    "/{int:application_id}/cancel",
    response={200: ApplicationDetailOut, **errors(401, 403, 404, 409, 422)},
)
def application_cancel(request, application_id: int, payload: NoteIn):
    application = _application(request, application_id)
    services.cancel(application, request.auth, note=payload.note, request=request)
    return _application(request, application_id)


_PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The signed PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/{int:application_id}/document",
    response=errors(401, 404),
    openapi_extra=_PDF_RESPONSE,
)
def application_document(request, application_id: int):
    """The issued, signed PDF of a finished application (404 while there is none)."""
    application = _application(request, application_id)
    if application.document_id is None:
        raise ApiError(404, "no_document", _("Permohonan ini belum mempunyai dokumen terbit."))
    document = get_visible_or_404(
        IssuedDocument.objects.visible_to(request.auth).select_related("document_type"),
        pk=application.document_id,
        is_external=False,
    )
    try:
        data = documents.read_pdf(document)
    except (documents.DocumentError, FileNotFoundError) as error:
        raise Http404 from error
    audit.record(
        "documents.document.downloaded",
        actor=request.auth,
        target=document,
        summary=document.number,
        request=request,
    )
    name = _UNSAFE_FILE_CHARS.sub("-", f"{document.document_type.code}-{document.number}")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name.strip("-")}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
