"""Pages of the second sign-in step, and a resident's list of who opened their record."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.roles import Role
from security import history, twofactor
from security.forms import CodeForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


def _locked_message(until) -> str:
    from django.utils import timezone

    local = timezone.localtime(until)
    return _("Terlalu banyak kode salah. Coba lagi setelah pukul %(time)s.") % {
        "time": local.strftime("%H:%M")
    }


@login_required
def verify(request):
    if not twofactor.is_staff(request.user) or twofactor.confirmed_device(request.user) is None:
        raise Http404
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = twofactor.check_code(request.user, form.cleaned_data["code"], request=request)
        if outcome.ok:
            twofactor.mark_passed(request)
            return redirect(_next_url(request))
        if outcome.locked_until:
            form.add_error("code", _locked_message(outcome.locked_until))
        else:
            form.add_error("code", _("Kode salah atau sudah dipakai. Tunggu kode berikutnya."))
    return render(request, "security/verify.html", {"form": form, "next": _next_url(request)})


@login_required
def enrol(request):
    if not twofactor.is_staff(request.user):
        raise Http404
    if twofactor.confirmed_device(request.user) is not None and not twofactor.passed(request):
        return redirect("security:verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = twofactor.check_code(
            request.user, form.cleaned_data["code"], request=request, confirming=True
        )
        if outcome.ok:
            twofactor.mark_passed(request)
            messages.success(request, _("Masuk dua langkah sudah aktif untuk akun Anda."))
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _locked_message(outcome.locked_until)
            if outcome.locked_until
            else _("Kode tidak cocok. Periksa jam ponsel Anda, lalu coba kode berikutnya."),
        )
    already = twofactor.confirmed_device(request.user) is not None
    if already and not (request.GET.get("baru") or request.method == "POST"):
        return render(request, "security/enrol_done.html")
    pending = twofactor.pending_uri(request.user)
    if pending is None or request.GET.get("baru"):
        pending = twofactor.start_enrolment(request.user)
    secret, uri = pending
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("Kode QR autentikator"))
    return render(
        request,
        "security/enrol.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": qr_svg,
            "next": _next_url(request),
            "already": already,
        },
    )


@login_required
def access_history(request):
    """Who opened this resident's record, and when (UU 27/2022 right to know)."""
    if request.user.role != Role.RESIDENT or not request.user.resident_id:
        raise Http404
    return render(
        request,
        "security/access_history.html",
        {
            "entries": history.records_opened(request.user),
            "exports": history.exports_covering(request.user),
        },
    )
