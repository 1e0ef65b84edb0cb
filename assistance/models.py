"""Social-assistance programmes, who receives them, the rules between them, and review flags.

A :class:`Membership` is one recipient of one programme in one round (``period``): a person for
an individual programme, a family (named through one of its members) for a household
programme. The database holds at most one membership per programme, period and person, and per
programme, period and family when the programme is for households.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assistance.reasons import describe_all
from people.models import region_filter


class Level(models.TextChoices):
    CENTRAL = "central", _("Pusat")
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten")
    VILLAGE = "village", _("Desa")
    OTHER = "other", _("Lainnya (Baznas, dll.)")


class Unit(models.TextChoices):
    HOUSEHOLD = "household", _("Keluarga")
    INDIVIDUAL = "individual", _("Perorangan")


class Programme(models.Model):
    """A social-assistance programme, loaded from ``assistance/data/assistance-programs.csv``."""

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.CharField(_("tingkat"), max_length=16, choices=Level.choices)
    unit = models.CharField(_("sasaran"), max_length=16, choices=Unit.choices)
    description = models.TextField(_("keterangan"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("program bantuan")
        verbose_name_plural = _("program bantuan")

    def __str__(self) -> str:
        return self.code

    @property
    def is_household(self) -> bool:
        return self.unit == Unit.HOUSEHOLD


class RuleKind(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Tidak boleh bersamaan")
    FAMILY_LIMIT = "family_limit", _("Batas penerima per keluarga")


class RuleScope(models.TextChoices):
    PERSON = "person", _("Per orang")
    FAMILY = "family", _("Per keluarga")


class CombinationRule(models.Model):
    """A rule between programmes, kept as data so that staff change it without code.

    ``exclusive``: ``programme`` may not be received together with any of ``others`` by the same
    person (scope ``person``) or by anyone in the same family (scope ``family``).
    ``family_limit``: at most ``limit`` members of one family receive ``programme`` in a period.
    """

    kind = models.CharField(_("jenis aturan"), max_length=16, choices=RuleKind.choices)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("program")
    )
    others = models.ManyToManyField(
        Programme, blank=True, related_name="+", verbose_name=_("program lain")
    )
    scope = models.CharField(
        _("berlaku"), max_length=8, choices=RuleScope.choices, default=RuleScope.FAMILY
    )
    limit = models.PositiveSmallIntegerField(_("batas"), default=1)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["programme__code", "kind", "id"]
        verbose_name = _("aturan kombinasi")
        verbose_name_plural = _("aturan kombinasi")

    def __str__(self) -> str:
        if self.kind == RuleKind.FAMILY_LIMIT:
            return f"{self.programme}: max {self.limit} / family"
        return f"{self.programme} excludes ({self.get_scope_display()})"


class ScopedQuerySet(models.QuerySet):
    """Rows with a ``village`` foreign key, limited to the staff user's region."""

    def visible_to(self, user):
        condition = region_filter(user, "village")
        return self.none() if condition is None else self.filter(condition)


