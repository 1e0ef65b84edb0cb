"""Micro, small and medium businesses (UMKM) and the programmes that support them: Warung Naik
Kelas, digital-marketing trainings and the civil-servant grocery scheme."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessSector(models.TextChoices):
    FOOD = "food", _("Kuliner dan makanan olahan")
    RETAIL = "retail", _("Perdagangan eceran")
    CRAFT = "craft", _("Kerajinan")
    FASHION = "fashion", _("Fesyen dan batik")
    AGRICULTURE = "agriculture", _("Pertanian dan perkebunan")
    FISHERY = "fishery", _("Perikanan")
    SERVICES = "services", _("Jasa")
    TOURISM = "tourism", _("Pariwisata")


class BusinessSize(models.TextChoices):
    MICRO = "micro", _("Mikro")
    SMALL = "small", _("Kecil")
    MEDIUM = "medium", _("Menengah")


class Business(models.Model):
    name = models.CharField(_("nama usaha"), max_length=200)
    owner = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="businesses",
        verbose_name=_("pemilik"),
    )
    sector = models.CharField(_("bidang usaha"), max_length=16, choices=BusinessSector.choices)
    size = models.CharField(_("skala usaha"), max_length=8, choices=BusinessSize.choices)
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa")
    )
    address = models.CharField(_("alamat usaha"), max_length=255, blank=True)
    nib = models.CharField(
        _("NIB"), max_length=13, blank=True, help_text=_("Nomor Induk Berusaha, 13 angka.")
    )
    is_warung = models.BooleanField(_("warung/toko kelontong"), default=False)
    permit_applications = models.ManyToManyField(
        "services.Application",
        blank=True,
        related_name="businesses",
        verbose_name=_("permohonan izin"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("usaha (UMKM)")
        verbose_name_plural = _("usaha (UMKM)")
        indexes = [models.Index(fields=["village", "name"], name="business_village_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["nib"], condition=~models.Q(nib=""), name="business_nib_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------- Warung Naik Kelas


class WarungAssessment(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("tanggal penilaian"))
    score = models.PositiveSmallIntegerField(_("skor (0-100)"))
    needs = models.TextField(_("kebutuhan"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="assessment_score_max")
        ]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.score}"


class AssistanceKind(models.TextChoices):
    DISPLAY_RACK = "display_rack", _("Rak pajang")
    SIGNAGE = "signage", _("Papan nama")
    REFRIGERATOR = "refrigerator", _("Lemari pendingin")
    TRAINING = "training", _("Pelatihan")
    OTHER = "other", _("Lainnya")


class AssistanceItem(models.Model):
    """One item of Warung Naik Kelas help for a shop, planned and then delivered."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="assistance")
    kind = models.CharField(_("jenis bantuan"), max_length=16, choices=AssistanceKind.choices)
    description = models.CharField(_("uraian"), max_length=255, blank=True)
    value = models.DecimalField(_("nilai (Rp)"), max_digits=12, decimal_places=0, default=0)
    delivered_on = models.DateField(_("tanggal diserahkan"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.kind}"


# --------------------------------------------------------------------------- trainings


class TrainingProgramme(models.TextChoices):
    DIGITAL_MARKETING = "digital_marketing", _("Pemasaran digital")
    WARUNG_NAIK_KELAS = "warung_naik_kelas", _("Warung Naik Kelas")


class Training(models.Model):
    title = models.CharField(_("judul pelatihan"), max_length=200)
    programme = models.CharField(_("program"), max_length=20, choices=TrainingProgramme.choices)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desa penyelenggara"),
    )
    capacity = models.PositiveSmallIntegerField(_("kapasitas"), default=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pelatihan")
        verbose_name_plural = _("pelatihan")

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("tanggal"))
    topic = models.CharField(_("materi"), max_length=200)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.training_id}: {self.held_on}"


class Enrolment(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="enrolments")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["training", "business"], name="enrolment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.training_id}:{self.business_id}"


class Attendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.enrolment_id}"


# --------------------------------------------------------------------------- grocery scheme


class GroceryRound(models.Model):
    """One set date of the civil-servant grocery scheme in one village."""

    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa")
    )
    held_on = models.DateField(_("tanggal"))
    name = models.CharField(_("nama kegiatan"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("belanja sembako ASN")
        verbose_name_plural = _("belanja sembako ASN")

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on})"


class GroceryPurchase(models.Model):
    """What civil servants bought at one local shop on a round's date."""

    round = models.ForeignKey(GroceryRound, on_delete=models.CASCADE, related_name="purchases")
    shop = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="grocery_sales", verbose_name=_("warung")
    )
    buyer = models.CharField(_("ASN / instansi pembeli"), max_length=200)
    packages = models.PositiveIntegerField(_("jumlah paket"))
    amount = models.DecimalField(_("nilai belanja (Rp)"), max_digits=14, decimal_places=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.shop_id}: {self.amount}"


class GroceryDistribution(models.Model):
    """Groceries handed to a resident of the register (and so to their household)."""

    round = models.ForeignKey(GroceryRound, on_delete=models.CASCADE, related_name="distributions")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("penerima")
    )
    family = models.ForeignKey(
        "people.Family", on_delete=models.PROTECT, null=True, related_name="+"
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    packages = models.PositiveSmallIntegerField(_("jumlah paket"), default=1)
    goods = models.CharField(_("isi paket"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "resident"], name="distribution_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.resident_id}"
