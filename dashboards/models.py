"""Figures for the dashboards, kept per village and refreshed in the background.

The dashboards never scan the register or the application tables on a page view: a refresh
(``dashboards.services.refresh``, run by the job runner every few minutes) groups every
source table once by village and writes the results here. A district's or the regency's
figure is the sum of its villages' rows, a few hundred rows at most.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregate(models.Model):
    """One number: ``metric`` for one village, optionally split by ``dimension``.

    A figure that belongs to no single village (a district office's queue, the regency's
    Public Service Mall) has no village, or neither village nor district: it counts in the
    totals of the areas above it, never in a village's.

    Averages and ratios are stored as their two sums (for example ``x.seconds_sum`` and
    ``x.count``) so that they add up across villages correctly.
    """

    metric = models.CharField(_("ukuran"), max_length=60)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa"),
    )
    district = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    dimension = models.CharField(_("rincian"), max_length=80, blank=True)
    value = models.FloatField(_("nilai"))

    class Meta:
        verbose_name = _("angka dasbor")
        verbose_name_plural = _("angka dasbor")
        indexes = [
            models.Index(fields=["metric", "district"], name="aggregate_metric_district"),
            models.Index(fields=["village", "metric"], name="aggregate_village_metric"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}[{self.dimension}] {self.village_id} = {self.value}"


class RefreshRun(models.Model):
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    seconds = models.FloatField(_("lama (detik)"), null=True, blank=True)
    skipped = models.JSONField(_("sumber dilewati"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("pembaruan dasbor")
        verbose_name_plural = _("pembaruan dasbor")

    def __str__(self) -> str:
        return f"Refresh {self.started_at:%Y-%m-%d %H:%M} ({self.rows} rows)"
