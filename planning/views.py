"""Musrenbang pages. Every proposal is looked up through ``services.visible_proposals``: one
outside the user's scope answers 404; a role with no part in Musrenbang gets 403."""

import functools
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import DISTRICT_ROLES, VILLAGE_ROLES, Role
from core.forms import add_errors
from core.views import keyset_page
from economy.exports import personal_export_response, requested_format
from planning import forms, services
from planning.models import MeetingLevel, ProposalPhoto, Status

PAGE_SIZE = 50
BROWSE_ROLES = VILLAGE_ROLES | DISTRICT_ROLES | {Role.REGENT, Role.RESIDENT}


def may_browse(user) -> bool:
    return getattr(user, "role", None) in BROWSE_ROLES


def musrenbang_user(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not may_browse(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _proposal(request, pk):
    return get_object_or_404(
        services.visible_proposals(request.user).select_related("village__parent"), pk=pk
    )


@musrenbang_user
def proposal_list(request):
    form = forms.FilterForm(request.GET or None)
    proposals = (
        services.visible_proposals(request.user)
        .select_related("village")
        .annotate(n_support=Count("supports"))
    )
    if form.is_bound:
        proposals = form.filter(proposals) if form.is_valid() else proposals.none()
    fmt = requested_format(request)
    if fmt:
        return personal_export_response(
            request, fmt, "musrenbang", services.EXPORT_HEADERS, services.export_rows(proposals)
        )
    page = keyset_page(request, proposals, ordering=("-id",), size=PAGE_SIZE)
    return render(
        request,
        "planning/proposal_list.html",
        {
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
            "may_propose": services.may_propose(request.user),
            "is_regent": request.user.role == Role.REGENT,
            "year": services.current_year(),
        },
    )


@require_POST
@musrenbang_user
def carry_over(request):
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise PermissionDenied from None
    created = services.carry_over(year, request.user, request=request)
    messages.success(
        request, _("%(n)s usulan dibawa ke tahun %(year)s.") % {"n": len(created), "year": year + 1}
    )
    return redirect("planning:proposal_list")


@musrenbang_user
def proposal_new(request):
    if not services.may_propose(request.user):
        raise PermissionDenied
    form = forms.NewProposalForm(request.POST or None, request.FILES or None)
    year = services.current_year()
    village_id = (
        request.user.resident.village_id
        if request.user.role == Role.RESIDENT
        else request.user.region_id
    )
    similar = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo, confirmed = data.pop("photo"), data.pop("confirm")
        similar = services.similar_proposals(
            request.user, data["title"], year=year, village_id=village_id
        )
        if similar and not confirmed:
            form.add_error(
                "confirm",
                _(
                    "Ada usulan yang mirip. Dukung usulan itu, atau centang "
                    "kotak ini untuk tetap mengirim usulan baru."
                ),
            )
        else:
            try:
                proposal = services.create_proposal(
                    request.user, year=year, request=request, **data
                )
                if photo:
                    services.add_photo(proposal, request.user, photo, request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Usulan terkirim."))
                return redirect("planning:proposal_detail", proposal.pk)
    return render(
        request,
        "planning/proposal_form.html",
        {
            "form": form,
            "similar": similar,
            "title": _("Usulan baru"),
        },
    )


@musrenbang_user
def proposal_detail(request, pk: int):
    proposal = _proposal(request, pk)
    user = request.user
    level_region = proposal.village
    if proposal.level == MeetingLevel.DISTRICT:
        level_region = proposal.village.parent
    elif proposal.level == MeetingLevel.REGENCY:
        level_region = services.meeting_region_for(user, proposal.level)
    may_decide = (
        proposal.status == Status.OPEN
        and level_region is not None
        and services.may_hold(user, proposal.level, level_region)
    )
    meetings = (
        services.visible_meetings(user).filter(
            level=proposal.level, year=proposal.year, region=level_region
        )
        if may_decide
        else None
    )
    candidates = (
        services.visible_proposals(user)
        .filter(year=proposal.year, level=proposal.level, status=Status.OPEN)
        .exclude(pk=proposal.pk)
    )
    if proposal.level in (MeetingLevel.HAMLET, MeetingLevel.VILLAGE):
        candidates = candidates.filter(village_id=proposal.village_id)
    elif proposal.level == MeetingLevel.DISTRICT:
        candidates = candidates.filter(village__parent_id=proposal.village.parent_id)
    resident_id = user.resident_id if user.role == Role.RESIDENT else None
    return render(
        request,
        "planning/proposal_detail.html",
        {
            "proposal": proposal,
            "lineage": services.lineage(proposal),
            "decisions": proposal.decisions.select_related("meeting"),
            "events": proposal.events.select_related("actor"),
            "photos": proposal.photos.all(),
            "reports": proposal.reports.all(),
            "support_count": proposal.supports.count(),
            "supported": bool(resident_id)
            and proposal.supports.filter(resident_id=resident_id).exists(),
            "is_resident": bool(resident_id),
            "may_edit": services.may_edit(user, proposal) and not proposal.is_closed,
            "may_decide": may_decide,
            "decision_form": forms.DecisionForm(meetings=meetings) if may_decide else None,
            "merge_form": forms.MergeForm(candidates=candidates) if may_decide else None,
            "split_form": forms.SplitForm() if may_decide else None,
            "may_report": proposal.status == Status.FUNDED
            and (
                user.role == Role.REGENT
                or (user.role in VILLAGE_ROLES and user.region_id == proposal.village_id)
            ),
            "progress_form": forms.ProgressForm(),
            "photo_form": forms.PhotoForm(),
            "similar": services.similar_proposals(
                user,
                proposal.title,
                year=proposal.year,
                village_id=proposal.village_id,
                exclude=proposal.pk,
            )
            if not proposal.is_closed
            else [],
        },
    )


@musrenbang_user
def proposal_edit(request, pk: int):
    proposal = _proposal(request, pk)
    if not services.may_edit(request.user, proposal):
        raise PermissionDenied
    initial = {name: getattr(proposal, name) for name in services.EDITABLE_FIELDS}
    form = forms.ProposalForm(request.POST or None, initial=initial)
    if proposal.is_closed:
        messages.error(request, _("Usulan ini sudah ditutup dan tidak dapat diubah."))
        return redirect("planning:proposal_detail", proposal.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_proposal(proposal, request.user, request=request, **form.cleaned_data)
        except services.ProposalClosed as error:
            messages.error(request, error.messages[0])
            return redirect("planning:proposal_detail", proposal.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Usulan diperbarui."))
            return redirect("planning:proposal_detail", proposal.pk)
    return render(
        request,
        "planning/proposal_form.html",
        {
            "form": form,
            "title": _("Ubah usulan"),
            "proposal": proposal,
        },
    )


@require_POST
@musrenbang_user
def proposal_action(request, pk: int, action: str):
    proposal = _proposal(request, pk)
    user = request.user
    try:
        if action == "dukung":
            services.support(proposal, user, request=request)
        elif action == "putuskan":
            meetings = services.visible_meetings(user)
            form = forms.DecisionForm(request.POST, meetings=meetings)
            if not form.is_valid():
                raise ValidationError(_("Pilih rapat dan keputusan."))
            data = form.cleaned_data
            services.decide(
                proposal,
                data["meeting"],
                data["outcome"],
                user,
                note=data["note"],
                funded_amount=data["funded_amount"],
                request=request,
            )
        elif action == "gabung":
            form = forms.MergeForm(request.POST, candidates=services.visible_proposals(user))
            if not form.is_valid():
                raise ValidationError(_("Pilih usulan yang akan digabung."))
            services.merge(
                list(form.cleaned_data["sources"]),
                proposal,
                user,
                note=form.cleaned_data["note"],
                request=request,
            )
        elif action == "pecah":
            form = forms.SplitForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Isi judul dan biaya paling sedikit dua bagian."))
            parts = services.split(proposal, form.parts(), user, request=request)
            messages.success(request, _("Usulan dipecah."))
            return redirect("planning:proposal_detail", parts[0].pk)
        elif action == "kemajuan":
            form = forms.ProgressForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Kemajuan harus 0 sampai 100."))
            services.report_progress(proposal, user, request=request, **form.cleaned_data)
        elif action == "foto":
            form = forms.PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("Pilih berkas foto."))
            services.add_photo(proposal, user, form.cleaned_data["photo"], request=request)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Tersimpan."))
    return redirect("planning:proposal_detail", proposal.pk)


@musrenbang_user
def photo(request, pk: int):
    item = get_object_or_404(
        ProposalPhoto.objects.filter(proposal__in=services.visible_proposals(request.user)),
        pk=pk,
    )
    path = Path(settings.MEDIA_ROOT) / item.path
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type=item.content_type)


# --------------------------------------------------------------------------- meetings


@musrenbang_user
def meeting_list(request):
    if request.user.role == Role.RESIDENT:
        raise PermissionDenied
    meetings = services.visible_meetings(request.user).select_related("region")
    form = forms.MeetingForm(request.POST or None, initial={"year": services.current_year()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Rapat tercatat."))
            return redirect("planning:meeting_detail", meeting.pk)
    fmt = requested_format(request)
    if fmt:
        rows = (
            (m.pk, m.year, m.get_level_display(), m.region.name, m.hamlet, m.held_on, m.minutes)
            for m in meetings.order_by("-held_on", "-id").iterator()
        )
        return personal_export_response(
            request,
            fmt,
            "rapat-musrenbang",
            ("id", "tahun", "tingkat", "wilayah", "dusun", "tanggal", "notulen"),
            rows,
        )
    page = keyset_page(request, meetings, ordering=("-held_on", "-id"), size=PAGE_SIZE)
    return render(request, "planning/meeting_list.html", {"page": page, "form": form})


@musrenbang_user
def meeting_detail(request, pk: int):
    if request.user.role == Role.RESIDENT:
        raise PermissionDenied
    meeting = get_object_or_404(services.visible_meetings(request.user), pk=pk)
    decisions = meeting.decisions.select_related("proposal").filter(
        proposal__in=services.visible_proposals(request.user)
    )
    return render(
        request,
        "planning/meeting_detail.html",
        {
            "meeting": meeting,
            "decisions": decisions,
        },
    )
