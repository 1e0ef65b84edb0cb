"""Business rules of applications: starting one, editing, attachments, and every workflow step.

Views, the API and commands call these functions and nothing else changes an application.
Each step locks the application row and runs through :func:`services.workflow.move`, which
checks the role and scope, writes the history and the audit trail and notifies the applicant.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from core import audit
from core.workdays import add_working_days, regency_date
from people.models import Resident
from regions.models import Level as RegionLevel
from services import attachments as files
from services import formdef, workflow
from services.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    Attachment,
    Level,
    Service,
    State,
)
from services.requirements import requirement_labels
from services.workflow import IncompleteStep, NotPermitted, TransitionNotAllowed, WorkflowError

logger = logging.getLogger(__name__)

#: States in which the applicant may change the answers and the attachments.
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
MAX_ATTACHMENTS = 20


class IssueFailed(WorkflowError):
    """The approval could not issue its document; nothing was approved."""


# --------------------------------------------------------------------------- applicants


def _resident_of(user) -> Resident:
    if getattr(user, "role", None) != Role.RESIDENT or not user.resident_id:
        raise NotPermitted(
            _("Hanya warga yang masuk dengan akunnya sendiri yang dapat mengajukan.")
        )
    return user.resident


def family_of(resident: Resident) -> QuerySet[Resident]:
    """Who a resident may apply for: themself and the members of their family card."""
    condition = Q(pk=resident.pk)
    if resident.family_id:
        condition |= Q(family_id=resident.family_id)
    return Resident.objects.filter(condition).order_by("full_name")


def validate_answers(service: Service, data: Mapping) -> dict[str, str]:
    """The answers as stored, or ``ValidationError`` with the form's errors by field key."""
    form = formdef.bind(service.form_definition, data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.to_json()


def _route(application: Application) -> None:
    """Set the offices the application goes to, from the subject's village and the service."""
    subject = application.subject
    application.village_id = subject.village_id
    level = application.service.level
    application.district_id = subject.village.parent_id if level == Level.DISTRICT else None
    application.agency_id = application.service.agency_id if level == Level.AGENCY else None


def start_application(
    *,
    service: Service,
    user,
    subject: Resident,
    form_data: Mapping,
    channel: str = "web",
    idempotency_key=None,
    request=None,
) -> Application:
    """A draft application of ``user``'s resident for themself or a family member.

    ``idempotency_key`` is the token of the form that was sent: the same form sent again (a
    double tap, a reload) returns the application the first one made instead of a second one.
    The key is unique in the database, so two requests racing with it cannot both insert.
    """
    applicant = _resident_of(user)
    if idempotency_key:
        earlier = _made_with(idempotency_key, user)
        if earlier is not None:
            return earlier
    if not service.is_active or channel not in (service.channels or []):
        raise NotPermitted(_("Layanan ini tidak dapat diajukan lewat saluran ini."))
    from rollout.services import service_enabled  # rollout builds on services: import late

    if not service_enabled(service, subject.village_id):
        raise NotPermitted(
            _("Layanan ini belum dibuka di desa Anda. Tanyakan ke kantor desa/kelurahan.")
        )
    if not family_of(applicant).filter(pk=subject.pk).exists():
        raise NotPermitted(
            _("Anda hanya dapat mengajukan untuk diri sendiri atau anggota keluarga dalam KK Anda.")
        )
    answers = validate_answers(service, form_data)

    try:
        with transaction.atomic():
            application = _create_draft(
                service, user, applicant, subject, answers, channel, idempotency_key, request
            )
    except IntegrityError:
        # Another request with the same form token won the race: hand back its application.
        earlier = _made_with(idempotency_key, user) if idempotency_key else None
        if earlier is None:
            raise
        return earlier
    return application


def _made_with(idempotency_key, user) -> Application | None:
    """The application this user's form with ``idempotency_key`` already made, if any."""
    return Application.objects.filter(idempotency_key=idempotency_key, created_by=user).first()


def _create_draft(service, user, applicant, subject, answers, channel, idempotency_key, request):
    application = Application(
        service=service,
        applicant=applicant,
        subject=subject,
        created_by=user,
        form_data=answers,
        channel=channel,
        state=State.DRAFT,
        idempotency_key=idempotency_key or None,
    )
    _route(application)
    application.save()
    ApplicationEvent.objects.create(
        application=application,
        actor=user,
        actor_label=workflow.actor_label(user),
        actor_role=workflow.actor_role(user),
        action="create",
        from_state="",
        to_state=State.DRAFT,
    )
    audit.record(
        "services.application.created",
        actor=user,
        target=application,
        summary=f"{application.tracking_code} {service.code}",
        request=request,
    )
    return application


def _check_editable(application: Application, user) -> None:
    if not workflow.in_scope(user, application) or not workflow.is_applicant(user, application):
        raise NotPermitted(_("Hanya pemohon yang dapat mengubah permohonan ini."))
    if application.state not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            _("Permohonan yang berstatus “%(state)s” tidak dapat diubah lagi.")
            % {"state": application.get_state_display()}
        )