class ListStatus(models.TextChoices):
    DRY_RUN = "dry_run", _("Uji coba (tidak disimpan)")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class BeneficiaryList(models.Model):
    """One beneficiary file imported (or tried as a dry run) for a programme and period."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="lists", verbose_name=_("program")
    )
    period = models.CharField(_("periode/tahap"), max_length=32)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    # The uploaded file kept after a dry run (a name relative to the upload folder), so the
    # real import runs on exactly the file that was checked.
    stored_file = models.CharField(max_length=100, blank=True)
    sheet = models.CharField(max_length=100, blank=True)
    dry_run = models.BooleanField(_("uji coba"), default=True)
    status = models.CharField(max_length=16, choices=ListStatus.choices)
    rows_read = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    review = models.PositiveIntegerField(default=0)
    flags = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("daftar penerima")
        verbose_name_plural = _("daftar penerima")

    def __str__(self) -> str:
        return f"{self.programme} {self.period}: {self.file_name}"


class LineOutcome(models.TextChoices):
    ADDED = "added", _("Ditambahkan")
    REJECTED = "rejected", _("Ditolak")
    REVIEW = "review", _("Perlu diperiksa")
    # No person, or none the row's name agrees with (a NIK of someone else among them).
    UNMATCHED = "unmatched", _("Tidak cocok dengan register")


class ReportLine(models.Model):
    """What became of one row of an imported (or tried) list, and why.

    One row each, not one JSON document per list: a regency's list has hundreds of thousands
    of rows, and its report page reads a hundred of them at a time, by outcome if asked.
    """

    beneficiary_list = models.ForeignKey(
        BeneficiaryList, on_delete=models.CASCADE, related_name="report_lines"
    )
    line = models.PositiveIntegerField(_("baris"))
    outcome = models.CharField(_("hasil"), max_length=16, choices=LineOutcome.choices)
    reasons = models.JSONField(_("alasan"), default=list, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["beneficiary_list", "line"]
        verbose_name = _("hasil baris")
        verbose_name_plural = _("hasil baris")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary_list", "line"], name="report_line_once_per_list"
            )
        ]
        indexes = [
            models.Index(
                fields=["beneficiary_list", "outcome", "line"], name="report_line_by_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_list_id}:{self.line} {self.outcome}"

    @property
    def reasons_text(self) -> str:
        return describe_all(self.reasons)


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Penerima")
    EXCLUDED = "excluded", _("Dicoret")


class MatchMethod(models.TextChoices):
    NIK = "nik", _("NIK")
    PROBABILISTIC = "probabilistic", _("Nama, tanggal lahir, desa")
    MANUAL = "manual", _("Ditetapkan petugas")


class Membership(models.Model):
    """One recipient of a programme in one period."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("program")
    )
    period = models.CharField(_("periode/tahap"), max_length=32)
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="aid_memberships",
        verbose_name=_("penerima"),
    )
    family = models.ForeignKey(
        "people.Family",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aid_memberships",
        verbose_name=_("keluarga"),
    )
    # Copied from the programme so that the database can hold one per family.
    household = models.BooleanField(default=False, editable=False)
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    source = models.ForeignKey(
        BeneficiaryList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line_number = models.PositiveIntegerField(null=True, blank=True)
    match_method = models.CharField(max_length=16, choices=MatchMethod.choices)
    match_score = models.FloatField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["programme__code", "period", "id"]
        verbose_name = _("penerima bantuan")
        verbose_name_plural = _("penerima bantuan")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period", "resident"], name="membership_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["programme", "period", "family"],
                condition=models.Q(household=True),
                name="membership_one_per_family",
            ),
        ]
        indexes = [models.Index(fields=["family", "status"], name="membership_family")]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.period}/{self.resident_id}"


class WelfareCategory(models.TextChoices):
    DTKS = "dtks", _("Terdaftar DTKS/DTSEN")
    POOR = "poor", _("Miskin")
    EXTREME = "extreme", _("Miskin ekstrem")
    VULNERABLE = "vulnerable", _("Rentan miskin")


class WelfareStatus(models.Model):
    """A family (or one person) marked as poor, imported from DTKS or set by the task force."""

    family = models.ForeignKey(
        "people.Family",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="welfare_statuses",
    )
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="welfare_statuses",
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("kategori"), max_length=16, choices=WelfareCategory.choices)
    source = models.CharField(_("sumber"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status kesejahteraan")
        verbose_name_plural = _("status kesejahteraan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(family__isnull=False) | models.Q(resident__isnull=False),
                name="welfare_status_has_subject",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(family__isnull=False),
                name="welfare_status_one_per_family",
            ),
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(resident__isnull=False),
                name="welfare_status_one_per_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.family_id or self.resident_id}"


class FlagKind(models.TextChoices):
    DUPLICATE_IN_LIST = "duplicate_in_list", _("Ganda dalam daftar")
    COMBINATION = "combination", _("Kombinasi program terlarang")
    FAMILY_LIMIT = "family_limit", _("Melebihi batas per keluarga")
    DECEASED = "deceased", _("Meninggal")
    MOVED_OUT = "moved_out", _("Pindah keluar")
    OUTSIDE_REGENCY = "outside_regency", _("Bukan penduduk kabupaten")
    TWO_VILLAGES = "two_villages", _("Tercatat di dua desa")
    NOT_IN_REGISTER = "not_in_register", _("NIK tidak ada di data penduduk")
    MATCH_REVIEW = "match_review", _("Kecocokan perlu diperiksa")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Menunggu")
    CONFIRMED = "confirmed", _("Dibenarkan")
    REJECTED = "rejected", _("Ditolak")
    CORRECTED = "corrected", _("Dikoreksi")


class Flag(models.Model):
    """A problem found in a list, with its reason and evidence, for the task force to decide.

    ``key`` identifies the problem (kind, programme, period and the people involved), so the
    same list imported twice raises no second flag.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("jenis"), max_length=24, choices=FlagKind.choices)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="flags")
    period = models.CharField(_("periode/tahap"), max_length=32)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey(
        "people.Family", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The village of the recipient (or of the list row when nobody matched), for scoping.
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.ForeignKey(
        BeneficiaryList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line_number = models.PositiveIntegerField(_("baris"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=255)
    evidence = models.JSONField(_("bukti"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    decision_reason = models.CharField(_("alasan keputusan"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("temuan")
        verbose_name_plural = _("temuan")
        indexes = [models.Index(fields=["status", "id"], name="flag_status")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"
