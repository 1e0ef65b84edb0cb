from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the regency administrator browses the audit trail."""
        from accounts.roles import Role

        if user.is_authenticated and user.is_active and user.role == Role.REGENT:
            return self
        return self.none()


class AuditEntry(models.Model):
    """Who did what to which record, and when: the deliberate trail, not a log line.

    ``action`` is a dotted code such as ``people.resident.viewed``.
    """

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    # Kept as text too, so the entry still says who it was after the account is deleted.
    actor_label = models.CharField(_("pelaku"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=100, db_index=True)
    target_type = models.CharField(_("jenis objek"), max_length=50, blank=True)
    target_id = models.CharField(_("ID objek"), max_length=40, blank=True)
    summary = models.CharField(_("ringkasan"), max_length=255, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    # The resident whose personal data the action showed or changed (an id, not a foreign key:
    # core depends on no domain app). Residents see these entries as their access history.
    about_resident = models.BigIntegerField(_("tentang warga"), null=True, blank=True)
    # An export of a list with personal data: the region whose residents it may list (a
    # village's or district's id, 0 for the whole regency). Residents of that region see the
    # export in their access history, with who took it and why.
    covers_region = models.BigIntegerField(_("wilayah yang diekspor"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["about_resident", "at"], name="audit_about_resident"),
            models.Index(fields=["covers_region", "at"], name="audit_covers_region"),
            # The audit list filtered by actor or by action, newest first.
            models.Index(fields=["actor_label", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class DayOff(models.Model):
    """A day the regency's offices are closed besides national holidays and collective leave.

    Kept by the regency administrator; ``core.workdays`` skips these days when it counts
    service levels.
    """

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur daerah")
        verbose_name_plural = _("hari libur daerah")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job's creator follows it; the regency administrator sees every job."""
        from accounts.roles import Role

        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.REGENT:
            return self
        return self.filter(created_by=user)


class Job(models.Model):
    """A piece of long work (an import, a matching run, a batch of PDFs) run in the background.

    Its row is the only shared state: progress, result and error are written here, so any web
    worker can show them and a job survives the process that queued it. ``core.jobs`` runs them.
    """

    kind = models.CharField(_("jenis"), max_length=100, db_index=True)
    label = models.CharField(_("nama"), max_length=200, blank=True)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress_done = models.PositiveBigIntegerField(_("selesai"), default=0)
    progress_total = models.PositiveBigIntegerField(_("jumlah"), null=True, blank=True)
    message = models.CharField(_("pesan"), max_length=255, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    error = models.TextField(_("galat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
