"""Musrenbang: residents' and officers' development proposals and the meetings that weigh them.

A proposal is never deleted or overwritten silently: merging and splitting close the original
and link it to what it became; every change is kept as a :class:`ProposalEvent`.
"""

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Infrastruktur")
    ECONOMY = "economy", _("Ekonomi")
    HEALTH = "health", _("Kesehatan")
    EDUCATION = "education", _("Pendidikan")
    SOCIAL = "social", _("Sosial budaya")
    ENVIRONMENT = "environment", _("Lingkungan hidup")
    GOVERNANCE = "governance", _("Pemerintahan")


class MeetingLevel(models.IntegerChoices):
    HAMLET = 1, _("Musyawarah dusun")
    VILLAGE = 2, _("Musrenbang desa")
    DISTRICT = 3, _("Musrenbang kecamatan")
    REGENCY = 4, _("Musrenbang kabupaten")


class Status(models.TextChoices):
    OPEN = "open", _("Dibahas")
    REJECTED = "rejected", _("Tidak disetujui")
    MERGED = "merged", _("Digabung")
    SPLIT = "split", _("Dipecah")
    FUNDED = "funded", _("Didanai")
    UNFUNDED = "unfunded", _("Belum didanai")
    CARRIED_OVER = "carried_over", _("Dibawa ke tahun berikutnya")


#: A proposal in one of these states can no longer be edited: it lives on elsewhere.
CLOSED_STATUSES = (Status.MERGED, Status.SPLIT, Status.CARRIED_OVER, Status.REJECTED)


class Proposal(models.Model):
    year = models.PositiveSmallIntegerField(_("tahun"), db_index=True)
    title = models.CharField(_("judul usulan"), max_length=200)
    sector = models.CharField(_("bidang"), max_length=20, choices=Sector.choices)
    description = models.TextField(_("uraian"), blank=True)
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa")
    )
    hamlet = models.CharField(_("dusun"), max_length=100, blank=True)
    location = models.CharField(_("lokasi"), max_length=255)
    estimated_cost = models.DecimalField(_("perkiraan biaya (Rp)"), max_digits=14, decimal_places=0)
    proposed_by_resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pengusul (warga)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("tahap"), choices=MeetingLevel.choices, default=MeetingLevel.HAMLET
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_sources"
    )
    split_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="split_parts"
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="carried_to"
    )
    funded_amount = models.DecimalField(
        _("dana disetujui (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("usulan Musrenbang")
        verbose_name_plural = _("usulan Musrenbang")
        indexes = [models.Index(fields=["village", "year"], name="proposal_village_year")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_cost__gte=0), name="proposal_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="proposal_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class ProposalPhoto(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    # Relative to MEDIA_ROOT; served only by planning.views.photo after a scope check.
    path = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.path


class Support(models.Model):
    """One resident's support for a proposal: at most one per resident."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    resident = models.ForeignKey("people.Resident", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "resident"], name="support_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}<-{self.resident_id}"


class Meeting(models.Model):
    """A Musrenbang meeting at one level, with its minutes.

    ``region`` is the village (hamlet and village meetings), the district, or the regency.
    """

    year = models.PositiveSmallIntegerField(_("tahun"))
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=MeetingLevel.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("wilayah")
    )
    hamlet = models.CharField(_("dusun"), max_length=100, blank=True)
    held_on = models.DateField(_("tanggal"))
    minutes = models.TextField(_("notulen"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("rapat Musrenbang")
        verbose_name_plural = _("rapat Musrenbang")

    def __str__(self) -> str:
        hamlet = f" ({self.hamlet})" if self.hamlet else ""
        held_on = date_format(self.held_on, "DATE_FORMAT") if self.held_on else ""
        return f"{self.get_level_display()} {self.region.name}{hamlet}, {held_on}"


class Outcome(models.TextChoices):
    FORWARDED = "forwarded", _("Diteruskan ke tahap berikutnya")
    REJECTED = "rejected", _("Tidak disetujui")
    FUNDED = "funded", _("Didanai")
    UNFUNDED = "unfunded", _("Belum didanai")


class Decision(models.Model):
    """What a meeting decided about a proposal at the proposal's stage."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    level = models.PositiveSmallIntegerField(choices=MeetingLevel.choices)
    outcome = models.CharField(_("keputusan"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["level", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "level"], name="decision_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}@{self.level}: {self.outcome}"


class ProposalEvent(models.Model):
    """The trace of every change: created, edited (with old and new values), merged, split..."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.kind}"

    @property
    def actor_display(self) -> str:
        """Who took the step: "Warga" for a resident (their name is not for every reader),
        an officer's name and role; never a login name."""
        from accounts.roles import Role

        user = self.actor
        if user is None:
            return ""
        role = str(user.get_role_display()) if user.role else ""
        if user.role == Role.RESIDENT:
            return role
        name = user.get_full_name()
        return f"{name}, {role}" if name and role else (name or role)

    @property
    def description(self) -> str:
        """The step in words, in the reader's language: "Diputuskan di Musrenbang desa: Didanai"."""
        detail = self.detail or {}

        def numbers(key) -> str:
            values = detail.get(key)
            values = values if isinstance(values, list) else [values]
            return ", ".join(f"#{value}" for value in values if value is not None)

        def label(choices, value) -> str:
            try:
                return str(choices(value).label)
            except ValueError:
                return str(value)

        kind = self.kind
        if kind == "edited":
            names = {field.name: field for field in Proposal._meta.get_fields()}
            changes = []
            for name, values in (detail.get("changes") or {}).items():
                field = names.get(name)
                shown = str(getattr(field, "verbose_name", name))
                if isinstance(values, list) and len(values) == 2:
                    shown += f" ({values[0]} → {values[1]})"
                changes.append(shown)
            text = _("Diubah: %(fields)s") % {"fields": "; ".join(changes)}
        elif kind == "decided":
            text = _("Diputuskan di %(meeting)s: %(outcome)s") % {
                "meeting": label(MeetingLevel, detail.get("level")),
                "outcome": label(Outcome, detail.get("outcome")),
            }
        elif kind == "progress":
            text = _("Kemajuan %(percent)s%%") % {"percent": detail.get("percent", "")}
        else:
            template = EVENT_TEXTS.get(kind)
            if template is None:
                return kind
            text = str(template) % {
                key: numbers(key) for key in ("target", "sources", "source", "parts", "to")
            }
        note = detail.get("note")
        return f"{text} — {note}" if note else str(text)


# What each kind of ProposalEvent says; "edited", "decided" and "progress" are composed above.
EVENT_TEXTS = {
    "created": _("Usulan dibuat"),
    "photo_added": _("Foto ditambahkan"),
    "merged_into": _("Digabung ke usulan %(target)s"),
    "merged_from": _("Gabungan dari usulan %(sources)s"),  # one or more: "#3" or "#3, #4"
    "split_from": _("Pecahan dari usulan %(source)s"),
    "split_into": _("Dipecah menjadi usulan %(parts)s"),
    "carried_to": _("Dibawa ke tahun berikutnya sebagai usulan %(to)s"),
    "carried_from": _("Lanjutan dari usulan %(source)s tahun sebelumnya"),
}


class ProgressReport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reports")
    percent = models.PositiveSmallIntegerField(_("kemajuan (%)"))
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    reported_on = models.DateField(_("tanggal"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.percent}%"
