"""Pages of the service catalogue and of applications, for residents and for officers.

Thin: each view finds the application through ``Application.objects.visible_to`` (anything
outside the user's scope is a 404), calls a function of :mod:`services.services`, and renders.
Officers work from queues (to verify, to forward, to approve, returned, overdue), each a
keyset-paged list whose page costs the same few queries whatever the number of rows, and may
verify many complete applications at once; exports stream.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import STAFF_ROLES, VILLAGE_ROLES, Role
from core import audit, exports, jobs
from core.exports import purpose_required
from core.views import keyset_page
from core.workdays import regency_today
from services import attachments as files
from services import formdef, services, workflow
from services.catalogue import version as catalogue_version
from services.forms import (
    ActionForm,
    ApplicationFilterForm,
    AttachmentForm,
    NoteForm,
    SearchForm,
    ServiceEditForm,
    SubjectForm,
)
from services.models import Application, Channel, Service
from services.requirements import requirement_labels
from services.workflow import WorkflowError

PAGE_SIZE = 50
# The cached catalogue table is keyed by the catalogue version; the timeout only bounds how long
# a change the version does not see (an agency renamed) may show.
CATALOGUE_CACHE_SECONDS = 300


# --------------------------------------------------------------------------- catalogue


def catalogue(request):
    """Every service offered to residents, searchable in Indonesian; open to everyone.

    The full list (no search) is the same for everyone: its table is rendered once per
    language and catalogue version (:func:`services.catalogue.version`) and cached; the
    services are only read when that cache misses. Search results are never cached.
    """
    form = SearchForm(request.GET or None)
    found = Service.objects.offered_to_residents().select_related("agency")
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
    if query:
        services, version = list(found.search(query)), ""
    else:
        services, version = found, catalogue_version()
    return render(
        request,
        "services/catalogue.html",
        {
            "form": form,
            "services": services,
            "query": query,
            "cache_version": version,
            "cache_seconds": CATALOGUE_CACHE_SECONDS,
        },
    )


def service_detail(request, code: str):
    service = get_object_or_404(
        Service.objects.offered_to_residents().select_related("agency", "document_type"), code=code
    )
    fields = [
        {"label": formdef.field_label(field), "required": field.get("required", False)}
        for field in service.form_definition
    ]
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "fields": fields,
            "can_apply": _is_resident(request.user) and service.accepts_online,
        },
    )


def _is_resident(user) -> bool:
    return bool(
        user.is_authenticated and getattr(user, "role", None) == Role.RESIDENT and user.resident_id
    )


@login_required
def apply(request, code: str):
    """A resident starts an application for themself or a family member."""
    service = get_object_or_404(Service.objects.active(), code=code)
    if not _is_resident(request.user) or not service.accepts_online:
        raise PermissionDenied
    family = services.family_of(request.user.resident)

    if request.method == "POST":
        subject_form = SubjectForm(request.POST, family=family)
        answers_form = formdef.bind(service.form_definition, request.POST)
        if subject_form.is_valid() and answers_form.is_valid():
            try:
                application = services.start_application(
                    service=service,
                    user=request.user,
                    subject=subject_form.cleaned_data["subject"],
                    form_data=request.POST,
                    channel=Channel.KIOSK if getattr(request, "kiosk", None) else Channel.WEB,
                    idempotency_key=subject_form.cleaned_data["token"],
                    request=request,
                )
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Draf permohonan tersimpan. Lampirkan persyaratan lalu tekan “Ajukan”."),
                )
                return redirect("services:application_detail", application.tracking_code)
    else:
        subject_form = SubjectForm(
            family=family, initial={"subject": request.user.resident, "token": uuid.uuid4()}
        )
        answers_form = formdef.bind(service.form_definition)
    return render(
        request,
        "services/apply.html",
        {"service": service, "subject_form": subject_form, "answers_form": answers_form},
    )


# --------------------------------------------------------------------------- applications


def _filtered_applications(request):
    return filtered_applications(request.user, request.GET)


def filtered_applications(user, params):
    """The applications of the list (and of its exports): scope, then queue, then status.

    Returns (queryset, queue key or "", ordering, filter form).
    """
    applications = Application.objects.visible_to(user)
    if _is_resident(user):
        applications = applications.filter(_family_condition(user))
    queue = params.get("antrian", "")
    if params.get("terlambat") == "1":
        queue = "overdue"  # the older link of the list
    condition = None if _is_resident(user) else workflow.queue_condition(user, queue)
    if condition is not None:
        # A work queue: the longest waiting first.
        applications = applications.filter(condition)
        ordering = ("state_changed_at", "id")
    else:
        queue = ""
        ordering = ("-created_at", "-id")
    form = ApplicationFilterForm(params or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["status"]:
        applications = applications.filter(state=form.cleaned_data["status"])
    return applications, queue, ordering, form


def _family_condition(user) -> Q:
    """For a resident: applications made by or about someone of their family, by id.

    It selects nothing that ``visible_to`` does not (it is added to it, never instead of it),
    but names the people explicitly, so that the database reads the few rows through the
    applicant and subject indexes instead of testing every application of the regency
    against the family subqueries of ``visible_to``.
    """
    from people.models import Resident

    family_id = user.resident.family_id
    people = {user.resident_id}
    if family_id is not None:
        people.update(Resident.objects.filter(family_id=family_id).values_list("pk", flat=True))
    return Q(applicant_id__in=people) | Q(subject_id__in=people)


@login_required
def application_list(request):
    """Residents: their own and their family's applications. Staff: those in their scope, by
    work queue with counts, keyset-paged."""
    user = request.user
    applications, queue, ordering, form = _filtered_applications(request)
    page = keyset_page(
        request,
        applications.select_related("service", "subject", "village").only(*LIST_FIELDS),
        ordering=ordering,
        size=PAGE_SIZE,
    )
    _with_row_fields(page.items)
    is_resident = _is_resident(user)
    counts = {} if is_resident else workflow.queue_counts(user)
    return render(
        request,
        "services/application_list.html",
        {
            "page": page,
            "form": form,
            "queue": workflow.QUEUES.get(queue),
            "queues": [(item, counts.get(item.key, 0)) for item in workflow.queues_for(user)]
            if not is_resident
            else [],
            "is_resident": is_resident,
            "may_export": user.role in STAFF_ROLES,
            "export_query": _without_cursor(request.GET),
            "may_bulk_verify": queue == "verify" and user.role in VILLAGE_ROLES,
        },
    )


# What a row of the list shows: not the answers, the service's form or the whole person
# (JSON and dozens of columns per row that the list never shows).
LIST_FIELDS = (
    "tracking_code",
    "state",
    "due_date",
    "created_at",
    "state_changed_at",
    "service__name",
    "service__name_en",
    "subject__full_name",
    "village__name",
)


def _with_row_fields(applications) -> None:
    """What each row of the list shows, worked out once here rather than per cell in the
    template: ``get_state_display`` translates every choice on each call, and a page has 50
    rows."""
    states = {value: str(label) for value, label in Application._meta.get_field("state").choices}
    # One reverse() for the page; each row's link differs only by its tracking code.
    detail_url = reverse("services:application_detail", args=["-"]).removesuffix("-/")
    today = regency_today()
    for application in applications:
        application.detail_url = f"{detail_url}{application.tracking_code}/"
        application.state_label = states.get(application.state, application.state)
        application.service_name = application.service.display_name
        application.overdue = bool(
            application.due_date and application.is_pending and application.due_date < today
        )


def _without_cursor(params) -> str:
    query = params.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    return query.urlencode()


EXPORT_HEADER = (
    "KODE",
    "LAYANAN",
    "UNTUK",
    "DESA_KELURAHAN",
    "STATUS",
    "DIAJUKAN",
    "BATAS_WAKTU",
    "STATUS_BERUBAH",
)


def _local(moment):
    """A timestamp in the regency's time zone, without zone (spreadsheets take no zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def export_rows(applications):
    """The rows of an export, for :data:`EXPORT_HEADER`; read in chunks, never all at once."""
    states = dict(Application._meta.get_field("state").choices)
    rows = applications.values_list(
        "tracking_code",
        "service__name",
        "subject__full_name",
        "village__name",
        "state",
        "submitted_at",
        "due_date",
        "state_changed_at",
    )
    for code, service, subject, village, state, submitted, due, changed in rows.iterator(
        chunk_size=2000
    ):
        yield (
            code,
            service,
            subject,
            village,
            str(states.get(state, state)),
            _local(submitted),
            due,
            _local(changed),
        )


