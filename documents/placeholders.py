"""The body language of document templates: placeholders, rows and paragraphs.

A template body is plain text that authorised staff edit without code. It is read line by
line:

* a blank line ends a paragraph; consecutive text lines are joined into one paragraph;
* a line ``Label | value`` is a data row, printed as ``Label : value`` in two columns;
* a line holding only ``{data_permohonan}`` becomes one data row per field of the
  application form (its label and the value the resident entered).

Inside any text, ``{name}`` is replaced by a value. Allowed names (nothing else is accepted,
so a typing mistake is caught when the template is saved, not when a letter is issued):

* the subject's data from the population register: ``{nama}``, ``{nik}``, ``{no_kk}``,
  ``{tempat_lahir}``, ``{tanggal_lahir}``, ``{tempat_tanggal_lahir}``, ``{jenis_kelamin}``,
  ``{agama}``, ``{pekerjaan}``, ``{pendidikan}``, ``{status_perkawinan}``,
  ``{kewarganegaraan}``, ``{alamat}``, ``{rt}``, ``{rw}``, ``{dusun}``, ``{desa}``,
  ``{kecamatan}``, ``{kabupaten}``;
* ``{keperluan}``: the purpose the resident gave;
* ``{form.<key>}``: the application form's field ``<key>`` (lower-case letters, digits and
  ``_``), for example ``{form.nama_usaha}``. When the caller knows the form (a service's form
  definition), unknown keys are refused too.

A placeholder may end in a filter: ``{form.penghasilan|rupiah}`` prints ``Rp1.500.000`` and
``{form.penghasilan|terbilang}`` prints ``satu juta lima ratus ribu`` (num2words, Indonesian).
Write ``{{`` and ``}}`` for literal braces.

This module has no database access; :mod:`documents.models` and :mod:`documents.services`
call :func:`validate_body` before a template is saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from num2words import num2words

#: Placeholders filled from the register, the purpose and the office, with their meaning.
STANDARD_PLACEHOLDERS: dict[str, str] = {
    "nama": _("nama lengkap"),
    "nik": _("NIK"),
    "no_kk": _("nomor Kartu Keluarga"),
    "tempat_lahir": _("tempat lahir"),
    "tanggal_lahir": _("tanggal lahir"),
    "tempat_tanggal_lahir": _("tempat dan tanggal lahir"),
    "jenis_kelamin": _("jenis kelamin"),
    "agama": _("agama"),
    "pekerjaan": _("pekerjaan"),
    "pendidikan": _("pendidikan terakhir"),
    "status_perkawinan": _("status perkawinan"),
    "kewarganegaraan": _("kewarganegaraan"),
    "alamat": _("alamat"),
    "rt": _("RT"),
    "rw": _("RW"),
    "dusun": _("dusun"),
    "desa": _("desa/kelurahan"),
    "kecamatan": _("kecamatan"),
    "kabupaten": _("kabupaten"),
    "keperluan": _("keperluan"),
}

#: A line holding only this placeholder lists every field of the application form.
FORM_ROWS = "data_permohonan"

FILTERS = ("rupiah", "terbilang")

FORM_PREFIX = "form."
_FORM_KEY_RE = re.compile(r"[a-z][a-z0-9_]*")
_TOKEN_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_ROW_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class Placeholder:
    name: str  # "nama" or "form.nama_usaha"
    filter: str = ""

    @property
    def text(self) -> str:
        return "{" + self.name + (f"|{self.filter}" if self.filter else "") + "}"

    @property
    def form_key(self) -> str | None:
        return self.name[len(FORM_PREFIX) :] if self.name.startswith(FORM_PREFIX) else None


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class FormRows:
    """Stands for one row per application form field."""


Block = Paragraph | Row | FormRows


# --------------------------------------------------------------------------- parsing


def _tokens(text: str, line_number: int):
    """Yield literal strings and :class:`Placeholder` objects; raise on a stray brace."""
    position = 0
    for match in _TOKEN_RE.finditer(text):
        if match.start() > position:
            yield text[position : match.start()]
        token = match.group(0)
        if token == "{{":
            yield "{"
        elif token == "}}":
            yield "}"
        elif match.group(1) is not None:
            yield _placeholder(match.group(1))
        else:
            raise ValidationError(
                _(
                    "Kurung kurawal %(brace)s tanpa pasangan pada baris %(line)s. Tulis {{ atau "
                    "}} untuk kurung kurawal biasa."
                ),
                params={"brace": token, "line": line_number},
                code="stray_brace",
            )
        position = match.end()
    if position < len(text):
        yield text[position:]


def _placeholder(inner: str) -> Placeholder:
    name, _sep, filter_name = inner.strip().partition("|")
    return Placeholder(name=name.strip(), filter=filter_name.strip())


def parse_body(body: str) -> list[Block]:
    """Split a template body into paragraphs and rows (placeholders not yet replaced)."""
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
            paragraph.clear()

    for line_number, raw in enumerate(body.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        # Check the braces of every line here, so that the error names the line.
        list(_tokens(line, line_number))
        if not line:
            end_paragraph()
        elif line == "{" + FORM_ROWS + "}":
            end_paragraph()
            blocks.append(FormRows())
        elif _ROW_SEPARATOR in _outside_placeholders(line):
            end_paragraph()
            label, value = _split_row(line)
            blocks.append(Row(label.strip(), value.strip()))
        else:
            paragraph.append(line)
    end_paragraph()
    return blocks


def _outside_placeholders(line: str) -> str:
    """The line with placeholders blanked, so a filter's ``|`` does not make a row."""
    return _TOKEN_RE.sub(lambda match: " " * len(match.group(0)), line)


