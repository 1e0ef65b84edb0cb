"""Form definitions: the typed fields a service asks the resident for, kept as JSON.

A definition is a list of fields, each a dict::

    {"key": "nama_usaha", "label": "Nama usaha", "label_en": "Business name",
     "type": "text", "required": true}
    {"key": "alasan", "label": "Alasan", "type": "choice", "required": true,
     "choices": ["Pekerjaan", "Pendidikan", "Lainnya"]}

Types: ``text`` (one line, 200 characters), ``textarea`` (2,000), ``date``, ``number`` (not
negative, up to two decimals: amounts in rupiah, areas in m2), ``choice`` (one of ``choices``)
and ``phone`` (an Indonesian number). ``help`` is an optional hint under the field.

Staff edit definitions in the admin; :func:`validate_form_definition` runs when a service is
saved, so a broken definition never reaches a resident. Answers are stored as JSON strings
(dates as ISO ``YYYY-MM-DD``, numbers as plain decimals) under the field keys, which document
templates use as ``{form.<key>}``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "phone")
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
ALLOWED_ATTRIBUTES = frozenset({"key", "label", "label_en", "type", "required", "choices", "help"})
TEXT_MAX = 200
TEXTAREA_MAX = 2000

phone_validator = RegexValidator(
    r"^(\+62|62|0)[0-9]{8,13}$",
    _("Tulis nomor telepon Indonesia, misalnya 081234567890."),
    code="phone",
)


def validate_form_definition(definition) -> None:
    """Raise ``ValidationError`` listing every problem of a definition, field by field."""
    if not isinstance(definition, list):
        raise ValidationError(_("Definisi formulir harus berupa daftar isian."), code="not_list")

    problems: list[str] = []
    seen: set[str] = set()
    for position, field in enumerate(definition, start=1):
        if not isinstance(field, dict):
            problems.append(_("Isian ke-%(n)s bukan objek.") % {"n": position})
            continue
        key = field.get("key")
        where = f"{position} ({key})" if key else str(position)
        unknown = sorted(set(field) - ALLOWED_ATTRIBUTES)
        if unknown:
            problems.append(
                _("Isian %(where)s: atribut tidak dikenal %(names)s.")
                % {"where": where, "names": ", ".join(unknown)}
            )
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            problems.append(
                _("Isian %(where)s: kunci harus huruf kecil, angka atau _, diawali huruf.")
                % {"where": where}
            )
        elif key in seen:
            problems.append(_("Kunci %(key)s dipakai dua kali.") % {"key": key})
        else:
            seen.add(key)
        if not isinstance(field.get("label"), str) or not field["label"].strip():
            problems.append(_("Isian %(where)s: label wajib diisi.") % {"where": where})
        if "label_en" in field and not isinstance(field["label_en"], str):
            problems.append(_("Isian %(where)s: label_en harus teks.") % {"where": where})
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            problems.append(
                _("Isian %(where)s: jenis harus salah satu dari %(types)s.")
                % {"where": where, "types": ", ".join(FIELD_TYPES)}
            )
        if not isinstance(field.get("required", False), bool):
            problems.append(
                _("Isian %(where)s: required harus true atau false.") % {"where": where}
            )
        choices = field.get("choices")
        if kind == "choice":
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(choice, str) and choice.strip() for choice in choices)
                or len(set(choices)) != len(choices)
            ):
                problems.append(
                    _("Isian %(where)s: jenis pilihan memerlukan daftar pilihan yang berbeda-beda.")
                    % {"where": where}
                )
        elif choices:
            problems.append(
                _("Isian %(where)s: hanya jenis pilihan yang boleh punya daftar pilihan.")
                % {"where": where}
            )
    if problems:
        raise ValidationError(problems, code="invalid_definition")


def field_label(field: Mapping) -> str:
    """The field's label in the active language (Indonesian unless English is chosen)."""
    language = get_language() or ""
    if language.startswith("en") and field.get("label_en"):
        return field["label_en"]
    return field["label"]


def _form_field(field: Mapping) -> forms.Field:
    common = {
        "label": field_label(field),
        "required": bool(field.get("required", False)),
        "help_text": field.get("help", ""),
    }
    kind = field["type"]
    if kind == "textarea":
        return forms.CharField(
            max_length=TEXTAREA_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "number":
        return forms.DecimalField(
            max_digits=15,
            decimal_places=2,
            min_value=Decimal(0),
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            **common,
        )
    if kind == "choice":
        blank = [("", _("— pilih —"))]
        return forms.ChoiceField(choices=blank + [(c, c) for c in field["choices"]], **common)
    if kind == "phone":
        return forms.CharField(
            max_length=20,
            validators=[phone_validator],
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            **common,
        )
    return forms.CharField(max_length=TEXT_MAX, **common)


class ServiceForm(forms.Form):
    """Base of the forms generated from a definition; ``definition`` is set per class."""

    definition: list[dict] = []

    def to_json(self) -> dict[str, str]:
        return to_json(self.cleaned_data, self.definition)


def build_form_class(definition: list[dict]) -> type[ServiceForm]:
    """A Django form class with one field per entry of the definition."""
    attributes: dict[str, object] = {"definition": definition}
    for field in definition:
        attributes[field["key"]] = _form_field(field)
    return type("GeneratedServiceForm", (ServiceForm,), attributes)


def _phone_cleaning_data(data: Mapping, definition: list[dict]) -> dict:
    # Phone numbers arrive as "0812-3456 7890"; the validator wants digits only.
    # A QueryDict keeps one value per key when copied; dict() would turn them into lists.
    prepared = data.copy() if hasattr(data, "getlist") else dict(data)
    for field in definition:
        value = prepared.get(field["key"])
        if field["type"] == "phone" and isinstance(value, str):
            prepared[field["key"]] = re.sub(r"[\s.\-()]", "", value)
    return prepared


def bind(definition: list[dict], data: Mapping | None = None, **kwargs) -> ServiceForm:
    """A bound (or, with ``data=None``, unbound) form for the definition."""
    form_class = build_form_class(definition)
    if data is None:
        return form_class(**kwargs)
    return form_class(_phone_cleaning_data(data, definition), **kwargs)


def to_json(cleaned: Mapping, definition: list[dict]) -> dict[str, str]:
    """Cleaned values as JSON-safe strings; empty optional answers are left out."""
    answers: dict[str, str] = {}
    for field in definition:
        value = cleaned.get(field["key"])
        if value is None or value == "":
            continue
        if isinstance(value, date):
            answers[field["key"]] = value.isoformat()
        elif isinstance(value, Decimal):
            answers[field["key"]] = format(value.normalize(), "f")
        else:
            answers[field["key"]] = str(value).strip()
    return answers


def labelled_answers(definition: list[dict], answers: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, answer) pairs in the definition's order, for pages and documents."""
    return [
        (field_label(field), answers[field["key"]])
        for field in definition
        if answers.get(field["key"]) not in (None, "")
    ]
