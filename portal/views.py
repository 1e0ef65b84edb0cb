"""Pages of the public site, the resident portal and the village kiosk. Thin: they parse the
form, call :mod:`portal.services`, :mod:`portal.activation` or :mod:`portal.kiosk`, and render."""

from __future__ import annotations

import functools
import logging
import uuid
from io import BytesIO

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.roles import Role
from accounts.services import ActivationError
from core import audit
from documents import services as documents
from documents.models import CheckResult
from portal import activation, kiosk
from portal import services as portal
from portal.forms import (
    ActivationForm,
    CodeForm,
    KioskDeviceForm,
    KioskSignInForm,
    RatingForm,
    SecretForm,
    StatusForm,
    VerifyCodeForm,
    VerifyPdfForm,
)
from portal.models import ActivationRequest
from services import formdef
from services import services as applications
from services.forms import SubjectForm
from services.models import Channel, Service
from services.workflow import WorkflowError

logger = logging.getLogger(__name__)

ACTIVATION_SESSION_KEY = "portal_activation"


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --------------------------------------------------------------------------- public pages


def status(request):
    """A tracking code's service, status and dates; nothing about the person."""
    form = StatusForm(request.GET or None)
    found = None
    searched = False
    if form.is_valid():
        searched = True
        found = portal.public_status(form.cleaned_data["code"])
    response = render(
        request, "portal/status.html", {"form": form, "found": found, "searched": searched}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def verify(request):
    """Check a document by its code (or the address in its QR code), or by uploading its PDF."""
    code_form = VerifyCodeForm(request.GET or None)
    pdf_form = VerifyPdfForm()
    not_found = False
    if request.method == "POST":
        pdf_form = VerifyPdfForm(request.POST, request.FILES)
        if pdf_form.is_valid():
            document = portal.document_for_pdf(pdf_form.read_bytes())
            if document is not None:
                documents.record_check(
                    token=document.verification_token,
                    document=document,
                    result=CheckResult.FILE_MATCH,
                    request=request,
                )
                messages.success(
                    request, _("Berkas cocok: sama persis dengan dokumen yang diterbitkan.")
                )
                return redirect("documents:verify", document.verification_token)
            not_found = True
    elif code_form.is_valid():
        token = portal.token_from_code(code_form.cleaned_data["code"])
        if token is not None:
            return redirect("documents:verify", token)
        code_form.add_error(
            "code", _("Kode ini tidak berbentuk kode verifikasi. Periksa lagi tulisannya.")
        )
    response = render(
        request,
        "portal/verify.html",
        {"code_form": code_form, "pdf_form": pdf_form, "not_found": not_found},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --------------------------------------------------------------------------- activation


def _current_activation(request) -> ActivationRequest | None:
    pk = request.session.get(ACTIVATION_SESSION_KEY)
    if not pk:
        return None
    return ActivationRequest.objects.filter(pk=pk).select_related("resident").first()


def activate(request):
    """Step 1: NIK, No. KK and birth date. The answer is the same for every NIK."""
    if request.user.is_authenticated:
        return redirect("portal:dashboard" if portal.is_resident(request.user) else "home")
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            started = activation.start_activation(
                nik=form.cleaned_data["nik"],
                no_kk=form.cleaned_data["no_kk"],
                birth_date=form.cleaned_data["birth_date"],
                ip_address=_client_ip(request),
                request=request,
            )
        except activation.ActivationRefused as refused:
            form.add_error(None, refused.message)
        else:
            request.session[ACTIVATION_SESSION_KEY] = started.pk
            return redirect("portal:activate_code")
    return render(request, "portal/activate.html", {"form": form})


def activate_code(request):
    """Step 2: the code sent by SMS. Ten wrong codes lock the NIK for a while."""
    started = _current_activation(request)
    if started is None:
        return redirect("portal:activate")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activation.confirm_code(started, form.cleaned_data["code"])
        except activation.ActivationRefused as refused:
            form.add_error("code", refused.message)
        else:
            return redirect("portal:activate_pin")
    return render(request, "portal/activate_code.html", {"form": form})


def activate_pin(request):
    """Step 3: choose the PIN; the account is created and the resident signed in."""
    started = _current_activation(request)
    if started is None or started.confirmed_at is None:
        return redirect("portal:activate")
    form = SecretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = activation.finish_activation(
                started, secret=form.cleaned_data["secret"], request=request
            )
        except activation.ActivationRefused as refused:
            form.add_error(None, refused.message)
        except ActivationError as error:
            form.add_error(None, str(error))
        except ValidationError as error:  # a PIN the validators refuse
            form.add_error("secret", error)
        else:
            request.session.pop(ACTIVATION_SESSION_KEY, None)
            login(request, user, backend="accounts.backends.NikPinBackend")
            if kiosk.kiosk_of(request) is not None:
                kiosk.touch(request)
            messages.success(request, _("Akun Anda aktif. Selamat datang."))
            return redirect("portal:dashboard")
    return render(request, "portal/activate_pin.html", {"form": form})


# --------------------------------------------------------------------------- resident portal


def _resident_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not portal.is_resident(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@_resident_required
def dashboard(request):
    """The resident's applications (keyset pages), with what each one waits for."""
    before = request.GET.get("sebelum", "")
    before_id = int(before) if before.isdigit() else None
    rows, next_cursor = portal.my_applications(request.user, before_id=before_id)
    response = render(
        request,
        "portal/dashboard.html",
        {"applications": rows, "next_cursor": next_cursor, "is_first_page": before_id is None},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@_resident_required
def rate(request, tracking_code: str):
    application = portal.rateable_application(request.user, tracking_code)
    if application is None:
        raise Http404
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal.rate_application(
                application,
                request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except portal.RatingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Terima kasih atas penilaian Anda."))
        return redirect("portal:dashboard")
    return render(request, "portal/rate.html", {"application": application, "form": form})


# --------------------------------------------------------------------------- kiosk


def _kiosk_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if kiosk.kiosk_of(request) is None:
            return redirect("portal:kiosk_setup")
        return view(request, *args, **kwargs)

    return wrapper


def _kiosk_resident(view):
    @functools.wraps(view)
    @_kiosk_only
    def wrapper(request, *args, **kwargs):
        if not portal.is_resident(request.user):
            return redirect("portal:kiosk_start")
        return view(request, *args, **kwargs)

    return wrapper


def kiosk_setup(request):
    """The kiosk device account signs this browser in as a kiosk of its village."""
    form = KioskDeviceForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = form.get_user()
        if device.role != Role.KIOSK or device.region_id is None:
            form.add_error(None, _("Akun ini bukan akun perangkat kios desa."))
        else:
            if request.user.is_authenticated:
                logout(request)
            response = redirect("portal:kiosk_start")
            kiosk.bind(response, device)
            audit.record("portal.kiosk.bound", actor=device, target=device, request=request)
            return response
    return render(request, "portal/kiosk_setup.html", {"form": form})


@_kiosk_only
def kiosk_exit(request):
    """Take the browser out of kiosk mode; needs the device account's password again."""
    device = kiosk.kiosk_of(request)
    form = KioskDeviceForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.get_user().pk != device.pk:
            form.add_error(None, _("Akun ini bukan akun perangkat kios ini."))
        else:
            logout(request)
            response = redirect("home")
            kiosk.unbind(response)
            audit.record("portal.kiosk.unbound", actor=device, target=device, request=request)
            return response
    return render(request, "portal/kiosk_exit.html", {"form": form, "device": device})


def kiosk_start(request):
    """The start screen: a resident signs in with NIK and PIN."""
    user = request.user
    if user.is_authenticated and user.role == Role.KIOSK and user.region_id:
        # A kiosk account signed in through the ordinary page: bind and drop its session.
        logout(request)
        response = redirect("portal:kiosk_start")
        kiosk.bind(response, user)
        return response
    device = kiosk.kiosk_of(request)
    if device is None:
        return redirect("portal:kiosk_setup")
    if portal.is_resident(user):
        return redirect("portal:kiosk_menu")
    form = KioskSignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        signed_in = form.get_user()
        if signed_in.role != Role.RESIDENT:
            form.add_error(None, _("Di anjungan ini hanya warga yang dapat masuk, dengan NIK."))
        else:
            login(request, signed_in)
            kiosk.touch(request)
            return redirect("portal:kiosk_menu")
    return render(
        request,
        "portal/kiosk_start.html",
        {"form": form, "device": device, "queue_url": kiosk.queue_ticket_url()},
    )


@_kiosk_resident
def kiosk_menu(request):
    return render(request, "portal/kiosk_menu.html", {"queue_url": kiosk.queue_ticket_url()})


@_kiosk_resident
def kiosk_services(request):
    offered = [
        service
        for service in Service.objects.active().order_by("name")
        if Channel.KIOSK in (service.channels or [])
    ]
    return render(request, "portal/kiosk_services.html", {"services": offered})


@_kiosk_resident
def kiosk_apply(request, code: str):
    """Start an application at the kiosk (channel "kiosk"); attach and submit on its page."""
    service = get_object_or_404(Service.objects.active(), code=code)
    if Channel.KIOSK not in (service.channels or []):
        raise Http404
    family = applications.family_of(request.user.resident)
    if request.method == "POST":
        subject_form = SubjectForm(request.POST, family=family)
        answers_form = formdef.bind(service.form_definition, request.POST)
        if subject_form.is_valid() and answers_form.is_valid():
            try:
                application = applications.start_application(
                    service=service,
                    user=request.user,
                    subject=subject_form.cleaned_data["subject"],
                    form_data=request.POST,
                    channel=Channel.KIOSK,
                    idempotency_key=subject_form.cleaned_data["token"],
                    request=request,
                )
            except WorkflowError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Draf tersimpan. Periksa isian lalu tekan “Ajukan” di bawah.")
                )
                return redirect("services:application_detail", application.tracking_code)
    else:
        subject_form = SubjectForm(
            family=family, initial={"subject": request.user.resident, "token": uuid.uuid4()}
        )
        answers_form = formdef.bind(service.form_definition)
    return render(
        request,
        "portal/kiosk_apply.html",
        {"service": service, "subject_form": subject_form, "answers_form": answers_form},
    )


@_kiosk_resident
def kiosk_documents(request):
    rows = list(portal.printable_documents(request.user)[:20])
    return render(request, "portal/kiosk_documents.html", {"documents": rows})


@_kiosk_resident
def kiosk_print(request, pk: int):
    document = get_object_or_404(portal.printable_documents(request.user), pk=pk)
    return render(request, "portal/kiosk_print.html", {"document": document})


@xframe_options_sameorigin
@_kiosk_resident
def kiosk_pdf(request, pk: int):
    """The issued PDF shown inline in the print page's frame (never saved to the kiosk)."""
    document = get_object_or_404(portal.printable_documents(request.user), pk=pk)
    try:
        data = documents.read_pdf(document)
    except (documents.DocumentError, FileNotFoundError) as error:
        raise Http404 from error
    audit.record(
        "portal.kiosk.document_printed",
        actor=request.user,
        target=document,
        summary=document.number,
        request=request,
    )
    response = FileResponse(BytesIO(data), content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    return response


@require_POST
def kiosk_finish(request):
    """ "Selesai": sign the resident out and show the start screen again."""
    if request.user.is_authenticated:
        logout(request)
        messages.success(request, _("Anda sudah keluar. Terima kasih."))
    if kiosk.kiosk_of(request) is None:
        return redirect("home")
    return redirect("portal:kiosk_start")


def kiosk_ping(request):
    """Activity from the kiosk page (typing, touching): the middleware renews the idle clock."""
    return HttpResponse(status=204)