def update_answers(application: Application, user, form_data: Mapping, *, request=None):
    """Change the answers of a draft or of an application returned for revision."""
    with transaction.atomic():
        application = workflow.lock(application)
        _check_editable(application, user)
        application.form_data = validate_answers(application.service, form_data)
        application.save(update_fields=["form_data", "updated_at"])
        audit.record(
            "services.application.edited",
            actor=user,
            target=application,
            summary=application.tracking_code,
            request=request,
        )
    return application


# --------------------------------------------------------------------------- attachments


def add_attachment(
    application: Application, user, upload, *, requirement: str = "", request=None
) -> Attachment:
    """Check and store a file for a draft or returned application."""
    _check_editable(application, user)
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise files.AttachmentRefused(
            _("Paling banyak %(n)s lampiran per permohonan.") % {"n": MAX_ATTACHMENTS}
        )
    stored = files.store(upload)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                application=application,
                requirement=requirement[:200],
                original_name=files.display_name(getattr(upload, "name", "")),
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                stored_name=stored.stored_name,
                uploaded_by=user,
            )
            audit.record(
                "services.attachment.added",
                actor=user,
                target=application,
                summary=f"{application.tracking_code} {stored.content_type} {stored.size}",
                request=request,
            )
    except BaseException:
        files.remove(stored.stored_name)
        raise
    return attachment


def remove_attachment(attachment: Attachment, user, *, request=None) -> None:
    application = attachment.application
    _check_editable(application, user)
    stored_name = attachment.stored_name
    with transaction.atomic():
        attachment.delete()
        audit.record(
            "services.attachment.removed",
            actor=user,
            target=application,
            summary=application.tracking_code,
            request=request,
        )
        transaction.on_commit(lambda: files.remove(stored_name))


# --------------------------------------------------------------------------- workflow steps


def submit(application: Application, user, *, note: str = "", request=None) -> Application:
    """Send a draft, or a revised application, to the village office; starts the service clock."""
    with transaction.atomic():
        application = workflow.lock(application)
        error = workflow.refusal("submit", user, application)
        if error is not None:
            raise error
        try:
            # Staff may have changed the form since the draft was saved.
            validate_answers(application.service, application.form_data)
        except ValidationError as invalid:
            raise IncompleteStep(
                _("Isian formulir belum lengkap atau sudah berubah. Perbaiki isian lalu ajukan.")
            ) from invalid
        _route(application)
        workflow.move(application, "submit", user, note=note, request=request)
        service = application.service
        application.due_date = add_working_days(
            regency_date(application.submitted_at), service.sla_days
        )
        application.fee = service.fee
        application.last_reason = ""
        application.save(update_fields=["due_date", "fee", "last_reason"])
    return application


def _step(action: str, application: Application, user, note: str, request) -> Application:
    with transaction.atomic():
        application = workflow.lock(application)
        workflow.move(application, action, user, note=note, request=request)
    return application


def verify(application: Application, user, *, note: str = "", request=None) -> Application:
    return _step("verify", application, user, note, request)


def forward(application: Application, user, *, note: str = "", request=None) -> Application:
    return _step("forward", application, user, note, request)


def return_for_revision(application: Application, user, *, reason: str, request=None):
    return _step("return", application, user, reason, request)


def reject(application: Application, user, *, reason: str, request=None) -> Application:
    return _step("reject", application, user, reason, request)


def cancel(application: Application, user, *, note: str = "", request=None) -> Application:
    return _step("cancel", application, user, note, request)


def approve(application: Application, user, *, note: str = "", request=None) -> Application:
    """Approve, and in the same transaction issue the document (or record the service done).

    Two heads approving at once: the second waits for the row lock, then finds the application
    issued and gets :class:`TransitionNotAllowed`; one document, one number.
    """
    from documents.services import DocumentError, issue_document

    with transaction.atomic():
        application = workflow.lock(application)
        workflow.move(application, "approve", user, note=note, request=request)
        document_type = application.service.document_type
        if document_type is not None:
            office = issuing_office(application)
            try:
                document = issue_document(
                    document_type=document_type,
                    subject=application.subject,
                    office_code=office.code,
                    office_name=office.name,
                    letterhead_lines=office.letterhead_lines,
                    signer=user,
                    signer_name=signer_name(user),
                    signer_position=office.signer_position,
                    context=document_context(application),
                    request=request,
                )
            except DocumentError as error:
                raise IssueFailed(str(error)) from error
            application.document = document
            application.save(update_fields=["document"])
            with translation.override(settings.LANGUAGE_CODE):
                issue_note = _("Dokumen nomor %(number)s diterbitkan dan ditandatangani.") % {
                    "number": document.number
                }
        else:
            # Stored in the history: written in the platform's language, not the officer's.
            with translation.override(settings.LANGUAGE_CODE):
                issue_note = _(
                    "Layanan selesai. Layanan ini tidak menghasilkan dokumen elektronik."
                )
        workflow.move(application, "issue", user, note=issue_note, request=request)
    return application


