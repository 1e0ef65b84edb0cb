"""Business rules of the UMKM register and its support programmes."""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from accounts.roles import DISTRICT_ROLES, VILLAGE_ROLES, Role
from core import audit
from economy.models import (
    AssistanceItem,
    AssistanceKind,
    Attendance,
    Business,
    BusinessSector,
    BusinessSize,
    Enrolment,
    GroceryDistribution,
    GroceryPurchase,
    GroceryRound,
    Training,
    TrainingProgramme,
    TrainingSession,
    WarungAssessment,
)
from people.models import Resident, region_filter
from people.nik import mask_nik

logger = logging.getLogger(__name__)

NIB_PATTERN = re.compile(r"^\d{13}$")
#: Services of the catalogue that count as a business permit or business letter.
PERMIT_SERVICE_CODES = ("dpmptsp-izin-usaha", "keterangan-usaha", "keterangan-domisili-usaha")
VIEW_ROLES = VILLAGE_ROLES | DISTRICT_ROLES | {Role.REGENT}
WRITE_ROLES = VILLAGE_ROLES


def scoped(queryset, user, village_path: str):
    condition = region_filter(user, village_path)
    if condition is None or getattr(user, "role", None) not in VIEW_ROLES:
        return queryset.none()
    return queryset.filter(condition)


def may_view(user) -> bool:
    return getattr(user, "role", None) in VIEW_ROLES and region_filter(user, "") is not None


def may_write(user) -> bool:
    return getattr(user, "role", None) in WRITE_ROLES and bool(user.region_id)


def _require_writer_of(user, village_id: int) -> None:
    if not may_write(user) or user.region_id != village_id:
        raise PermissionDenied


