"""Models of the resident portal: self-activation requests (one-time codes) and service ratings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivationRequest(models.Model):
    """One attempt to activate a resident account with a one-time code sent to the phone.

    A request is written for every submitted activation form, whether or not the NIK exists,
    so that the answer and the work done do not tell who is registered. Nothing here holds a
    NIK or a code in clear: both are kept as keyed hashes.
    """

    nik_digest = models.CharField(_("hash NIK"), max_length=64, db_index=True)
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penduduk"),
    )
    code_digest = models.CharField(_("hash kode"), max_length=64)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    failures = models.PositiveSmallIntegerField(_("kode salah"), default=0)
    last_failure_at = models.DateTimeField(_("kode salah terakhir"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("kode benar pada"), null=True, blank=True)
    used_at = models.DateTimeField(_("dipakai pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("permintaan aktivasi")
        verbose_name_plural = _("permintaan aktivasi")
        indexes = [
            models.Index(fields=["ip_address", "created_at"], name="activation_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class ServiceRating(models.Model):
    """A resident's rating of a finished application: 1 to 5 stars and a comment."""

    application = models.OneToOneField(
        "services.Application",
        on_delete=models.CASCADE,
        related_name="rating",
        verbose_name=_("permohonan"),
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dinilai oleh"),
    )
    score = models.PositiveSmallIntegerField(
        _("nilai"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("komentar"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("penilaian layanan")
        verbose_name_plural = _("penilaian layanan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.score}"
