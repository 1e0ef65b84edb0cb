"""Forms of the population register pages."""

import functools
import re

from django import forms
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Collate, Upper
from django.utils.translation import gettext_lazy as _

from people.choices import ResidentStatus
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


SCOPE_VILLAGES_CACHE_SECONDS = 300


def _scope_villages(user) -> list[tuple[str, int, str, str]]:
    """(code, id, name, district name) of the villages in the user's scope, by code; from the
    cache for five minutes (reference data: the same list for everyone with this scope)."""
    key = f"people.scope_villages.{getattr(user, 'role', '')}.{getattr(user, 'region_id', '')}"
    villages = cache.get(key)
    if villages is None:
        villages = [
            (code, pk, name, district or "")
            for code, pk, name, district in villages_in_scope(user)
            .order_by("code")
            .values_list("code", "pk", "name", "parent__name")
        ]
        cache.set(key, villages, SCOPE_VILLAGES_CACHE_SECONDS)
    return villages


def _nik_digits(text: str) -> str | None:
    """The digits of a search that is a NIK or the start of one, else None."""
    compact = _NIK_SEPARATORS.sub("", text)
    return compact if compact.isdigit() and compact.isascii() else None


class ResidentSearchForm(forms.Form):
    """Search the register by name, NIK or No. KK, optionally within one village of the user's
    scope and by status.

    Every search is a prefix search on an indexed column: NIK and No. KK by a range on their
    unique index, names by ``istartswith`` on the case-insensitive name index (migration
    ``people.0002``). Only when no name starts with the text does it look for a later word of
    the name: a trigram index on PostgreSQL (``people.0004``), a scan of the scope on SQLite.

    Name matches are listed in ``ordering`` (``name_key``: the name in capitals), which the
    ordered name indexes of ``people.0003`` serve, so that a common start such as "SITI" (tens
    of thousands of residents in a regency) reads one page of the index instead of sorting
    every match.
    """

    ordering = ("full_name", "id")

    q = forms.CharField(
        label=_("Cari nama atau NIK"),
        required=False,
        max_length=100,
        help_text=_("Awal nama sudah cukup. Untuk NIK, ketik sekurang-kurangnya 6 angka awal."),
        error_messages={
            "max_length": _(
                "Nama atau NIK yang dicari paling banyak %(limit_value)d karakter "
                "(yang diketik %(show_value)d karakter)."
            )
        },
    )
    no_kk = forms.CharField(
        label=_("No. KK"),
        required=False,
        max_length=24,
        help_text=_("Nomor Kartu Keluarga, atau sekurang-kurangnya 6 angka awalnya."),
        error_messages={
            "max_length": _(
                "No. KK yang dicari paling banyak %(limit_value)d karakter "
                "(yang diketik %(show_value)d karakter)."
            )
        },
    )
    village = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status")), *ResidentStatus.choices],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = _scope_villages(user)
        self._village_ids = {code: pk for code, pk, _name, _district in villages}
        if len(villages) <= 1:
            # One village (or none): nothing to choose between.
            del self.fields["village"]
            return
        # A callable: the regent's 217 choices are built only when a village is chosen or the
        # field is drawn (its drawing is a cached fragment, see people/_search_fields.html).
        self.fields["village"].choices = functools.partial(self._village_choices, villages)

    @staticmethod
    def _village_choices(villages: list[tuple]) -> list:
        """Villages grouped by district, since some village names occur in two districts."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for code, _pk, name, district in villages:
            groups.setdefault(district, []).append((code, name))
        choices: list = [("", _("Semua desa/kelurahan"))]
        if len(groups) == 1:
            choices.extend(next(iter(groups.values())))
        else:
            choices.extend(groups.items())
        return choices

    @property
    def chosen_village_id(self) -> int | None:
        """The village searched within, once the form is valid; None for all of the scope."""
        code = getattr(self, "cleaned_data", {}).get("village")
        return self._village_ids.get(code) if code else None

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

    def clean_no_kk(self) -> str:
        text = self.cleaned_data["no_kk"].strip()
        if not text:
            return ""
        digits = _nik_digits(text)
        if digits is None:
            raise forms.ValidationError(_("No. KK hanya berisi angka."), code="kk_not_digits")
        if len(digits) < MIN_NIK_PREFIX:
            raise forms.ValidationError(
                _("Ketik sekurang-kurangnya %(count)s angka awal No. KK."),
                code="kk_too_short",
                params={"count": MIN_NIK_PREFIX},
            )
        if len(digits) > NIK_LENGTH:
            raise forms.ValidationError(
                _("No. KK terdiri atas 16 angka. Periksa kembali angka yang diketik."),
                code="kk_too_long",
            )
        return digits

    def filter(self, residents: QuerySet) -> QuerySet:
        """Apply the search to ``residents``, which must already be scoped to the user."""
        code = self.cleaned_data.get("village")
        if code:
            residents = residents.filter(village_id=self._village_ids[code])
        status = self.cleaned_data.get("status")
        if status:
            residents = residents.filter(status=status)
        kk = self.cleaned_data.get("no_kk")
        if kk:
            residents = residents.filter(**_digit_prefix("family__no_kk", kk))
        text = self.cleaned_data.get("q")
        if not text:
            return residents
        digits = _nik_digits(text)
        if digits is not None:
            return residents.filter(**_digit_prefix("nik", digits))
        # Names are kept as the registry writes them, apostrophes and all: MUH. SA'ADUDDIN.
        by_start = _name_starts_with(residents, text)
        if by_start.exists():
            self.ordering = ("name_key", "id")
            return by_start
        # Nobody's name starts so: look for a later word of the name (NI LUH PUTU by "putu").
        # PostgreSQL finds it through the trigram index of people.0004.
        # TODO: on SQLite this scans the scope; an FTS5 trigram table would index it there too.
        return residents.filter(full_name__icontains=f" {text}")


def _name_starts_with(residents: QuerySet, text: str) -> QuerySet:
    """Residents whose name starts with ``text``, whatever the case, with their ``name_key``.

    ``name_key`` is the name in capitals, compared byte by byte (``COLLATE "C"`` on
    PostgreSQL, SQLite's own binary order), as in the ordered indexes of ``people.0003``. For
    text in plain ASCII the match is a range of keys (``SITI`` <= key < ``SITJ``): in byte
    order that is exactly the names starting with ``SITI``, and the index gives its first page
    in order. Other text falls back to ``LIKE`` on the prefix index and a sort of the matches.
    """
    matches = residents.annotate(name_key=_name_key())
    key = text.upper()
    if not key.isascii():
        return matches.filter(full_name__istartswith=text)
    return matches.filter(name_key__gte=key, name_key__lt=key[:-1] + chr(ord(key[-1]) + 1))


def _name_key():
    upper = Upper("full_name")
    return Collate(upper, "C") if connection.vendor == "postgresql" else upper


def _digit_prefix(field: str, digits: str) -> dict:
    """Lookups for a 16-digit identifier that starts with ``digits``: a range on its index.

    A range (not LIKE) so that SQLite and PostgreSQL, whatever the collation, use the unique
    index; every identifier starting with ``digits`` lies between the two padded values.
    """
    if len(digits) == NIK_LENGTH:
        return {field: digits}
    padding = NIK_LENGTH - len(digits)
    return {f"{field}__gte": digits + "0" * padding, f"{field}__lte": digits + "9" * padding}
