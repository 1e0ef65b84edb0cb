"""Pandemic response: vaccination doses matched by NIK, isolation houses, affected residents.

Every query returning personal data goes through a ``visible_to(user)`` queryset method built
on ``people.models.region_filter`` (fails closed).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from people.models import region_filter


class ScopedQuerySet(models.QuerySet):
    """A queryset limited by the user's region; subclasses name the path to the village."""

    village_path = "village"

    def visible_to(self, user):
        condition = region_filter(user, self.village_path)
        return self.none() if condition is None else self.filter(condition)


# --------------------------------------------------------------------------- vaccinations


class Dose(models.IntegerChoices):
    FIRST = 1, _("Dosis 1")
    SECOND = 2, _("Dosis 2")
    BOOSTER = 3, _("Booster")


class VaccinationSource(models.TextChoices):
    CSV = "csv", _("Berkas CSV")
    FHIR = "fhir", _("FHIR Immunization")
    MANUAL = "manual", _("Input petugas")


class VaccinationImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Import reports name residents across villages: the regency only."""
        if user.is_authenticated and user.is_active and user.role == Role.REGENT:
            return self
        return self.none()


class VaccinationImport(models.Model):
    """One run of a dose import, with its counts and the per-row report."""

    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=8, choices=VaccinationSource.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    # [{"line": int, "nik": masked, "kind": "error"|"conflict"|"flag", "reason": str}, ...]
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    objects = VaccinationImportQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("impor vaksinasi")
        verbose_name_plural = _("impor vaksinasi")

    def __str__(self) -> str:
        return self.file_name


class VaccinationQuerySet(ScopedQuerySet):
    village_path = "resident__village"


class Vaccination(models.Model):
    """One dose given to one resident. One record per resident and dose number."""

    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="vaccinations",
        verbose_name=_("penduduk"),
    )
    dose = models.PositiveSmallIntegerField(_("dosis"), choices=Dose.choices)
    given_on = models.DateField(_("tanggal vaksinasi"))
    # Blank when the source left it blank: a product is never filled in by default.
    product = models.CharField(_("vaksin"), max_length=100, blank=True)
    batch = models.CharField(_("nomor batch"), max_length=50, blank=True)
    facility = models.CharField(_("fasilitas kesehatan"), max_length=200, blank=True)
    source = models.CharField(
        _("sumber"), max_length=8, choices=VaccinationSource.choices, default="manual"
    )
    source_import = models.ForeignKey(
        VaccinationImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Matched but doubtful, e.g. the birth date in the file disagrees with the register.
    flags = models.JSONField(_("catatan"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VaccinationQuerySet.as_manager()

    class Meta:
        ordering = ["resident_id", "dose"]
        verbose_name = _("vaksinasi")
        verbose_name_plural = _("vaksinasi")
        constraints = [
            models.UniqueConstraint(fields=["resident", "dose"], name="vaccination_one_per_dose"),
        ]
        indexes = [models.Index(fields=["dose", "given_on"], name="vaccination_dose_date")]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.get_dose_display()} {self.given_on}"


# --------------------------------------------------------------------------- isolation houses


class IsolationHouseQuerySet(ScopedQuerySet):
    village_path = "village"


class IsolationHouse(models.Model):
    """A place in a village where residents isolate. Occupancy comes from the stays."""

    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="isolation_houses",
        verbose_name=_("desa/kelurahan"),
    )
    name = models.CharField(_("nama"), max_length=200)
    address = models.CharField(_("alamat"), max_length=255)
    capacity = models.PositiveIntegerField(_("kapasitas (tempat tidur)"))
    contact_name = models.CharField(_("narahubung"), max_length=200, blank=True)
    contact_phone = models.CharField(_("nomor HP narahubung"), max_length=20, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IsolationHouseQuerySet.as_manager()

    class Meta:
        ordering = ["village__code", "name"]
        verbose_name = _("rumah isolasi")
        verbose_name_plural = _("rumah isolasi")
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="isolation_house_name"),
        ]

    def __str__(self) -> str:
        return self.name


class IsolationStayQuerySet(ScopedQuerySet):
    village_path = "house__village"

    def current(self):
        return self.filter(discharged_at__isnull=True)


class IsolationStay(models.Model):
    """One admission of a resident to an isolation house, closed by a discharge."""

    house = models.ForeignKey(
        IsolationHouse, on_delete=models.PROTECT, related_name="stays", verbose_name=_("rumah")
    )
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="isolation_stays",
        verbose_name=_("penduduk"),
    )
    admitted_at = models.DateTimeField(_("waktu masuk"), default=timezone.now)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when the admission went past the capacity: who allowed it and why.
    over_capacity_reason = models.CharField(
        _("alasan melebihi kapasitas"), max_length=255, blank=True
    )
    discharged_at = models.DateTimeField(_("waktu keluar"), null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    discharge_note = models.CharField(_("keterangan keluar"), max_length=255, blank=True)

    objects = IsolationStayQuerySet.as_manager()

    class Meta:
        ordering = ["-admitted_at", "-id"]
        verbose_name = _("masa isolasi")
        verbose_name_plural = _("masa isolasi")
        constraints = [
            # A resident is in at most one house at a time.
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(discharged_at__isnull=True),
                name="isolation_one_open_stay",
            ),
        ]
        indexes = [models.Index(fields=["house", "discharged_at"], name="isolation_occupancy")]

    def __str__(self) -> str:
        return f"{self.house_id}:{self.resident_id}"


# --------------------------------------------------------------------------- affected residents


class AffectedCategory(models.TextChoices):
    LAID_OFF = "laid_off", _("Terkena PHK")
    INFORMAL_LOST_INCOME = "informal_lost_income", _("Pekerja informal kehilangan penghasilan")
    BUSINESS_CLOSED = "business_closed", _("Usaha tutup")
    OTHER = "other", _("Lainnya")


class AffectedStatus(models.TextChoices):
    REPORTED = "reported", _("Dilaporkan")
    VERIFIED = "verified", _("Terverifikasi")
    REJECTED = "rejected", _("Ditolak")


class AffectedResidentQuerySet(ScopedQuerySet):
    village_path = "resident__village"

    def visible_to(self, user):
        """Staff see their region; a resident sees their own reports."""
        if getattr(user, "role", None) == Role.RESIDENT and user.resident_id:
            return self.filter(resident_id=user.resident_id)
        return super().visible_to(user)

    def verified(self):
        return self.filter(status=AffectedStatus.VERIFIED)


class AffectedResident(models.Model):
    """A resident hit by the pandemic, one record per resident and category.

    Read by ``assistance`` to list verified affected residents who receive nothing.
    """

    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="pandemic_impacts",
        verbose_name=_("penduduk"),
    )
    category = models.CharField(_("kategori"), max_length=24, choices=AffectedCategory.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AffectedStatus.choices,
        default=AffectedStatus.REPORTED,
        db_index=True,
    )
    description = models.TextField(_("keterangan"), blank=True)
    affected_since = models.DateField(_("terdampak sejak"), null=True, blank=True)
    evidence = models.TextField(
        _("bukti"),
        blank=True,
        help_text=_("Mis. nomor surat PHK, foto tempat usaha yang tutup, keterangan RT."),
    )
    self_reported = models.BooleanField(_("lapor mandiri"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dilaporkan oleh"),
    )
    reported_at = models.DateTimeField(_("waktu lapor"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )
    verified_at = models.DateTimeField(_("waktu verifikasi"), null=True, blank=True)
    verification_note = models.CharField(_("catatan verifikasi"), max_length=255, blank=True)

    objects = AffectedResidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("warga terdampak")
        verbose_name_plural = _("warga terdampak")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "category"], name="affected_one_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.category}"