@login_required
@purpose_required
def application_export(request):
    """The list as it is filtered, as a streamed CSV: thousands of rows without a timeout."""
    user = request.user
    if user.role not in STAFF_ROLES:
        raise PermissionDenied
    applications, queue, ordering, _form = _filtered_applications(request)
    audit.record(
        "services.application.exported",
        actor=user,
        summary=queue or "all",
        request=request,
        query=request.GET.urlencode()[:500],
    )
    return exports.csv_response(
        f"permohonan-{queue or 'semua'}.csv",
        EXPORT_HEADER,
        export_rows(applications.order_by(*ordering)),
    )


@login_required
@require_POST
@purpose_required
def application_export_xlsx(request):
    """Queue the .xlsx export of the current list; its page shows progress and the link."""
    from services.jobs import EXPORT_KIND

    if request.user.role not in STAFF_ROLES:
        raise PermissionDenied
    job = jobs.enqueue(
        EXPORT_KIND,
        params={"query": request.POST.get("query", "")[:2000]},
        user=request.user,
        label=_("Ekspor permohonan (.xlsx)"),
    )
    audit.record("services.application.exported", actor=request.user, target=job, request=request)
    return redirect("jobs:job_detail", job.pk)


@login_required
def application_export_file(request, pk: int):
    """The finished workbook of an .xlsx export, to the account that asked for it."""
    from services.jobs import EXPORT_KIND, export_path

    return exports.finished_xlsx_response(request.user, pk, kind=EXPORT_KIND, path_for=export_path)


