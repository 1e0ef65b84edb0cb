"""Complaint pages: the public form, list and tracking page, the call-centre screen, the
staff triage screens and the regent's routing page.

Thin: every staff page finds the complaint through ``Complaint.objects.visible_to`` (a
complaint outside the user's scope is a 404), calls :mod:`complaints.services`, renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import VILLAGE_ROLES, Role
from complaints import photos as photo_files
from complaints import publishing, services
from complaints.forms import (
    ComplaintForm,
    DuplicateForm,
    PublicFilterForm,
    ReopenForm,
    ReplyForm,
    RoutingRuleForm,
    ServiceLevelForm,
    StaffFilterForm,
    TrackForm,
    TransitionForm,
    UpdateForm,
)
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintPhoto,
    RoutingRule,
    State,
    looks_like_tracking_code,
)
from core import audit
from core.forms import add_errors
from core.views import keyset_page

PAGE_SIZE = 25

# The query/form field carrying the reporter's answer key (services.reporter_key).
KEY_PARAM = "kunci"


def _channel_for(user) -> str:
    if user.is_authenticated and user.role == Role.KIOSK:
        return Channel.KIOSK
    return Channel.WEB


# --------------------------------------------------------------------------- public pages


def create(request):
    """The public complaint form: residents signed in, kiosk visitors, anyone with a phone."""
    user = request.user
    signed_resident = user.is_authenticated and user.role == Role.RESIDENT
    form = ComplaintForm(
        request.POST or None, request.FILES or None, ask_identity=not signed_resident
    )
    if request.method == "POST" and form.is_valid():
        uploads = [form.cleaned_data["photo"]] if form.cleaned_data.get("photo") else []
        try:
            complaint = services.submit_complaint(
                form.intake(),
                channel=_channel_for(user),
                user=user,
                photo_uploads=uploads,
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            key = services.reporter_key(complaint)
            messages.success(
                request,
                _(
                    "Pengaduan diterima. Kode lacak: %(code)s. Kunci jawaban: %(key)s. Simpan "
                    "keduanya: hanya dengan kunci ini Anda dapat menjawab apakah masalahnya "
                    "sudah teratasi."
                )
                % {"code": complaint.tracking_code, "key": key},
            )
            return redirect(_track_url(complaint, key=key))
    return render(request, "complaints/create.html", {"form": form})


def _track_url(complaint: Complaint, *, key: str = "") -> str:
    url = reverse("complaints:track", args=[complaint.tracking_code])
    return f"{url}?{urlencode({KEY_PARAM: key})}" if key else url


def public_list(request):
    """Every complaint, newest first, without personal data: category, place, status."""
    form = PublicFilterForm(request.GET or None)
    complaints = Complaint.objects.select_related("village__parent", "agency", "duplicate_of")
    if form.is_valid() and form.cleaned_data["category"]:
        complaints = complaints.filter(category=form.cleaned_data["category"])
    page = keyset_page(request, complaints, ordering=("-created_at", "-id"), size=PAGE_SIZE)
    rows = [publishing.public_view(complaint) for complaint in page.items]
    return render(
        request, "complaints/public_list.html", {"form": form, "page": page, "rows": rows}
    )


def track_lookup(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("complaints:track", form.cleaned_data["kode"].strip().upper())
    return render(request, "complaints/track_lookup.html", {"form": form})


def _by_code(code: str) -> Complaint:
    if not looks_like_tracking_code(code.upper()):
        raise Http404
    return get_object_or_404(
        Complaint.objects.select_related("village__parent", "agency", "duplicate_of"),
        tracking_code=code.upper(),
    )


def track(request, code: str):
    """The complaint's public page, opened with the tracking code: status and replies. Its
    reporter (signed in, or with the answer key) also answers "resolved?" here."""
    complaint = _by_code(code)
    key = request.GET.get(KEY_PARAM, "")
    answerable = complaint.state == State.RESOLVED and publishing.reopen_open(complaint)
    may_answer = answerable and services.is_reporter(complaint, user=request.user, key=key)
    return render(
        request,
        "complaints/track.html",
        {
            "complaint": complaint,
            "view": publishing.public_view(complaint),
            "events": list(complaint.events.all()),
            "may_answer": may_answer,
            "asks_for_key": answerable and not may_answer,
            "wrong_key": bool(key) and not may_answer,
            "key": key if may_answer else "",
            "key_param": KEY_PARAM,
            "reopen_form": ReopenForm() if may_answer else None,
            "reopen_days": services.reopen_days(),
        },
    )


def _refuse_unless_reporter(request, complaint: Complaint):
    """None for the reporter; otherwise the tracking page again, with what to do."""
    key = request.POST.get(KEY_PARAM, "")
    if services.is_reporter(complaint, user=request.user, key=key):
        return None
    messages.error(
        request,
        _(
            "Hanya pelapor yang dapat menjawab. Masukkan kunci jawaban dari pesan yang Anda "
            "terima, atau masuk sebagai warga yang mengirim pengaduan ini."
        ),
    )
    return redirect(_track_url(complaint))


@require_POST
def track_confirm(request, code: str):
    complaint = _by_code(code)
    refused = _refuse_unless_reporter(request, complaint)
    if refused is not None:
        return refused
    try:
        services.confirm_resolved(complaint, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Terima kasih. Pengaduan ditutup."))
    return redirect("complaints:track", complaint.tracking_code)


@require_POST
def track_reopen(request, code: str):
    complaint = _by_code(code)
    refused = _refuse_unless_reporter(request, complaint)
    if refused is not None:
        return refused
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tuliskan alasan membuka kembali."))
        return redirect(_track_url(complaint, key=request.POST.get(KEY_PARAM, "")))
    try:
        services.reopen(
            complaint, reason=form.cleaned_data["reason"], by_reporter=True, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Pengaduan dibuka kembali dan diteruskan ke petugas."))
    return redirect("complaints:track", complaint.tracking_code)


# --------------------------------------------------------------------------- call centre


@login_required
def call_centre(request):
    """Operator screen for calls to 112: take the complaint down, read the code back."""
    if not services.may_take_calls(request.user):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = [form.cleaned_data["photo"]] if form.cleaned_data.get("photo") else []
        try:
            complaint = services.submit_complaint(
                form.intake(),
                channel=Channel.CALL_CENTRE,
                user=request.user,
                photo_uploads=uploads,
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Tercatat. Bacakan kepada penelepon kode lacak %(code)s dan kunci "
                    "jawaban %(key)s."
                )
                % {"code": complaint.tracking_code, "key": services.reporter_key(complaint)},
            )
            return redirect("complaints:call_centre")
    taken = Complaint.objects.visible_to(request.user).select_related("village")
    page = keyset_page(request, taken, ordering=("-created_at", "-id"), size=PAGE_SIZE)
    return render(request, "complaints/call_centre.html", {"form": form, "page": page})


# --------------------------------------------------------------------------- staff


def _require_staff(user) -> None:
    if not services.is_staff(user):
        raise PermissionDenied


@login_required
def staff_list(request):
    """Complaints in the officer's scope; filters by status, category and lateness."""
    _require_staff(request.user)
    form = StaffFilterForm(request.GET or None)
    complaints = Complaint.objects.visible_to(request.user).select_related(
        "village__parent", "agency"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            complaints = complaints.filter(state=data["state"])
        if data["category"]:
            complaints = complaints.filter(category=data["category"])
        if data["overdue"]:
            complaints = complaints.open().filter(due_at__lt=timezone.now())
    page = keyset_page(request, complaints, ordering=("-created_at", "-id"), size=PAGE_SIZE)
    return render(
        request,
        "complaints/staff_list.html",
        {"form": form, "page": page, "now": timezone.now()},
    )


def _visible(request, code: str) -> Complaint:
    if not looks_like_tracking_code(code.upper()):
        raise Http404
    return get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related(
            "village__parent", "agency", "duplicate_of", "reporter_resident"
        ),
        tracking_code=code.upper(),
    )


