"""Pages of the health app. Thin: parse input, call a service, render.

Every object is fetched through a ``visible_to(user)`` queryset, so one outside the user's
scope is answered 404 exactly like one that does not exist; a role without a scope gets 403.
"""

import functools
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.roles import VILLAGE_ROLES, Role
from core import exports
from core.audit import record
from core.jobs import enqueue
from core.views import keyset_page
from health import coverage, services
from health.forms import (
    AdmitForm,
    AffectedFields,
    AffectedReportForm,
    AsOfForm,
    DischargeForm,
    HouseForm,
    ImportForm,
    OutreachForm,
    VerifyForm,
)
from health.jobs import upload_dir
from health.models import (
    AffectedResident,
    AffectedStatus,
    Dose,
    IsolationHouse,
    IsolationStay,
    Vaccination,
    VaccinationImport,
)
from health.vaccination import CSV_HEADERS, export_rows, fhir_bundle_chunks
from people.models import Resident, region_filter
from people.nik import mask_nik
from regions.models import Level, Region

PAGE_SIZE = 50
REPORT_PAGE_SIZE = 100


def staff_required(view):
    """Signed-in staff whose role has a region scope (regent, task force, district, village)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not services.is_staff_with_scope(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def regent_required(view):
    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.REGENT:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _visible_region(user, pk) -> Region:
    """A district or village inside the user's scope, else 404."""
    condition = region_filter(user, "")
    if condition is None or not str(pk).isdigit():
        raise Http404
    visible_villages = Region.objects.villages().filter(condition)
    district = Region.objects.districts().filter(pk=pk).first()
    if district is not None:
        if user.role in VILLAGE_ROLES or not visible_villages.filter(parent=district).exists():
            raise Http404
        return district
    return get_object_or_404(visible_villages, pk=pk)


# --------------------------------------------------------------------------- dashboard


@staff_required
def dashboard(request):
    """Coverage, isolation places and affected residents at the user's level, or one below."""
    user = request.user
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    figures = coverage.coverage_for(user, as_of)
    focus = None
    if request.GET.get("wilayah"):
        focus = _visible_region(user, request.GET["wilayah"])

    if focus is not None and focus.level == Level.DISTRICT:
        area = figures.districts.get(focus.pk) or coverage.Figures(focus)
        children = [f for f in figures.villages.values() if f.region.parent_id == focus.pk]
    elif focus is not None:
        area = figures.villages[focus.pk]
        children = []
    elif user.role in VILLAGE_ROLES:
        focus = user.region
        area = figures.villages.get(user.region_id) or coverage.Figures(user.region)
        children = []
    elif user.role in (Role.REGENT, Role.TASK_FORCE):
        area, children = figures.total, list(figures.districts.values())
    else:
        focus = user.region
        area = figures.districts.get(user.region_id) or coverage.Figures(user.region)
        children = list(figures.villages.values())

    _districts, villages, houses = services.free_places(user, focus)
    context = {
        "form": form,
        "as_of": as_of,
        "focus": focus,
        "area": area,
        "children": sorted(children, key=lambda item: item.region.code),
        "doses": Dose,
        "places": {
            "capacity": sum(item.capacity for item in villages),
            "occupied": sum(item.occupied for item in villages),
            "free": sum(item.free for item in villages),
            "houses": len(houses),
        },
        "affected": services.affected_summary(user, focus),
        "may_import": user.role == Role.REGENT,
        "back_link": request.GET.get("wilayah") and user.role not in VILLAGE_ROLES,
    }
    return render(request, "health/dashboard.html", context)


# --------------------------------------------------------------------------- vaccinations


