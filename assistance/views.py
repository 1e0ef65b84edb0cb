"""Pages of social assistance: list import, task-force review, queries and the final list.

Thin: each view checks the role, scopes its query with ``visible_to`` and calls a service.
A record outside the user's scope is answered 404, like one that does not exist.
"""

import functools
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import REGISTER_ROLES, Role
from assistance import services
from assistance.forms import (
    AddMemberForm,
    DecisionForm,
    ImportForm,
    ReceiptsQueryForm,
    WelfareForm,
)
from assistance.jobs import upload_path
from assistance.models import (
    BeneficiaryList,
    Flag,
    FlagStatus,
    LineOutcome,
    ListStatus,
    Programme,
)
from assistance.reasons import evidence_rows
from core.audit import record
from core.exports import csv_response, purpose_required, xlsx_response
from core.jobs import enqueue
from core.views import keyset_page
from people.models import Family, Resident
from people.nik import InvalidIdentifier, mask_nik, normalise_identifier

PAGE_SIZE = 50
REPORT_PAGE_SIZE = 100


def roles_required(roles):
    """Signed-in users whose role is in ``roles``; others get 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --------------------------------------------------------------------------- import


@roles_required(services.IMPORT_ROLES)
def import_start(request):
    """Upload a list; a dry run is queued first, the real import starts from its report."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        target = upload_path(stored)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        programme = form.cleaned_data["programme"]
        job = enqueue(
            "assistance.import_list",
            params={
                "programme": programme.code,
                "period": form.cleaned_data["period"],
                "file": stored,
                "name": Path(upload.name).name[:255],
                "sheet": form.cleaned_data["sheet"],
                "dry_run": True,
            },
            user=request.user,
            label=_("Uji coba daftar %(programme)s") % {"programme": programme.code},
        )
        return redirect("jobs:job_detail", pk=job.pk)
    lists = BeneficiaryList.objects.select_related("programme")[:20]
    return render(request, "assistance/import.html", {"form": form, "lists": lists})


@roles_required(services.IMPORT_ROLES)
def list_detail(request, pk: int):
    """The per-row report of one imported (or tried) list."""
    beneficiary_list = get_object_or_404(BeneficiaryList.objects.select_related("programme"), pk=pk)
    outcome = request.GET.get("hasil", "")
    if outcome not in services.REPORT_FILTERS:
        outcome = ""
    try:
        first_line = max(0, int(request.GET.get("dari", 0)))
    except ValueError:
        first_line = 0
    page = services.report_page(
        beneficiary_list, outcome=outcome, from_line=first_line, size=REPORT_PAGE_SIZE
    )
    context = {
        "list": beneficiary_list,
        "report": page.lines,
        "outcome": outcome,
        "outcomes": [
            (
                LineOutcome.ADDED,
                _("Akan ditambahkan") if beneficiary_list.dry_run else _("Ditambahkan"),
            ),
            (LineOutcome.REJECTED, _("Ditolak")),
            (LineOutcome.REVIEW, _("Perlu diperiksa")),
        ],
        "keep_days": getattr(settings, "ASSISTANCE_UPLOAD_KEEP_DAYS", 14),
        "next_line": page.next_line,
        "previous_line": page.previous_line,
        "may_import": beneficiary_list.status == ListStatus.DRY_RUN
        and beneficiary_list.added > 0
        and beneficiary_list.stored_file
        and upload_path(beneficiary_list.stored_file).exists(),
    }
    return render(request, "assistance/list_detail.html", context)