@login_required
def staff_detail(request, code: str):
    """Everything an officer needs to triage: the text, similar complaints, the steps."""
    _require_staff(request.user)
    complaint = _visible(request, code)
    shows_reporter = services.shows_reporter(request.user, complaint)
    audit.record(
        "complaints.complaint.viewed",
        actor=request.user,
        target=complaint,
        summary=complaint.tracking_code,
        request=request,
        reporter_shown=shows_reporter,
    )
    return render(
        request,
        "complaints/staff_detail.html",
        {
            "complaint": complaint,
            "shows_reporter": shows_reporter,
            "may_handle": services.may_handle(request.user, complaint),
            "similar": services.similar_complaints(complaint, user=request.user),
            "events": list(complaint.events.all()),
            "photos": list(complaint.photos.all()),
            "transition_form": TransitionForm(),
            "reply_form": ReplyForm(),
            "reopen_form": ReopenForm(),
            "duplicate_form": DuplicateForm(),
            "update_form": _update_form(request.user, complaint),
            "may_delete": services.may_edit_routing(request.user),
        },
    )


def _update_form(user, complaint) -> UpdateForm:
    form = UpdateForm(initial={"category": complaint.category, "village": complaint.village_id})
    if user.role in VILLAGE_ROLES:
        del form.fields["agency"]  # village staff handle their own office's complaints
    return form