STEPS = {
    "submit": submit,
    "verify": verify,
    "forward": forward,
    "approve": approve,
    "cancel": cancel,
}


def perform(action: str, application: Application, user, *, note: str = "", request=None):
    """Take a step chosen on a page; ``note`` is the reason for returning or rejecting."""
    if action == "return":
        return return_for_revision(application, user, reason=note, request=request)
    if action == "reject":
        return reject(application, user, reason=note, request=request)
    step = STEPS.get(action)
    if step is None:
        raise NotPermitted(_("Tindakan ini tidak dikenal."))
    return step(application, user, note=note, request=request)


# --------------------------------------------------------------------------- issuing office


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    letterhead_lines: list[str]
    signer_position: str


def _regency_lines(village) -> tuple[str, str]:
    district = village.parent
    regency = district.parent if district and district.parent_id else None
    province = regency.parent if regency and regency.parent_id else None
    regency_name = regency.name if regency else "Kabupaten Banyuwangi"
    return regency_name, (province.name if province else "")


def issuing_office(application: Application) -> Office:
    """The office whose head signs: the village, its district, or the service's agency."""
    village = application.village
    district = village.parent
    regency_name, province_name = _regency_lines(village)
    government = f"PEMERINTAH {regency_name.upper()}"
    region_tail = ", ".join(part for part in (regency_name, province_name) if part)
    level = application.service.level

    if level == Level.VILLAGE:
        urban = village.level == RegionLevel.URBAN_VILLAGE
        word = "Kelurahan" if urban else "Desa"
        address = f"{word} {village.name}, Kecamatan {district.name}, {region_tail}"
        if village.postal_code:
            address = f"{address} {village.postal_code}"
        return Office(
            code=village.code,
            name=f"Kelurahan {village.name}" if urban else f"Pemerintah Desa {village.name}",
            letterhead_lines=[
                government,
                f"KECAMATAN {district.name.upper()}",
                f"{word.upper()} {village.name.upper()}",
                address,
            ],
            signer_position=f"Lurah {village.name}" if urban else f"Kepala Desa {village.name}",
        )
    if level == Level.DISTRICT:
        office_district = application.district or district
        return Office(
            code=office_district.code,
            name=f"Kecamatan {office_district.name}",
            letterhead_lines=[
                government,
                f"KECAMATAN {office_district.name.upper()}",
                f"Kecamatan {office_district.name}, {region_tail}",
            ],
            signer_position=f"Camat {office_district.name}",
        )
    agency = application.agency
    lines = [government] if agency.kind == "regional" else []
    lines += [agency.name.upper(), region_tail]
    return Office(
        code=agency.code,
        name=agency.name,
        letterhead_lines=lines,
        signer_position=f"Kepala {agency.name}",
    )


def signer_name(user) -> str:
    return user.get_full_name() or user.get_username()


def document_context(application: Application) -> dict:
    """What the document template fills in besides the subject's register data."""
    definition = application.service.form_definition
    answers = application.form_data or {}
    return {
        "keperluan": answers.get("keperluan", ""),
        "form": {field["key"]: answers.get(field["key"], "") for field in definition},
        "form_labels": {field["key"]: field["label"] for field in definition},
    }


def awaiting_approval(application: Application) -> bool:
    """Verified (village level) or forwarded (district or agency): the head decides next."""
    level = application.service.level
    return (application.state == State.VERIFIED and level == Level.VILLAGE) or (
        application.state == State.FORWARDED and level != Level.VILLAGE
    )


def preview_document(application: Application, user) -> bytes:
    """The draft PDF the head sees before approving: no number, no QR code, marked draft."""
    from documents.services import render_preview

    if not Application.objects.visible_to(user).filter(pk=application.pk).exists():
        raise NotPermitted(_("Permohonan ini di luar wilayah atau instansi tugas Anda."))
    if application.service.document_type is None:
        raise TransitionNotAllowed(_("Layanan ini tidak menghasilkan dokumen."))
    if not awaiting_approval(application):
        raise TransitionNotAllowed(
            _("Pratinjau tersedia selama permohonan menunggu persetujuan pimpinan.")
        )
    office = issuing_office(application)
    return render_preview(
        document_type=application.service.document_type,
        subject=application.subject,
        office_name=office.name,
        letterhead_lines=office.letterhead_lines,
        signer_name="",
        signer_position=office.signer_position,
        context=document_context(application),
        office_code=office.code,
    )