@regent_required
def import_upload(request):
    """Upload a dose file; the import runs as a background job."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = upload_dir()
        folder.mkdir(parents=True, exist_ok=True)
        stored = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with (folder / stored).open("wb") as handle:
            for piece in upload.chunks():
                handle.write(piece)
        job = enqueue(
            "health.import_vaccinations",
            params={"upload": stored, "file_name": upload.name[:200]},
            user=request.user,
            label=_("Impor vaksinasi: %(name)s") % {"name": upload.name[:150]},
        )
        return redirect("jobs:job_detail", job.pk)
    imports = VaccinationImport.objects.visible_to(request.user)[:20]
    return render(request, "health/import_upload.html", {"form": form, "imports": imports})


@regent_required
def import_detail(request, pk: int):
    run = get_object_or_404(VaccinationImport.objects.visible_to(request.user), pk=pk)
    try:
        page_number = max(int(request.GET.get("halaman", "1")), 1)
    except ValueError:
        page_number = 1
    start = (page_number - 1) * REPORT_PAGE_SIZE
    entries = run.report[start : start + REPORT_PAGE_SIZE]
    context = {
        "run": run,
        "entries": entries,
        "page_number": page_number,
        "previous_page": page_number - 1 if page_number > 1 else None,
        "next_page": page_number + 1 if start + REPORT_PAGE_SIZE < len(run.report) else None,
    }
    return render(request, "health/import_detail.html", context)


def _scoped_vaccinations(request):
    doses = Vaccination.objects.visible_to(request.user)
    if request.GET.get("wilayah"):
        region = _visible_region(request.user, request.GET["wilayah"])
        if region.level == Level.DISTRICT:
            doses = doses.filter(resident__village__parent=region)
        else:
            doses = doses.filter(resident__village=region)
    return doses.order_by("resident_id", "dose")


@staff_required
def export_fhir(request):
    """Doses in scope as a FHIR R4 Bundle of Immunization resources, streamed."""
    doses = _scoped_vaccinations(request)
    asked = exports.ask_purpose(request)
    if asked is not None:
        return asked
    record("health.vaccination.exported", actor=request.user, request=request, format="fhir")
    response = StreamingHttpResponse(
        fhir_bundle_chunks(doses), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = 'attachment; filename="imunisasi-fhir.json"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def export_csv(request):
    """Doses in scope in the import's CSV columns (a file that imports back unchanged)."""
    doses = _scoped_vaccinations(request)
    asked = exports.ask_purpose(request)
    if asked is not None:
        return asked
    record("health.vaccination.exported", actor=request.user, request=request, format="csv")
    return exports.csv_response("vaksinasi.csv", CSV_HEADERS, export_rows(doses))


@staff_required
def outreach(request, village_id: int):
    """Residents of one village never vaccinated or due for their next dose; exportable."""
    village = get_object_or_404(
        Region.objects.villages().filter(region_filter(request.user, "")), pk=village_id
    )
    form = OutreachForm(request.GET or None)
    kind = (form.cleaned_data["kind"] if form.is_valid() else "") or coverage.DUE
    as_of = form.as_of_date()
    residents = coverage.outreach_residents(request.user, village, kind, as_of)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        asked = exports.ask_purpose(request)
        if asked is not None:
            return asked
        record(
            "health.outreach.exported",
            actor=request.user,
            target=village,
            covers=village,
            request=request,
            kind=kind,
            format=export,
        )
        header = [
            _("NIK"),
            _("Nama"),
            _("Tanggal lahir"),
            _("RT"),
            _("RW"),
            _("Alamat"),
            _("Dosis berikutnya"),
        ]
        rows = (
            (
                resident.nik or resident.temp_id,
                resident.full_name,
                resident.birth_date,
                resident.rt,
                resident.rw,
                resident.address,
                str(Dose(resident.next_dose).label),
            )
            for resident in residents.order_by("rt", "rw", "full_name", "id").iterator(
                chunk_size=2000
            )
        )
        name = f"sasaran-vaksinasi-{village.digits}-{kind}.{export}"
        if export == "csv":
            return exports.csv_response(name, header, rows)
        return exports.xlsx_response(name, header, rows, title=village.name)
    page = keyset_page(request, residents, ordering=("full_name", "id"), size=PAGE_SIZE)
    for resident in page.items:
        resident.masked_nik = mask_nik(resident.nik) if resident.nik else resident.temp_id
        resident.next_dose_label = Dose(resident.next_dose).label
    context = {"village": village, "form": form, "page": page, "kind": kind, "as_of": as_of}
    return render(request, "health/outreach.html", context)


# --------------------------------------------------------------------------- isolation houses


@staff_required
def places(request):
    """Free isolation places per district and village, and a map where coordinates exist."""
    districts, villages, houses = services.free_places(request.user)
    context = {
        "districts": districts,
        "villages": villages,
        "houses": houses,
        "points": services.map_points(houses),
        "may_add": request.user.role in VILLAGE_ROLES or request.user.role == Role.REGENT,
    }
    return render(request, "health/places.html", context)