def _staff_step(request, code, form_class, step):
    """Run ``step(complaint, cleaned_data)`` for a POSTed staff form; back to the detail page."""
    _require_staff(request.user)
    complaint = _visible(request, code)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    else:
        try:
            message = step(complaint, form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
    return redirect("complaints:staff_detail", complaint.tracking_code)


@login_required
@require_POST
def staff_transition(request, code: str):
    def step(complaint, data):
        services.transition(
            complaint,
            user=request.user,
            to_state=data["to_state"],
            note=data["note"],
            referred_to=data["referred_to"],
            request=request,
        )
        return _("Status pengaduan diubah.")

    return _staff_step(request, code, TransitionForm, step)


@login_required
@require_POST
def staff_reply(request, code: str):
    def step(complaint, data):
        _reply, created = services.post_reply(
            complaint, user=request.user, body=data["body"], request=request
        )
        return _("Balasan terkirim.") if created else _("Balasan ini sudah terkirim sebelumnya.")

    return _staff_step(request, code, ReplyForm, step)


@login_required
@require_POST
def staff_reopen(request, code: str):
    def step(complaint, data):
        services.reopen(complaint, user=request.user, reason=data["reason"], request=request)
        return _("Pengaduan dibuka kembali.")

    return _staff_step(request, code, ReopenForm, step)


@login_required
@require_POST
def staff_duplicate(request, code: str):
    def step(complaint, data):
        original = Complaint.objects.filter(tracking_code=data["original"].strip().upper()).first()
        if original is None:
            raise ValidationError(_("Pengaduan asal tidak ditemukan."))
        services.mark_duplicate(complaint, user=request.user, original=original, request=request)
        return _("Ditandai sebagai duplikat.")

    return _staff_step(request, code, DuplicateForm, step)


@login_required
@require_POST
def staff_update(request, code: str):
    def step(complaint, data):
        services.update_complaint(
            complaint,
            user=request.user,
            category=data["category"],
            village=data["village"],
            agency=data.get("agency"),
            request=request,
        )
        return _("Pengaduan diperbarui dan diteruskan ulang.")

    return _staff_step(request, code, UpdateForm, step)


@login_required
@require_POST
def staff_delete(request, code: str):
    complaint = _visible(request, code)
    try:
        services.delete_complaint(complaint, user=request.user, request=request)
    except ValidationError as error:
        if isinstance(error, services.NotPermitted):
            raise PermissionDenied from error
        messages.error(request, " ".join(error.messages))
        return redirect("complaints:staff_detail", complaint.tracking_code)
    messages.success(request, _("Pengaduan dihapus."))
    return redirect("complaints:staff_list")


@login_required
def photo(request, pk: int):
    """A complaint photo, for staff who may see the complaint and for its signed-in reporter."""
    item = get_object_or_404(ComplaintPhoto, pk=pk)
    if not Complaint.objects.visible_to(request.user).filter(pk=item.complaint_id).exists():
        raise Http404
    try:
        handle = photo_files.open_stored(item.path)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=item.content_type)


# --------------------------------------------------------------------------- regent


@login_required
def routing(request):
    """The regent keeps the routing rules and the service level of each category."""
    if not services.may_edit_routing(request.user):
        raise PermissionDenied
    rule_form = RoutingRuleForm(request.POST if "save_rule" in request.POST else None)
    level_form = ServiceLevelForm(
        request.POST if "save_level" in request.POST else None, prefix="level"
    )
    if request.method == "POST":
        try:
            if "save_rule" in request.POST and rule_form.is_valid():
                services.save_routing_rule(
                    user=request.user, request=request, **rule_form.cleaned_data
                )
                messages.success(request, _("Aturan penerusan disimpan."))
                return redirect("complaints:routing")
            if "save_level" in request.POST and level_form.is_valid():
                services.save_service_level(
                    user=request.user, request=request, **level_form.cleaned_data
                )
                messages.success(request, _("Tingkat layanan disimpan."))
                return redirect("complaints:routing")
            if "delete_rule" in request.POST:
                rule = get_object_or_404(RoutingRule, pk=request.POST.get("delete_rule") or 0)
                services.delete_routing_rule(rule, user=request.user, request=request)
                messages.success(request, _("Aturan penerusan dihapus."))
                return redirect("complaints:routing")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    rules = RoutingRule.objects.select_related("district", "village", "agency")
    levels = [
        (Category(category).label, services.service_days(category)) for category in Category.values
    ]
    return render(
        request,
        "complaints/routing.html",
        {"rules": rules, "levels": levels, "rule_form": rule_form, "level_form": level_form},
    )
