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
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

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