def _manageable_villages(user):
    if user.role == Role.REGENT:
        return Region.objects.villages()
    if user.role in VILLAGE_ROLES and user.region_id:
        return Region.objects.filter(pk=user.region_id)
    return Region.objects.none()


@staff_required
def house_edit(request, pk: int | None = None):
    villages = _manageable_villages(request.user)
    if not villages.exists():
        raise PermissionDenied
    house = None
    if pk is not None:
        house = get_object_or_404(IsolationHouse.objects.visible_to(request.user), pk=pk)
        if not services.may_manage_village(request.user, house.village):
            raise PermissionDenied
    form = HouseForm(request.POST or None, instance=house, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            house = services.save_house(form.save(commit=False), user=request.user, request=request)
        except services.HealthError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Rumah isolasi disimpan."))
            return redirect("health:house_detail", house.pk)
    return render(request, "health/house_form.html", {"form": form, "house": house})


@staff_required
def house_detail(request, pk: int):
    house = get_object_or_404(
        services.houses_with_occupancy(request.user).select_related("village__parent"), pk=pk
    )
    may_manage = services.may_manage_village(request.user, house.village)
    admit_form = AdmitForm(prefix="admit", user=request.user)
    discharge_form = DischargeForm(prefix="discharge", house=house)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        try:
            if "admit" in request.POST:
                admit_form = AdmitForm(request.POST, prefix="admit", user=request.user)
                if admit_form.is_valid():
                    services.admit(
                        house,
                        admit_form.resident,
                        user=request.user,
                        over_capacity_reason=admit_form.cleaned_data["over_capacity_reason"],
                        request=request,
                    )
                    messages.success(request, _("Penghuni dicatat masuk."))
                    return redirect("health:house_detail", house.pk)
            else:
                discharge_form = DischargeForm(request.POST, prefix="discharge", house=house)
                stay = discharge_form.cleaned_data["stay"] if discharge_form.is_valid() else None
                services.discharge(
                    house,
                    stay.pk if stay else None,
                    user=request.user,
                    note=request.POST.get("discharge-note", ""),
                    request=request,
                )
                messages.success(request, _("Penghuni dicatat keluar."))
                return redirect("health:house_detail", house.pk)
        except services.HealthError as error:
            messages.error(request, str(error))
            return redirect("health:house_detail", house.pk)
    current = list(
        IsolationStay.objects.visible_to(request.user)
        .filter(house=house)
        .current()
        .select_related("resident")
        .order_by("admitted_at", "id")
    )
    for stay in current:
        stay.masked_nik = mask_nik(stay.resident.nik)
    context = {
        "house": house,
        "current": current,
        "free": max(house.capacity - house.occupied, 0),
        "may_manage": may_manage,
        "admit_form": admit_form,
        "discharge_form": discharge_form,
    }
    return render(request, "health/house_detail.html", context)


# --------------------------------------------------------------------------- affected residents


@staff_required
def affected_list(request):
    entries = AffectedResident.objects.visible_to(request.user).select_related("resident__village")
    status = request.GET.get("status")
    if status in AffectedStatus.values:
        entries = entries.filter(status=status)
    page = keyset_page(request, entries, ordering=("-reported_at", "-id"), size=PAGE_SIZE)
    for entry in page.items:
        entry.masked_nik = mask_nik(entry.resident.nik)
    context = {
        "page": page,
        "status": status,
        "statuses": AffectedStatus.choices,
        "may_report": request.user.role in VILLAGE_ROLES,
    }
    return render(request, "health/affected_list.html", context)


@staff_required
def affected_report(request):
    """A village officer records an affected resident of the village."""
    if request.user.role not in VILLAGE_ROLES:
        raise PermissionDenied
    form = AffectedReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry, created = services.report_affected(
                form.resident,
                form.cleaned_data["category"],
                user=request.user,
                description=form.cleaned_data["description"],
                affected_since=form.cleaned_data["affected_since"],
                evidence=form.cleaned_data["evidence"],
                request=request,
            )
        except services.HealthError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, _("Laporan warga terdampak disimpan."))
            else:
                messages.info(request, _("Warga ini sudah tercatat dengan kategori yang sama."))
            return redirect("health:affected_detail", entry.pk)
    return render(request, "health/affected_form.html", {"form": form, "self_report": False})