@login_required
@require_POST
def bulk_verify(request):
    """Verify the ticked applications of the verify queue; say which were skipped and why."""
    if request.user.role not in VILLAGE_ROLES:
        raise PermissionDenied
    codes = request.POST.getlist("kode")
    if not codes:
        messages.error(request, _("Pilih sekurang-kurangnya satu permohonan."))
    else:
        result = services.bulk_verify(request.user, codes, request=request)
        if result.done:
            messages.success(
                request,
                _("%(count)s permohonan diverifikasi: %(codes)s.")
                % {"count": len(result.done), "codes": ", ".join(result.done)},
            )
        for code, reason in result.skipped:
            messages.warning(
                request,
                _("%(code)s dilewati: %(reason)s") % {"code": code[:20], "reason": reason},
            )
    return redirect(f"{reverse('services:application_list')}?antrian=verify")


def _visible_application(request, tracking_code: str) -> Application:
    return get_object_or_404(
        # Five joins, not eleven: PostgreSQL spent ~5 ms planning the wider join on every
        # page view. The district and agency (set on some applications only) load when used.
        Application.objects.visible_to(request.user).select_related(
            "service", "applicant", "subject", "village", "document"
        ),
        tracking_code=tracking_code,
    )


@login_required
def application_detail(request, tracking_code: str):
    application = _visible_application(request, tracking_code)
    user = request.user
    actions = workflow.allowed_actions(user, application)
    is_applicant = workflow.is_applicant(user, application)
    editable = is_applicant and application.state in services.EDITABLE_STATES
    attachments = list(application.attachments.all())
    is_officer = user.role in STAFF_ROLES
    if not is_applicant:
        # An officer opening someone's application sees their personal data: the resident
        # finds it in their access history.
        audit.record(
            "services.application.viewed",
            actor=user,
            target=application,
            summary=application.tracking_code,
            request=request,
            about=application.subject_id,
        )
    return render(
        request,
        "services/application_detail.html",
        {
            "is_officer": is_officer,
            "notes": list(application.notes.all()) if is_officer else [],
            "note_form": NoteForm() if is_officer else None,
            "missing": requirement_labels(services.missing_requirements(application, attachments)),
            "application": application,
            "service": application.service,
            "answers": formdef.labelled_answers(
                application.service.form_definition, application.form_data
            ),
            "events": list(application.events.all()),
            "attachments": attachments,
            "actions": actions,
            "action_form": ActionForm(),
            "editable": editable,
            "attachment_form": AttachmentForm(service=application.service) if editable else None,
            "can_preview": application.service.document_type_id is not None
            and services.awaiting_approval(application)
            and not is_applicant,
        },
    )


@login_required
def application_edit(request, tracking_code: str):
    application = _visible_application(request, tracking_code)
    if not workflow.is_applicant(request.user, application):
        raise PermissionDenied
    if application.state not in services.EDITABLE_STATES:
        messages.error(request, _("Permohonan ini tidak dapat diubah lagi."))
        return redirect("services:application_detail", tracking_code)
    definition = application.service.form_definition
    if request.method == "POST":
        form = formdef.bind(definition, request.POST)
        if form.is_valid():
            try:
                services.update_answers(application, request.user, request.POST, request=request)
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Isian permohonan tersimpan."))
                return redirect("services:application_detail", tracking_code)
    else:
        form = formdef.bind(definition, None, initial=application.form_data)
    return render(
        request,
        "services/application_edit.html",
        {"application": application, "form": form},
    )