# --------------------------------------------------------------------------- catalogue editing


def editable_services(user) -> QuerySet[Service]:
    """Services the user may edit: all for the regent, their own agency's for an agency head."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Service.objects.none()
    if user.role == Role.REGENT:
        return Service.objects.all()
    if user.role == Role.AGENCY_HEAD and user.agency_id:
        return Service.objects.filter(agency_id=user.agency_id)
    return Service.objects.none()


def save_service(service: Service, user, *, changed: list[str], request=None) -> Service:
    """Save a service edited through a form (already cleaned), if the user may edit it."""
    if not editable_services(user).filter(pk=service.pk).exists():
        raise NotPermitted(_("Anda tidak berwenang mengubah layanan ini."))
    with transaction.atomic():
        service.save()
        audit.record(
            "services.service.changed",
            actor=user,
            target=service,
            summary=service.code,
            request=request,
            fields=sorted(changed),
        )
    return service


# --------------------------------------------------------------------------- back office


def missing_requirements(application: Application, attachments=None) -> list[str]:
    """The service's required documents that have no attachment marked for them."""
    if attachments is None:
        attachments = application.attachments.all()
    attached = {attachment.requirement for attachment in attachments}
    return [item for item in application.service.required_documents if item[:200] not in attached]


@dataclass
class BulkResult:
    """What a bulk step did: the codes it moved, and the ones it skipped with the reason."""

    done: list[str]
    skipped: list[tuple[str, str]]


BULK_LIMIT = 100


def bulk_verify(user, tracking_codes, *, request=None) -> BulkResult:
    """Verify many submitted applications at once, where that is safe.

    Only applications in the user's scope, still waiting for verification and with every
    required document attached are verified; each in its own transaction through the same
    workflow step as a single verification (row lock, role check, history, audit trail). Every
    other one is skipped with the reason, and the rest go on.
    """
    codes = list(dict.fromkeys(code for code in tracking_codes if code))[:BULK_LIMIT]
    found = {
        application.tracking_code: application
        for application in Application.objects.visible_to(user)
        .filter(tracking_code__in=codes)
        .select_related("service", "village")
    }
    result = BulkResult(done=[], skipped=[])
    for code in codes:
        application = found.get(code)
        if application is None:
            result.skipped.append((code, _("Tidak ditemukan dalam wilayah tugas Anda.")))
            continue
        try:
            with transaction.atomic():
                application = workflow.lock(application)
                if application.state != State.SUBMITTED:
                    raise TransitionNotAllowed(
                        _("Berstatus “%(state)s”, bukan menunggu verifikasi.")
                        % {"state": application.get_state_display()}
                    )
                missing = missing_requirements(application)
                if missing:
                    raise IncompleteStep(
                        _("Lampiran belum lengkap: %(missing)s.")
                        % {"missing": ", ".join(requirement_labels(missing))}
                    )
                workflow.move(application, "verify", user, request=request)
        except WorkflowError as error:
            result.skipped.append((code, error.message))
        else:
            result.done.append(code)
    audit.record(
        "services.application.bulk_verify",
        actor=user,
        summary=_bulk_summary(result),
        request=request,
        verified=result.done,
        skipped=[code for code, _reason in result.skipped],
    )
    return result


def _bulk_summary(result: BulkResult) -> str:
    return f"verified {len(result.done)}, skipped {len(result.skipped)}"


def add_note(application: Application, user, text: str, *, request=None) -> ApplicationNote:
    """An internal note by an officer who can see the application; residents cannot."""
    if getattr(user, "role", None) in (Role.RESIDENT, Role.KIOSK) or not workflow.in_scope(
        user, application
    ):
        raise NotPermitted(_("Hanya petugas yang menangani permohonan ini yang dapat mencatat."))
    text = (text or "").strip()
    if not text:
        raise IncompleteStep(_("Catatan tidak boleh kosong."))
    with transaction.atomic():
        note = ApplicationNote.objects.create(
            application=application,
            author=user,
            author_label=workflow.actor_label(user),
            author_role=workflow.actor_role(user),
            text=text[:2000],
        )
        audit.record(
            "services.note.added",
            actor=user,
            target=application,
            summary=application.tracking_code,
            request=request,
        )
    return note