@staff_required
def affected_detail(request, pk: int):
    entry = get_object_or_404(
        AffectedResident.objects.visible_to(request.user).select_related("resident__village"),
        pk=pk,
    )
    may_verify = (
        request.user.role in VILLAGE_ROLES and request.user.region_id == entry.resident.village_id
    )
    form = VerifyForm(request.POST or None)
    if request.method == "POST":
        if not may_verify:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.verify_affected(
                    entry,
                    user=request.user,
                    approve=form.cleaned_data["decision"] == "verify",
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except services.HealthError as error:
                form.add_error("note", str(error))
            else:
                messages.success(request, _("Verifikasi disimpan."))
                return redirect("health:affected_detail", entry.pk)
    record(
        "health.affected.viewed",
        actor=request.user,
        target=entry,
        request=request,
        about=entry.resident_id,
    )
    context = {
        "entry": entry,
        "masked_nik": mask_nik(entry.resident.nik),
        "form": form,
        "may_verify": may_verify,
    }
    return render(request, "health/affected_detail.html", context)


def _priority_rows(residents):
    ids = [resident.pk for resident in residents]
    impacts = services.impacts_by_resident(ids)
    receipts = services.receipts_for(ids)
    for resident in residents:
        resident.masked_nik = mask_nik(resident.nik)
        resident.impacts = impacts.get(resident.pk, [])
        resident.receipts = None if receipts is None else receipts.get(resident.pk, [])
    return receipts is not None


@staff_required
def priority(request):
    """Verified affected residents, most affected first, with what each already receives."""
    residents = services.priority_residents(request.user).select_related("village")
    if request.GET.get("format") == "csv":
        asked = exports.ask_purpose(request)
        if asked is not None:
            return asked
        record("health.priority.exported", actor=request.user, request=request)
        return exports.csv_response(
            "prioritas-pemulihan-ekonomi.csv",
            [
                _("NIK"),
                _("Nama"),
                _("Desa/kelurahan"),
                _("Jumlah dampak"),
                _("Dampak"),
                _("Bantuan yang diterima"),
            ],
            _priority_export(residents),
        )
    page = keyset_page(
        request, residents, ordering=("-impact_count", "first_reported", "id"), size=PAGE_SIZE
    )
    receipts_known = _priority_rows(page.items)
    return render(request, "health/priority.html", {"page": page, "receipts_known": receipts_known})


def _priority_export(residents):
    ordered = residents.order_by("-impact_count", "first_reported", "id")
    batch = []
    for resident in ordered.iterator(chunk_size=500):
        batch.append(resident)
        if len(batch) == 500:
            yield from _export_batch(batch)
            batch = []
    yield from _export_batch(batch)


def _export_batch(batch):
    if not batch:
        return
    _priority_rows(batch)
    for resident in batch:
        yield (
            resident.nik,
            resident.full_name,
            resident.village.name,
            resident.impact_count,
            "; ".join(str(impact.get_category_display()) for impact in resident.impacts),
            ""
            if resident.receipts is None
            else "; ".join(
                str(receipt.get("name") or receipt.get("code") or "")
                for receipt in resident.receipts
            ),
        )


@login_required
def self_report(request):
    """A signed-in resident reports themself as affected by the pandemic."""
    user = request.user
    if user.role != Role.RESIDENT or not user.resident_id:
        raise PermissionDenied
    resident = get_object_or_404(Resident.objects.visible_to(user), pk=user.resident_id)
    form = AffectedFields(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _entry, created = services.report_affected(
                resident,
                form.cleaned_data["category"],
                user=user,
                description=form.cleaned_data["description"],
                affected_since=form.cleaned_data["affected_since"],
                evidence=form.cleaned_data["evidence"],
                request=request,
            )
        except services.HealthError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(
                    request, _("Laporan Anda diterima dan akan diverifikasi oleh petugas desa.")
                )
            else:
                messages.info(request, _("Anda sudah pernah melapor untuk kategori ini."))
            return redirect("health:self_report")
    own = AffectedResident.objects.visible_to(user).order_by("-reported_at", "-id")
    return render(
        request, "health/affected_form.html", {"form": form, "self_report": True, "own": own}
    )