@login_required
@require_POST
def application_action(request, tracking_code: str):
    """Take one workflow step chosen on the detail page."""
    application = _visible_application(request, tracking_code)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan tidak lengkap. Coba lagi."))
        return redirect("services:application_detail", tracking_code)
    action = form.cleaned_data["action"]
    try:
        services.perform(
            action, application, request.user, note=form.cleaned_data["note"], request=request
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        application.refresh_from_db()
        messages.success(
            request,
            _("Permohonan %(code)s sekarang berstatus “%(state)s”.")
            % {"code": application.tracking_code, "state": application.get_state_display()},
        )
        missing = services.missing_requirements(application) if action == "submit" else []
        if missing:
            messages.warning(
                request,
                _(
                    "Belum dilampirkan: %(missing)s. Siapkan dokumen aslinya; petugas desa "
                    "dapat mengembalikan permohonan agar dilengkapi."
                )
                % {"missing": ", ".join(requirement_labels(missing))},
            )
    return redirect("services:application_detail", tracking_code)


@login_required
@require_POST
def note_add(request, tracking_code: str):
    """An officer's internal note on an application."""
    application = _visible_application(request, tracking_code)
    form = NoteForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
        return redirect("services:application_detail", tracking_code)
    try:
        services.add_note(application, request.user, form.cleaned_data["text"], request=request)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Catatan tersimpan."))
    return redirect("services:application_detail", tracking_code)


@login_required
def preview(request, tracking_code: str):
    """The draft PDF, without number or QR code, while the application waits for the head."""
    application = _visible_application(request, tracking_code)
    try:
        pdf = services.preview_document(application, request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("services:application_detail", tracking_code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draf-{application.tracking_code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- attachments


@login_required
@require_POST
def attachment_upload(request, tracking_code: str):
    application = _visible_application(request, tracking_code)
    form = AttachmentForm(request.POST, request.FILES, service=application.service)
    if form.is_valid():
        try:
            services.add_attachment(
                application,
                request.user,
                form.cleaned_data["file"],
                requirement=form.cleaned_data["requirement"],
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Lampiran tersimpan."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("services:application_detail", tracking_code)


@login_required
def attachment_download(request, tracking_code: str, pk: int):
    """Hand out an attachment to someone who may see its application; never by file path."""
    application = _visible_application(request, tracking_code)
    attachment = get_object_or_404(application.attachments, pk=pk)
    try:
        path = files.stored_path(attachment.stored_name)
        handle = path.open("rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    if not workflow.is_applicant(request.user, application):
        audit.record(
            "services.attachment.downloaded",
            actor=request.user,
            target=application,
            summary=f"{application.tracking_code} {attachment.requirement}"[:255],
            request=request,
            about=application.subject_id,
        )
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, tracking_code: str, pk: int):
    application = _visible_application(request, tracking_code)
    attachment = get_object_or_404(application.attachments, pk=pk)
    try:
        services.remove_attachment(attachment, request.user, request=request)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Lampiran dihapus."))
    return redirect("services:application_detail", tracking_code)


# --------------------------------------------------------------------------- catalogue editing


@login_required
def manage_list(request):
    """Services the user may edit: all for the regent, their agency's for an agency head."""
    editable = services.editable_services(request.user).select_related("agency")
    if request.user.role not in (Role.REGENT, Role.AGENCY_HEAD):
        raise PermissionDenied
    return render(request, "services/manage_list.html", {"services": list(editable)})


@login_required
def manage_edit(request, code: str):
    service = get_object_or_404(services.editable_services(request.user), code=code)
    if request.method == "POST":
        form = ServiceEditForm(request.POST, instance=service)
        if form.is_valid():
            services.save_service(
                form.save(commit=False), request.user, changed=form.changed_data, request=request
            )
            messages.success(request, _("Layanan %(name)s tersimpan.") % {"name": service.name})
            return redirect("services:manage_list")
    else:
        form = ServiceEditForm(instance=service)
    return render(request, "services/manage_edit.html", {"service": service, "form": form})