@require_POST
@roles_required(services.IMPORT_ROLES)
def list_commit(request, pk: int):
    """Import for real the file a dry run checked."""
    tried = get_object_or_404(BeneficiaryList, pk=pk, dry_run=True)
    if tried.status != ListStatus.DRY_RUN:
        messages.error(request, _("Uji coba ini gagal; perbaiki berkasnya lalu unggah lagi."))
        return redirect("assistance:import_start")
    if not tried.stored_file or not upload_path(tried.stored_file).exists():
        messages.error(request, _("Berkas uji coba sudah tidak ada; unggah lagi."))
        return redirect("assistance:import_start")
    job = enqueue(
        "assistance.import_list",
        params={
            "programme": tried.programme.code,
            "period": tried.period,
            "file": tried.stored_file,
            "name": tried.file_name,
            "sheet": tried.sheet,
            "dry_run": False,
        },
        user=request.user,
        label=_("Impor daftar %(programme)s") % {"programme": tried.programme.code},
    )
    return redirect("jobs:job_detail", pk=job.pk)


# --------------------------------------------------------------------------- review


@roles_required(services.REVIEW_ROLES)
def flag_list(request):
    """The review queue: flags in the user's scope, open ones by default."""
    status = request.GET.get("status", FlagStatus.OPEN)
    if status not in FlagStatus.values:
        status = FlagStatus.OPEN
    flags = (
        Flag.objects.visible_to(request.user)
        .filter(status=status)
        .select_related("programme", "village", "resident")
    )
    page = keyset_page(request, flags, ordering=("id",), size=PAGE_SIZE)
    context = {"page": page, "status": status, "statuses": FlagStatus.choices}
    return render(request, "assistance/flag_list.html", context)