def _money(value, field: str) -> Decimal:
    try:
        if isinstance(value, int | Decimal):
            amount = Decimal(value)
        else:  # text as officers type it: "3.500.000" or "3500000"
            amount = Decimal(str(value).replace(".", "").replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Harus angka rupiah.")}) from None
    if amount < 0:
        raise ValidationError({field: _("Tidak boleh negatif.")})
    return amount


def find_resident(user, nik: str, field: str = "nik") -> Resident:
    """The living resident with this NIK in the user's scope, or a clear refusal."""
    nik = (nik or "").strip()
    if not re.fullmatch(r"\d{16}", nik):
        raise ValidationError({field: _("NIK harus 16 angka.")})
    resident = (
        Resident.objects.visible_to(user).living().select_related("family").filter(nik=nik).first()
    )
    if resident is None:
        raise ValidationError(
            {
                field: _(
                    "NIK %(nik)s tidak terdaftar dalam data penduduk desa ini; "
                    "daftarkan dulu atau periksa NIK-nya."
                )
                % {"nik": mask_nik(nik)}
            }
        )
    return resident


# --------------------------------------------------------------------------- register


def register_business(
    user, *, owner_nik, name, sector, size, nib="", address="", is_warung=False, request=None
) -> Business:
    """A village officer registers a business of a resident of their village."""
    if not may_write(user):
        raise PermissionDenied
    owner = find_resident(user, owner_nik, "owner_nik")
    if not (name or "").strip():
        raise ValidationError({"name": _("Nama usaha wajib diisi.")})
    if sector not in BusinessSector.values:
        raise ValidationError({"sector": _("Bidang usaha tidak dikenal.")})
    if size not in BusinessSize.values:
        raise ValidationError({"size": _("Skala usaha tidak dikenal.")})
    nib = (nib or "").strip()
    if nib and not NIB_PATTERN.match(nib):
        raise ValidationError({"nib": _("NIB harus 13 angka.")})
    if nib and Business.objects.filter(nib=nib).exists():
        raise ValidationError({"nib": _("NIB ini sudah terdaftar untuk usaha lain.")})
    business = Business.objects.create(
        name=name.strip(),
        owner=owner,
        sector=sector,
        size=size,
        nib=nib,
        address=(address or "").strip(),
        is_warung=bool(is_warung),
        village_id=user.region_id,
        created_by=user,
    )
    audit.record(
        "economy.business.registered",
        actor=user,
        target=business,
        summary=business.name,
        request=request,
    )
    return business


def link_permit(business: Business, user, tracking_code: str, *, request=None):
    """Link a business to its permit application made through the public-services flow."""
    from services.models import Application

    _require_writer_of(user, business.village_id)
    application = (
        Application.objects.visible_to(user)
        .filter(tracking_code=(tracking_code or "").strip().upper())
        .select_related("service")
        .first()
    )
    if application is None:
        raise ValidationError({"tracking_code": _("Permohonan dengan kode itu tidak ditemukan.")})
    if application.service.code not in PERMIT_SERVICE_CODES:
        raise ValidationError(
            {"tracking_code": _("Permohonan itu bukan permohonan izin atau keterangan usaha.")}
        )
    if (
        application.applicant_id != business.owner_id
        and application.subject_id != business.owner_id
    ):
        raise ValidationError(
            {"tracking_code": _("Permohonan itu bukan atas nama pemilik usaha ini.")}
        )
    business.permit_applications.add(application)
    audit.record(
        "economy.business.permit_linked",
        actor=user,
        target=business,
        summary=application.tracking_code,
        request=request,
    )
    return application


def permit_candidates(business: Business, user):
    """Business-permit applications of the owner the officer may link."""
    from services.models import Application

    return (
        Application.objects.visible_to(user)
        .filter(service__code__in=PERMIT_SERVICE_CODES, subject_id=business.owner_id)
        .exclude(businesses=business)
        .select_related("service")
    )


# --------------------------------------------------------------------------- Warung Naik Kelas


def assess_warung(business: Business, user, *, assessed_on, score, needs="", request=None):
    _require_writer_of(user, business.village_id)
    if not business.is_warung:
        raise ValidationError(_("Warung Naik Kelas hanya untuk usaha berbentuk warung."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = -1
    if not 0 <= score <= 100:
        raise ValidationError({"score": _("Skor harus 0 sampai 100.")})
    assessment = WarungAssessment.objects.create(
        business=business, assessed_on=assessed_on, score=score, needs=needs, assessed_by=user
    )
    audit.record(
        "economy.warung.assessed", actor=user, target=business, summary=f"{score}", request=request
    )
    return assessment


def add_assistance(business: Business, user, *, kind, description="", value=0, request=None):
    _require_writer_of(user, business.village_id)
    if not business.is_warung:
        raise ValidationError(_("Warung Naik Kelas hanya untuk usaha berbentuk warung."))
    if kind not in AssistanceKind.values:
        raise ValidationError({"kind": _("Jenis bantuan tidak dikenal.")})
    item = AssistanceItem.objects.create(
        business=business,
        kind=kind,
        description=description,
        value=_money(value or 0, "value"),
        recorded_by=user,
    )
    audit.record(
        "economy.warung.assistance_added",
        actor=user,
        target=business,
        summary=kind,
        request=request,
    )
    return item


def deliver_assistance(item: AssistanceItem, user, *, delivered_on, request=None):
    _require_writer_of(user, item.business.village_id)
    if item.delivered_on is not None:
        raise ValidationError(_("Bantuan ini sudah tercatat diserahkan."))
    item.delivered_on = delivered_on
    item.save(update_fields=["delivered_on"])
    audit.record(
        "economy.warung.assistance_delivered",
        actor=user,
        target=item.business,
        summary=f"{item.kind} {delivered_on}",
        request=request,
    )
    return item


# --------------------------------------------------------------------------- trainings


def create_training(user, *, title, programme, capacity=30, request=None) -> Training:
    if not may_write(user):
        raise PermissionDenied
    if not (title or "").strip():
        raise ValidationError({"title": _("Judul wajib diisi.")})
    if programme not in TrainingProgramme.values:
        raise ValidationError({"programme": _("Program tidak dikenal.")})
    training = Training.objects.create(
        title=title.strip(),
        programme=programme,
        capacity=int(capacity),
        village_id=user.region_id,
        created_by=user,
    )
    audit.record(
        "economy.training.created", actor=user, target=training, summary=title, request=request
    )
    return training


def add_session(training: Training, user, *, held_on, topic) -> TrainingSession:
    _require_writer_of(user, training.village_id)
    return TrainingSession.objects.create(training=training, held_on=held_on, topic=topic)


def enrol(training: Training, business: Business, user) -> Enrolment:
    _require_writer_of(user, training.village_id)
    if not scoped(Business.objects, user, "village").filter(pk=business.pk).exists():
        raise PermissionDenied
    if training.enrolments.count() >= training.capacity:
        raise ValidationError(_("Pelatihan sudah penuh."))
    try:
        with transaction.atomic():
            return Enrolment.objects.create(training=training, business=business)
    except IntegrityError:
        raise ValidationError(_("Usaha ini sudah terdaftar di pelatihan ini.")) from None


def record_attendance(session: TrainingSession, user, enrolment_ids) -> int:
    """Replace a session's attendance with the given enrolments; returns how many attended."""
    _require_writer_of(user, session.training.village_id)
    valid = set(
        session.training.enrolments.filter(pk__in=enrolment_ids).values_list("pk", flat=True)
    )
    with transaction.atomic():
        session.attendance.exclude(enrolment_id__in=valid).delete()
        Attendance.objects.bulk_create(
            [Attendance(session=session, enrolment_id=pk) for pk in valid], ignore_conflicts=True
        )
    return len(valid)


# --------------------------------------------------------------------------- grocery scheme


def create_grocery_round(user, *, name, held_on, request=None) -> GroceryRound:
    if not may_write(user):
        raise PermissionDenied
    if not (name or "").strip():
        raise ValidationError({"name": _("Nama kegiatan wajib diisi.")})
    round_ = GroceryRound.objects.create(
        village_id=user.region_id, name=name.strip(), held_on=held_on, created_by=user
    )
    audit.record(
        "economy.grocery.round_created", actor=user, target=round_, summary=name, request=request
    )
    return round_


def record_purchase(
    round_: GroceryRound, user, *, shop: Business, buyer, packages, amount, request=None
) -> GroceryPurchase:
    _require_writer_of(user, round_.village_id)
    if shop.village_id != round_.village_id or not shop.is_warung:
        raise ValidationError({"shop": _("Belanja dicatat di warung desa ini saja.")})
    try:
        packages = int(packages)
    except (TypeError, ValueError):
        packages = 0
    if packages < 1:
        raise ValidationError({"packages": _("Jumlah paket minimal 1.")})
    if not (buyer or "").strip():
        raise ValidationError({"buyer": _("Nama ASN atau instansi pembeli wajib diisi.")})
    purchase = GroceryPurchase.objects.create(
        round=round_,
        shop=shop,
        buyer=buyer.strip(),
        packages=packages,
        amount=_money(amount, "amount"),
        recorded_by=user,
    )
    audit.record(
        "economy.grocery.purchase",
        actor=user,
        target=round_,
        summary=f"{shop.name} {purchase.amount}",
        request=request,
    )
    return purchase


def record_distribution(
    round_: GroceryRound, user, *, nik, packages=1, goods="", request=None
) -> GroceryDistribution:
    """Hand groceries to a resident. Refused for anyone not in the register (of this village)."""
    _require_writer_of(user, round_.village_id)
    resident = find_resident(user, nik)
    try:
        packages = int(packages)
    except (TypeError, ValueError):
        packages = 0
    if packages < 1:
        raise ValidationError({"packages": _("Jumlah paket minimal 1.")})
    try:
        with transaction.atomic():
            distribution = GroceryDistribution.objects.create(
                round=round_,
                resident=resident,
                family_id=resident.family_id,
                village_id=resident.village_id,
                packages=packages,
                goods=goods,
                recorded_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            {"nik": _("Penduduk ini sudah menerima paket pada kegiatan ini.")}
        ) from None
    audit.record(
        "economy.grocery.distribution",
        actor=user,
        target=round_,
        summary=mask_nik(resident.nik),
        request=request,
    )
    return distribution


def spend_per_shop(user, round_id=None):
    """Money spent at each shop by the scheme, in the user's scope."""
    purchases = scoped(GroceryPurchase.objects, user, "shop__village")
    if round_id:
        purchases = purchases.filter(round_id=round_id)
    return (
        purchases.values("shop_id", "shop__name", "shop__village__name")
        .annotate(total=Sum("amount"), packages=Sum("packages"), purchases=Count("id"))
        .order_by("-total", "shop_id")
    )


def goods_per_household(user, round_id=None):
    """Packages received by each household (family card), in the user's scope."""
    rows = scoped(GroceryDistribution.objects, user, "village")
    if round_id:
        rows = rows.filter(round_id=round_id)
    return (
        rows.values("family_id", "family__no_kk", "village__name")
        .annotate(packages=Sum("packages"), receipts=Count("id"))
        .order_by("-packages", "family_id")
    )


BUSINESS_HEADERS = (
    "id",
    "nama_usaha",
    "pemilik",
    "NIK_pemilik",
    "bidang",
    "skala",
    "kecamatan",
    "desa",
    "NIB",
    "warung",
    "alamat",
    "permohonan_izin",
)


def business_rows(queryset):
    rows = queryset.select_related("owner", "village__parent").annotate(
        n_permits=Count("permit_applications")
    )
    for b in rows.order_by("name", "id").iterator(chunk_size=2000):
        yield (
            b.pk,
            b.name,
            b.owner.full_name,
            mask_nik(b.owner.nik or ""),
            b.get_sector_display(),
            b.get_size_display(),
            b.village.parent.name,
            b.village.name,
            b.nib,
            b.is_warung,
            b.address,
            b.n_permits,
        )
