"""Pages of the UMKM register, Warung Naik Kelas, trainings and the grocery scheme.

Every query goes through :func:`economy.services.scoped`: a record outside the user's region
answers 404, a role without economy access 403.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import record
from core.forms import add_errors
from core.views import keyset_page
from economy import forms, services
from economy.exports import personal_export_response, requested_format
from economy.models import (
    AssistanceItem,
    Business,
    GroceryRound,
    Training,
    TrainingSession,
)
from people.nik import mask_nik

PAGE_SIZE = 50
REPORT_ROWS = 100


def economy_staff(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not services.may_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _businesses(user):
    return services.scoped(Business.objects, user, "village")


# --------------------------------------------------------------------------- register


@economy_staff
def business_list(request):
    form = forms.BusinessFilterForm(request.GET or None)
    businesses = _businesses(request.user).select_related("owner", "village")
    if form.is_bound:
        businesses = form.filter(businesses) if form.is_valid() else businesses.none()
    fmt = requested_format(request)
    if fmt:
        return personal_export_response(
            request, fmt, "umkm", services.BUSINESS_HEADERS, services.business_rows(businesses)
        )
    page = keyset_page(request, businesses, ordering=("name", "id"), size=PAGE_SIZE)
    return render(
        request,
        "economy/business_list.html",
        {
            "form": form,
            "page": page,
            "may_write": services.may_write(request.user),
            "query": request.GET.urlencode(),
        },
    )


@economy_staff
def business_new(request):
    if not services.may_write(request.user):
        raise PermissionDenied
    form = forms.BusinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            business = services.register_business(
                request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Usaha tercatat."))
            return redirect("economy:business_detail", business.pk)
    return render(
        request,
        "economy/form.html",
        {
            "form": form,
            "title": _("Daftarkan usaha"),
            "back": "economy:business_list",
        },
    )


@economy_staff
def business_detail(request, pk: int):
    business = get_object_or_404(
        _businesses(request.user).select_related("owner", "village"), pk=pk
    )
    record("economy.business.viewed", actor=request.user, target=business, request=request)
    may_write = services.may_write(request.user) and request.user.region_id == business.village_id
    return render(
        request,
        "economy/business_detail.html",
        {
            "business": business,
            "permits": business.permit_applications.select_related("service"),
            "candidates": services.permit_candidates(business, request.user) if may_write else [],
            "assessments": business.assessments.all(),
            "items": business.assistance.all(),
            "may_write": may_write,
            "permit_form": forms.PermitLinkForm(),
            "assessment_form": forms.AssessmentForm(),
            "assistance_form": forms.AssistanceForm(),
            "delivery_form": forms.DeliveryForm(),
        },
    )


@require_POST
@economy_staff
def business_action(request, pk: int, action: str):
    business = get_object_or_404(_businesses(request.user), pk=pk)
    form_class = {
        "izin": forms.PermitLinkForm,
        "penilaian": forms.AssessmentForm,
        "bantuan": forms.AssistanceForm,
        "serah": forms.DeliveryForm,
    }.get(action)
    if form_class is None:
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(
            request, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect("economy:business_detail", business.pk)
    data = form.cleaned_data
    try:
        if action == "izin":
            services.link_permit(business, request.user, data["tracking_code"], request=request)
        elif action == "penilaian":
            services.assess_warung(business, request.user, request=request, **data)
        elif action == "bantuan":
            services.add_assistance(
                business,
                request.user,
                request=request,
                kind=data["kind"],
                description=data["description"],
                value=data["value"] or 0,
            )
        else:
            item = get_object_or_404(AssistanceItem, pk=data["item"], business=business)
            services.deliver_assistance(
                item, request.user, delivered_on=data["delivered_on"], request=request
            )
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Tersimpan."))
    return redirect("economy:business_detail", business.pk)


# --------------------------------------------------------------------------- trainings


@economy_staff
def training_list(request):
    trainings = services.scoped(Training.objects, request.user, "village").select_related("village")
    form = forms.TrainingForm(request.POST or None)
    if request.method == "POST":
        if not services.may_write(request.user):
            raise PermissionDenied
        if form.is_valid():
            training = services.create_training(request.user, request=request, **form.cleaned_data)
            return redirect("economy:training_detail", training.pk)
    fmt = requested_format(request)
    if fmt:
        rows = (
            (t.pk, t.title, t.get_programme_display(), t.village.name, t.capacity)
            for t in trainings.order_by("-id").iterator()
        )
        return personal_export_response(
            request, fmt, "pelatihan", ("id", "judul", "program", "desa", "kapasitas"), rows
        )
    page = keyset_page(request, trainings, ordering=("-id",), size=PAGE_SIZE)
    return render(
        request,
        "economy/training_list.html",
        {
            "page": page,
            "form": form,
            "may_write": services.may_write(request.user),
        },
    )


@economy_staff
def training_detail(request, pk: int):
    training = get_object_or_404(services.scoped(Training.objects, request.user, "village"), pk=pk)
    may_write = services.may_write(request.user) and request.user.region_id == training.village_id
    enrolments = list(training.enrolments.select_related("business"))
    sessions = list(training.sessions.prefetch_related("attendance"))
    for session in sessions:
        session.present = {a.enrolment_id for a in session.attendance.all()}
    fmt = requested_format(request)
    if fmt:
        rows = (
            (s.held_on, s.topic, e.business.name, e.pk in s.present)
            for s in sessions
            for e in enrolments
        )
        return personal_export_response(
            request,
            fmt,
            f"kehadiran-pelatihan-{training.pk}",
            ("tanggal", "materi", "usaha", "hadir"),
            rows,
        )
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "sesi":
                form = forms.SessionForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(list(form.errors.values())[0])
                services.add_session(training, request.user, **form.cleaned_data)
            elif action == "daftar":
                form = forms.EnrolForm(request.POST, businesses=_businesses(request.user))
                if not form.is_valid():
                    raise ValidationError(_("Pilih usaha dari daftar."))
                services.enrol(training, form.cleaned_data["business"], request.user)
            elif action == "hadir":
                session = get_object_or_404(
                    TrainingSession, pk=request.POST.get("session"), training=training
                )
                ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
                services.record_attendance(session, request.user, ids)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Tersimpan."))
        return redirect("economy:training_detail", training.pk)
    return render(
        request,
        "economy/training_detail.html",
        {
            "training": training,
            "sessions": sessions,
            "enrolments": enrolments,
            "may_write": may_write,
            "session_form": forms.SessionForm(),
            "enrol_form": forms.EnrolForm(businesses=_businesses(request.user)),
        },
    )


# --------------------------------------------------------------------------- grocery scheme


@economy_staff
def grocery_list(request):
    rounds = services.scoped(GroceryRound.objects, request.user, "village").select_related(
        "village"
    )
    form = forms.GroceryRoundForm(request.POST or None)
    if request.method == "POST":
        if not services.may_write(request.user):
            raise PermissionDenied
        if form.is_valid():
            round_ = services.create_grocery_round(
                request.user, request=request, **form.cleaned_data
            )
            return redirect("economy:grocery_detail", round_.pk)
    fmt = requested_format(request)
    if fmt:
        rows = (
            (r.pk, r.name, r.held_on, r.village.name)
            for r in rounds.order_by("-held_on", "-id").iterator()
        )
        return personal_export_response(
            request, fmt, "kegiatan-sembako", ("id", "kegiatan", "tanggal", "desa"), rows
        )
    page = keyset_page(request, rounds, ordering=("-held_on", "-id"), size=PAGE_SIZE)
    return render(
        request,
        "economy/grocery_list.html",
        {
            "page": page,
            "form": form,
            "may_write": services.may_write(request.user),
        },
    )


@economy_staff
def grocery_detail(request, pk: int):
    round_ = get_object_or_404(
        services.scoped(GroceryRound.objects, request.user, "village"), pk=pk
    )
    record("economy.grocery.viewed", actor=request.user, target=round_, request=request)
    fmt = requested_format(request)
    if fmt and request.GET.get("tabel") == "pembagian":
        rows = (
            (
                d.resident.full_name,
                mask_nik(d.resident.nik or ""),
                d.family.no_kk if d.family_id else "",
                d.packages,
                d.goods,
            )
            for d in round_.distributions.select_related("resident", "family").iterator()
        )
        return personal_export_response(
            request,
            fmt,
            f"pembagian-sembako-{round_.pk}",
            ("penerima", "NIK", "no_kk", "paket", "isi"),
            rows,
        )
    if fmt:
        rows = (
            (p.shop.name, p.buyer, p.packages, p.amount)
            for p in round_.purchases.select_related("shop").iterator()
        )
        return personal_export_response(
            request,
            fmt,
            f"belanja-sembako-{round_.pk}",
            ("warung", "pembeli", "paket", "nilai"),
            rows,
        )
    may_write = services.may_write(request.user) and request.user.region_id == round_.village_id
    shops = _businesses(request.user).filter(village_id=round_.village_id, is_warung=True)
    purchase_form = forms.PurchaseForm(shops=shops)
    distribution_form = forms.DistributionForm()
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if request.POST.get("action") == "belanja":
            purchase_form = forms.PurchaseForm(request.POST, shops=shops)
            form = purchase_form
        else:
            distribution_form = forms.DistributionForm(request.POST)
            form = distribution_form
        if form.is_valid():
            try:
                if form is purchase_form:
                    services.record_purchase(
                        round_, request.user, request=request, **form.cleaned_data
                    )
                else:
                    services.record_distribution(
                        round_, request.user, request=request, **form.cleaned_data
                    )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Tersimpan."))
                return redirect("economy:grocery_detail", round_.pk)
    return render(
        request,
        "economy/grocery_detail.html",
        {
            "round": round_,
            "may_write": may_write,
            "purchases": round_.purchases.select_related("shop"),
            "distributions": round_.distributions.select_related("resident", "family"),
            "purchase_form": purchase_form,
            "distribution_form": distribution_form,
        },
    )


@economy_staff
def grocery_report(request):
    """Money spent per shop and goods received per household, in the user's scope."""
    shops = services.spend_per_shop(request.user)
    households = services.goods_per_household(request.user)
    fmt = requested_format(request)
    if fmt and request.GET.get("tabel") == "rumah-tangga":
        rows = (
            (h["family__no_kk"] or "", h["village__name"], h["packages"], h["receipts"])
            for h in households
        )
        return personal_export_response(
            request, fmt, "sembako-per-kk", ("no_kk", "desa", "paket", "penerimaan"), rows
        )
    if fmt:
        rows = (
            (s["shop__name"], s["shop__village__name"], s["total"], s["packages"], s["purchases"])
            for s in shops
        )
        return personal_export_response(
            request,
            fmt,
            "sembako-per-warung",
            ("warung", "desa", "nilai_belanja", "paket", "transaksi"),
            rows,
        )
    # The page shows the largest rows; the downloads hold every row.
    shop_rows = list(shops[:REPORT_ROWS])
    top = max((s["total"] for s in shop_rows), default=0) or 1
    for shop in shop_rows:
        shop["percent"] = round(100 * shop["total"] / top)
    household_rows = list(households[:REPORT_ROWS])
    return render(
        request,
        "economy/grocery_report.html",
        {
            "shops": shop_rows,
            "households": household_rows,
            "limit": REPORT_ROWS,
        },
    )