@roles_required(services.REVIEW_ROLES)
def flag_detail(request, pk: int):
    flag = get_object_or_404(
        Flag.objects.visible_to(request.user).select_related(
            "programme", "village", "resident", "membership__resident", "decided_by"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and flag.status == FlagStatus.OPEN and form.is_valid():
        try:
            services.decide_flag(
                flag,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                nik=form.cleaned_data["nik"],
                request=request,
            )
        except services.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Keputusan disimpan."))
            return redirect("assistance:flag_list")
    subject = flag.resident or (flag.membership.resident if flag.membership_id else None)
    context = {
        "flag": flag,
        "form": form,
        "subject": subject,
        "subject_nik": mask_nik(subject.nik) if subject and subject.nik else "",
        "evidence": evidence_rows(flag.evidence),
    }
    return render(request, "assistance/flag_detail.html", context)


# --------------------------------------------------------------------------- queries


@roles_required(REGISTER_ROLES)
def missed(request):
    """Residents marked poor or affected by the pandemic who receive nothing, per village."""
    residents = services.missed_residents(request.user).select_related("village")
    page = keyset_page(
        request, residents, ordering=("village_id", "full_name", "id"), size=PAGE_SIZE
    )
    for resident in page.items:
        resident.shown_nik = mask_nik(resident.nik) if resident.nik else resident.temp_id
    summary = services.missed_per_village(request.user)
    context = {"page": page, "summary": summary, "may_mark": services.may_review(request.user)}
    return render(request, "assistance/missed.html", context)


@roles_required(REGISTER_ROLES)
def receipts(request):
    """Everything one NIK or one family card receives, across programmes and rounds."""
    form = ReceiptsQueryForm(request.GET or None)
    context = {"form": form, "people": [], "searched": False}
    if form.is_bound and form.is_valid():
        context["searched"] = True
        try:
            digits = normalise_identifier(form.cleaned_data["q"]).value
        except InvalidIdentifier as error:
            form.add_error("q", str(error))
            digits = ""
        if digits:
            residents = Resident.objects.visible_to(request.user)
            family = Family.objects.visible_to(request.user).filter(no_kk=digits).first()
            people = residents.filter(Q(nik=digits) | Q(family=family) if family else Q(nik=digits))
            people = list(people.select_related("village", "family").order_by("pk")[:30])
            found = services.receipts_for([person.pk for person in people])
            for person in people:
                person.receipts = found[person.pk]
                person.shown_nik = mask_nik(person.nik) if person.nik else person.temp_id
                record("assistance.receipts.viewed", actor=request.user, target=person,
                       request=request)  # fmt: skip
            context["people"] = people
    return render(request, "assistance/receipts.html", context)


@roles_required(services.REVIEW_ROLES)
def welfare(request):
    """Mark a family of the user's area as poor (DTKS or the village's own decision)."""
    form = WelfareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            digits = normalise_identifier(form.cleaned_data["no_kk"]).value
        except InvalidIdentifier as error:
            form.add_error("no_kk", str(error))
        else:
            family = Family.objects.visible_to(request.user).filter(no_kk=digits).first()
            if family is None:
                form.add_error("no_kk", _("No. KK ini tidak ada di data penduduk wilayah Anda."))
            else:
                services.mark_family_poor(
                    family,
                    category=form.cleaned_data["category"],
                    source=form.cleaned_data["source"],
                    actor=request.user,
                    request=request,
                )
                messages.success(request, _("Status kesejahteraan keluarga disimpan."))
                return redirect("assistance:missed")
    return render(request, "assistance/welfare.html", {"form": form})


@login_required
def my_receipts(request):
    """A resident's own and their family's assistance."""
    user = request.user
    if user.role != Role.RESIDENT or not user.resident_id:
        raise PermissionDenied
    people = list(Resident.objects.visible_to(user).order_by("pk"))
    found = services.receipts_for([person.pk for person in people])
    for person in people:
        person.receipts = found[person.pk]
    return render(request, "assistance/my_receipts.html", {"people": people})


# --------------------------------------------------------------------------- membership


@require_POST
@roles_required(services.IMPORT_ROLES)
def add_member(request, code: str):
    """Enrol one NIK by hand; the same NIK again is a conflict (HTTP 409)."""
    programme = get_object_or_404(Programme, code=code)
    form = AddMemberForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            digits = normalise_identifier(form.cleaned_data["nik"]).value
        except InvalidIdentifier as error:
            form.add_error("nik", str(error))
        else:
            resident = Resident.objects.visible_to(request.user).filter(nik=digits).first()
            if resident is None:
                form.add_error("nik", _("NIK tidak ada di data penduduk wilayah Anda."))
                status = 404
            else:
                try:
                    services.add_member(
                        programme=programme,
                        period=form.cleaned_data["period"],
                        resident=resident,
                        actor=request.user,
                        request=request,
                    )
                except services.AlreadyMember as error:
                    form.add_error("nik", str(error))
                    status = 409
                else:
                    messages.success(request, _("Penerima ditambahkan."))
                    return redirect("assistance:programme_detail", code=programme.code)
    context = {"programme": programme, "form": form}
    return render(request, "assistance/programme_detail.html", context, status=status)


@roles_required(services.IMPORT_ROLES)
def programme_list(request):
    programmes = Programme.objects.filter(active=True).order_by("level", "code")
    return render(request, "assistance/programme_list.html", {"programmes": programmes})


@roles_required(services.IMPORT_ROLES)
def programme_detail(request, code: str):
    programme = get_object_or_404(Programme, code=code)
    periods = programme.memberships.values_list("period", flat=True).order_by("-period").distinct()
    context = {"programme": programme, "form": AddMemberForm(), "periods": list(periods[:20])}
    return render(request, "assistance/programme_detail.html", context)


@roles_required(services.REVIEW_ROLES)
@purpose_required
def final_list(request, code: str, period: str, fmt: str):
    """The disbursement list of a programme and period, in the user's scope, CSV or .xlsx."""
    programme = get_object_or_404(Programme, code=code)
    rows = services.final_list_rows(request.user, programme, period)
    filename = f"penerima-{programme.code}-{period}.{fmt}"
    record(
        "assistance.final_list.exported",
        actor=request.user,
        request=request,
        summary=f"{programme.code} {period} ({fmt})",
        programme=programme.code,
        period=period,
    )
    if fmt == "xlsx":
        return xlsx_response(filename, services.FINAL_LIST_HEADERS, rows, title=programme.code)
    return csv_response(filename, services.FINAL_LIST_HEADERS, rows)
