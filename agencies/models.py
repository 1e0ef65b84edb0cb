from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    REGIONAL = "regional", _("Perangkat daerah (SKPD)")
    STATE_ENTERPRISE = "state_enterprise", _("BUMN / BUMD")
    MINISTRY = "ministry", _("Instansi vertikal / kementerian")


class Agency(models.Model):
    """A body that takes part: a regency agency (SKPD), a state enterprise or a ministry."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.short_name or self.name
