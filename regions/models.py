from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE = "village", _("Desa")
    URBAN_VILLAGE = "urban_village", _("Kelurahan")


VILLAGE_LEVELS = (Level.VILLAGE, Level.URBAN_VILLAGE)


class RegionQuerySet(models.QuerySet):
    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def villages(self):
        """Desa and kelurahan together: both are served the same way."""
        return self.filter(level__in=VILLAGE_LEVELS)


class Region(models.Model):
    """One row of the Kemendagri region code list, from province down to village.

    Villages are looked up by code, never by name: three village names occur twice in
    Banyuwangi.
    """

    code = models.CharField(_("kode"), max_length=13, unique=True, help_text="35.10.01.2001")
    # The same code without dots, as NIK, No. KK and registry exports write it.
    digits = models.CharField(max_length=10, unique=True, editable=False)
    level = models.CharField(_("tingkat"), max_length=16, choices=Level.choices, db_index=True)
    name = models.CharField(_("nama"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.digits = self.code.replace(".", "")
        super().save(*args, **kwargs)

    @property
    def is_village(self) -> bool:
        return self.level in VILLAGE_LEVELS

    @property
    def district_id_for_scope(self) -> int | None:
        """The district a village belongs to, or the district itself."""
        if self.level == Level.DISTRICT:
            return self.pk
        if self.is_village:
            return self.parent_id
        return None


# Regions are reference data: a village moving to another district is a data load, rare.
VILLAGE_IDS_CACHE_SECONDS = 300


def village_ids_in(district_id: int) -> list[int]:
    """The ids of a district's villages, from the cache (for at most five minutes).

    A district's lists filter on these ids rather than joining regions: PostgreSQL then walks
    an index newest first and stops after a page, instead of sorting the whole district.
    """
    key = f"regions.village_ids.{district_id}"
    ids = cache.get(key)
    if ids is None:
        ids = list(
            Region.objects.villages()
            .filter(parent_id=district_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
        cache.set(key, ids, VILLAGE_IDS_CACHE_SECONDS)
    return ids
