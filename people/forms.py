"""Forms of the population register pages."""

import re

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from people.models import region_filter
from regions.models import Region

NIK_LENGTH = 16
# A NIK search needs this many leading digits; fewer would match most of a district.
MIN_NIK_PREFIX = 6

_NIK_SEPARATORS = re.compile(r"[\s.\-]")


def villages_in_scope(user) -> QuerySet:
    """Villages whose residents the user may browse, by the same rule as Resident.visible_to."""
    condition = region_filter(user, "")
    villages = Region.objects.villages()
    return villages.none() if condition is None else villages.filter(condition)


def _nik_digits(text: str) -> str | None:
    """The digits of a search that is a NIK or the start of one, else None."""
    compact = _NIK_SEPARATORS.sub("", text)
    return compact if compact.isdigit() and compact.isascii() else None


class ResidentSearchForm(forms.Form):
    """Search the register by name or NIK, optionally within one village of the user's scope."""

    q = forms.CharField(
        label=_("Cari nama atau NIK"),
        required=False,
        max_length=100,
        help_text=_("Sebagian nama sudah cukup. Untuk NIK, ketik sekurang-kurangnya 6 angka awal."),
    )
    village = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = list(villages_in_scope(user).select_related("parent").order_by("code"))
        self._village_ids = {village.code: village.pk for village in villages}
        if len(villages) <= 1:
            # One village (or none): nothing to choose between.
            del self.fields["village"]
            return
        self.fields["village"].choices = self._village_choices(villages)

    @staticmethod
    def _village_choices(villages: list[Region]) -> list:
        """Villages grouped by district, since some village names occur in two districts."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for village in villages:
            groups.setdefault(village.parent.name, []).append((village.code, village.name))
        choices: list = [("", _("Semua desa/kelurahan"))]
        if len(groups) == 1:
            choices.extend(next(iter(groups.values())))
        else:
            choices.extend(groups.items())
        return choices

    @property
    def has_village_filter(self) -> bool:
        return "village" in self.fields

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        digits = _nik_digits(text)
        if digits is not None and len(digits) < MIN_NIK_PREFIX:
            raise forms.ValidationError(
                _("Ketik sekurang-kurangnya %(count)s angka awal NIK, atau cari dengan nama."),
                code="nik_too_short",
                params={"count": MIN_NIK_PREFIX},
            )
        if digits is not None and len(digits) > NIK_LENGTH:
            raise forms.ValidationError(
                _("NIK terdiri atas 16 angka. Periksa kembali angka yang diketik."),
                code="nik_too_long",
            )
        return text

    def filter(self, residents: QuerySet) -> QuerySet:
        """Apply the search to ``residents``, which must already be scoped to the user."""
        code = self.cleaned_data.get("village")
        if code:
            residents = residents.filter(village_id=self._village_ids[code])
        text = self.cleaned_data.get("q")
        if not text:
            return residents
        digits = _nik_digits(text)
        if digits is None:
            # Names are kept as the registry writes them, apostrophes and all: MUH. SA'ADUDDIN.
            return residents.filter(full_name__icontains=text)
        if len(digits) == NIK_LENGTH:
            return residents.filter(nik=digits)
        return residents.filter(nik__startswith=digits)