def _split_row(line: str) -> tuple[str, str]:
    masked = _outside_placeholders(line)
    index = masked.index(_ROW_SEPARATOR)
    return line[:index], line[index + 1 :]


def placeholders_in(body: str) -> list[Placeholder]:
    """Every placeholder of the body, in order of appearance (with repeats)."""
    found: list[Placeholder] = []
    for line_number, line in enumerate(body.replace("\r\n", "\n").split("\n"), start=1):
        found.extend(
            token for token in _tokens(line, line_number) if isinstance(token, Placeholder)
        )
    return found


def unknown_placeholders(body: str, form_keys: Iterable[str] | None = None) -> list[str]:
    """The placeholders of ``body`` that are not allowed, as written (``{nama_ibu_kandung}``).

    ``form_keys``: the keys of the form the documents will be filled from; ``None`` accepts any
    well-formed ``{form.<key>}``.
    """
    allowed_keys = None if form_keys is None else set(form_keys)
    unknown: list[str] = []
    for placeholder in placeholders_in(body):
        if not _is_allowed(placeholder, allowed_keys) and placeholder.text not in unknown:
            unknown.append(placeholder.text)
    return unknown


def _is_allowed(placeholder: Placeholder, form_keys: set[str] | None) -> bool:
    if placeholder.filter and placeholder.filter not in FILTERS:
        return False
    key = placeholder.form_key
    if key is not None:
        return bool(_FORM_KEY_RE.fullmatch(key)) and (form_keys is None or key in form_keys)
    if placeholder.name == FORM_ROWS:
        return not placeholder.filter
    return placeholder.name in STANDARD_PLACEHOLDERS


def validate_body(body: str, form_keys: Iterable[str] | None = None) -> None:
    """Raise ``ValidationError`` naming every unknown placeholder, or the first stray brace."""
    if not body.strip():
        raise ValidationError(_("Isi templat tidak boleh kosong."), code="empty")
    unknown = unknown_placeholders(body, form_keys)
    if unknown:
        raise ValidationError(
            _("Placeholder tidak dikenal: %(names)s. Yang boleh dipakai: %(allowed)s."),
            params={"names": ", ".join(unknown), "allowed": allowed_summary()},
            code="unknown_placeholder",
        )
    for block in parse_body(body):
        if isinstance(block, Row) and not block.label:
            raise ValidationError(
                _("Baris data tanpa label: %(row)s"),
                params={"row": f"| {block.value}"},
                code="row_without_label",
            )


def allowed_summary() -> str:
    names = [f"{{{name}}}" for name in STANDARD_PLACEHOLDERS]
    return ", ".join([*names, f"{{{FORM_ROWS}}}", "{form.<kunci>}"])


# --------------------------------------------------------------------------- filling


def fill(text: str, values: Mapping[str, str], form: Mapping[str, object]) -> str:
    """Replace the placeholders of one line or paragraph. Missing values print as ``-``."""
    parts: list[str] = []
    for token in _tokens(text, 0):
        if isinstance(token, str):
            parts.append(token)
            continue
        key = token.form_key
        raw = form.get(key) if key is not None else values.get(token.name)
        parts.append(apply_filter(_display(raw), token.filter))
    return "".join(parts)


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, list | tuple):
        return ", ".join(_display(item) for item in value)
    return str(value).strip()


def apply_filter(value: str, filter_name: str) -> str:
    if not value:
        return "-"
    if filter_name not in FILTERS:
        return value
    amount = _as_number(value)
    if amount is None:
        return value
    if filter_name == "rupiah":
        return "Rp" + f"{amount:,}".replace(",", ".")
    return num2words(amount, lang="id")


def _as_number(value: str) -> int | None:
    cleaned = value.replace("Rp", "").replace(".", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    if number != number.to_integral_value():
        return None
    return int(number)
