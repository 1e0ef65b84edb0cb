from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import DISTRICT_ROLES, VILLAGE_ROLES, Role
from people.choices import (
    Education,
    MaritalStatus,
    Relationship,
    Religion,
    ResidentStatus,
    Sex,
)
from regions.models import village_ids_in


def region_filter(user, village_path: str) -> models.Q | None:
    """The Q object limiting rows to a staff user's region, or None for no access.

    ``village_path`` is the lookup from the queried model to its village ("" when the
    queried model is the village itself). Fails closed:
    a role that is not named here, or a role without its region, sees nothing.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    role = getattr(user, "role", None)
    prefix = f"{village_path}__" if village_path else ""
    if role in (Role.REGENT, Role.TASK_FORCE):
        return models.Q()
    if role in DISTRICT_ROLES and user.region_id:
        # The district's village ids (cached reference data), not a join to regions: a list
        # then reads the village index instead of testing every row's village's district.
        return models.Q(**{f"{prefix}id__in": village_ids_in(user.region_id)})
    if role in VILLAGE_ROLES and user.region_id:
        return models.Q(**{f"{prefix}id": user.region_id})
    return None


class FamilyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Families the user may see. Every query that returns families goes through here."""
        if getattr(user, "role", None) == Role.RESIDENT and user.resident_id:
            return self.filter(members__id=user.resident_id)
        condition = region_filter(user, "village")
        return self.none() if condition is None else self.filter(condition)


class Family(models.Model):
    """A family card (Kartu Keluarga, No. KK) and the household it lists."""

    no_kk = models.CharField(_("No. KK"), max_length=16, unique=True)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="families",
        verbose_name=_("desa/kelurahan"),
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    hamlet = models.CharField(_("dusun"), max_length=100, blank=True)
    head = models.ForeignKey(
        "people.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kepala keluarga"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")

    def __str__(self) -> str:
        return self.no_kk


class ResidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Residents the user may see. Every query that returns residents goes through here.

        A resident sees themself and the members of their own family; staff see their region;
        agency, call-centre and kiosk accounts see nobody by browsing.
        """
        if getattr(user, "role", None) == Role.RESIDENT and user.resident_id:
            own_family = Resident.objects.filter(pk=user.resident_id).values("family_id")
            return self.filter(
                models.Q(pk=user.resident_id)
                | models.Q(family_id__in=own_family, family_id__isnull=False)
            )
        condition = region_filter(user, "village")
        return self.none() if condition is None else self.filter(condition)

    def living(self):
        return self.filter(status=ResidentStatus.LIVING)


class Resident(models.Model):
    """A person in the population register.

    ``nik`` is empty for people who have none yet (newborns, elderly never recorded); they
    carry a generated ``temp_id`` instead, kept apart from the NIK. Joins always use the
    internal key, never the NIK text.
    """

    nik = models.CharField(_("NIK"), max_length=16, unique=True, null=True, blank=True)
    temp_id = models.CharField(
        _("nomor sementara"),
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Dibuat sistem untuk penduduk yang belum memiliki NIK."),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    religion = models.CharField(_("agama"), max_length=16, choices=Religion.choices, blank=True)
    marital_status = models.CharField(
        _("status perkawinan"), max_length=16, choices=MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("pendidikan"), max_length=16, choices=Education.choices, blank=True
    )
    occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("keluarga"),
    )
    relationship = models.CharField(
        _("hubungan dalam keluarga"), max_length=16, choices=Relationship.choices, blank=True
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    hamlet = models.CharField(_("dusun"), max_length=100, blank=True)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("desa/kelurahan"),
    )
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ResidentStatus.choices,
        default=ResidentStatus.LIVING,
        db_index=True,
    )
    # Data-quality notes that do not reject the record, e.g. the NIK encodes another sex.
    data_warnings = models.JSONField(_("catatan kualitas data"), default=list, blank=True)
    source_import = models.ForeignKey(
        "people.PopulationImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        indexes = [models.Index(fields=["village", "full_name"], name="resident_village_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nik__isnull=False) | models.Q(temp_id__isnull=False),
                name="resident_has_nik_or_temp_id",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def identifier(self) -> str:
        return self.nik or self.temp_id or ""


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class PopulationImport(models.Model):
    """One run of a population import, with its counts and progress."""

    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    dry_run = models.BooleanField(default=False)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    possible_duplicates = models.PositiveIntegerField(default=0)
    families_created = models.PositiveIntegerField(default=0)
    # Paths relative to settings.IMPORT_REPORT_DIR, never absolute.
    report_name = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("impor penduduk")
        verbose_name_plural = _("impor penduduk")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class PossibleDuplicate(models.Model):
    """A row without a NIK that looks like a resident already in the register.

    Kept for an officer to decide instead of being added again or merged silently.
    """

    population_import = models.ForeignKey(
        PopulationImport, on_delete=models.CASCADE, related_name="duplicates"
    )
    line_number = models.PositiveIntegerField()
    existing = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    row_data = models.JSONField()
    reason = models.CharField(max_length=255)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["population_import", "line_number"]

    def __str__(self) -> str:
        return f"{self.population_import_id}:{self.line_number} ~ {self.existing_id}"
