from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import (
    AGENCY_ROLES,
    ROLES_NEEDING_DISTRICT,
    ROLES_NEEDING_VILLAGE,
    STAFF_ROLES,
    Role,
)
from regions.models import VILLAGE_LEVELS, Level


class User(AbstractUser):
    """Every account: staff with a role and a scope, residents, and kiosk devices.

    Residents sign in with their NIK and a PIN or password; their ``username`` is an
    internal value, because the NIK alone must never sign anyone in.
    """

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah tugas"),
        help_text=_("Kecamatan untuk peran kecamatan; desa/kelurahan untuk peran desa dan kios."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("instansi"),
    )
    resident = models.OneToOneField(
        "people.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("penduduk"),
    )
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="resident") | models.Q(resident__isnull=False),
                name="resident_account_has_resident",
            ),
        ]

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role in ROLES_NEEDING_DISTRICT and (
            self.region is None or self.region.level != Level.DISTRICT
        ):
            errors["region"] = _("Peran kecamatan harus diberi satu kecamatan.")
        if self.role in ROLES_NEEDING_VILLAGE and (
            self.region is None or self.region.level not in VILLAGE_LEVELS
        ):
            errors["region"] = _("Peran desa dan kios harus diberi satu desa/kelurahan.")
        if self.role in AGENCY_ROLES and self.agency is None:
            errors["agency"] = _("Peran instansi harus diberi satu instansi.")
        if self.role == Role.RESIDENT and self.resident is None:
            errors["resident"] = _("Akun warga harus terhubung ke data penduduk.")
        if errors:
            raise ValidationError(errors)
