"""Turn one row of cells into the values of one resident, or the reasons it cannot be imported.

Only the cell values are judged here; whether a row clashes with another row of the same file
(a NIK used twice, a family in two villages) is decided by the importer, and the database is not
touched at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from people.choices import ResidentStatus
from people.importing import values
from people.importing.columns import HeaderMap
from people.importing.values import BadValue
from people.nik import (
    WARNING_TRAILING_ZERO,
    InvalidIdentifier,
    check_against_record,
    is_missing_nik,
    parse_kk,
    parse_nik,
)

# How many distinct texts per column have their cleaned value remembered.
_MEMO_LIMIT = 20_000

# Resident fields filled from optional columns: (column, field).
OPTIONAL_FIELDS = (
    ("TEMPAT_LAHIR", "birth_place"),
    ("TANGGAL_LAHIR", "birth_date"),
    ("AGAMA", "religion"),
    ("STATUS_PERKAWINAN", "marital_status"),
    ("PENDIDIKAN", "education"),
    ("PEKERJAAN", "occupation"),
    ("STATUS_HUBUNGAN", "relationship"),
    ("ALAMAT", "address"),
    ("RT", "rt"),
    ("RW", "rw"),
    ("DUSUN", "hamlet"),
    ("NO_HP", "phone"),
    ("STATUS", "status"),
)
# Resident fields every import sets (the required columns, and what the importer derives).
ALWAYS_FIELDS = ("full_name", "sex", "village_id", "family_id", "data_warnings")
# Family fields taken from the first row of each family; village_id always, the rest when the
# file has the column.
FAMILY_FIELDS = (("ALAMAT", "address"), ("RT", "rt"), ("RW", "rw"), ("DUSUN", "hamlet"))


@dataclass(slots=True)
class CleanRow:
    """One row that passed every value check."""

    line: int
    nik: str | None  # None: the person has no NIK yet
    no_kk: str | None  # None: no family card given
    village_id: int
    fields: dict[str, object]  # resident field -> value, for the fields this file sets
    cells: list[object]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (column, warning) for the file


@dataclass(frozen=True, slots=True)
class Village:
    pk: int
    code: str
    name: str


# Messages for people.nik's error codes, in the clerk's language; %(label)s is NIK or No. KK.
# Marked with gettext_noop so that makemessages finds them; translated where they are used.
_IDENTIFIER_MESSAGES = {
    "excel_scientific": gettext_noop(
        "%(label)s tertulis dalam notasi ilmiah (%(value)s): Excel sudah menghilangkan digit "
        "terakhirnya. Format kolom %(label)s sebagai Teks di Excel, lalu ketik atau ekspor ulang "
        "nomornya."
    ),
    "excel_zeroed": gettext_noop(
        "%(label)s terbaca sebagai angka, bukan teks: Excel hanya menyimpan 15 digit, jadi digit "
        "terakhir bisa sudah hilang atau menjadi 0. Format kolom %(label)s sebagai Teks di Excel, "
        "lalu ketik atau ekspor ulang nomornya."
    ),
    "letters": gettext_noop("%(label)s berisi huruf '%(char)s'; %(label)s hanya berisi angka."),
    "non_digit": gettext_noop(
        "%(label)s berisi tanda yang bukan angka; %(label)s hanya berisi 16 angka."
    ),
    "missing": gettext_noop("%(label)s kosong atau hanya berisi angka 0."),
    "length": gettext_noop("%(label)s berisi %(length)s digit; harus tepat 16 digit."),
    "unknown_province": gettext_noop(
        "%(label)s diawali %(province)s, yang bukan kode provinsi (Jawa Timur = 35). Periksa dua "
        "digit pertama."
    ),
    "serial_zero": gettext_noop("Empat digit terakhir %(label)s (nomor urut) tidak boleh 0000."),
    "impossible_date": gettext_noop(
        "Digit 7-12 %(label)s (tanggal DDMMYY; untuk perempuan tanggal ditambah 40) bukan tanggal "
        "yang ada. Periksa dengan KTP atau kartu keluarga."
    ),
}


_KK_DATE_MESSAGE = gettext_noop(
    "Digit 7-12 No. KK (tanggal terbit kartu, DDMMYY) bukan tanggal yang ada. Periksa dengan "
    "kartu keluarga."
)


def identifier_message(error: InvalidIdentifier) -> str:
    """The clerk's-language message for a NIK or No. KK refused by people.nik."""
    if error.code == "impossible_date" and error.label == "No. KK":
        return _(_KK_DATE_MESSAGE)
    template = _IDENTIFIER_MESSAGES.get(error.code)
    if template is None:
        return error.message
    params = {"label": error.label, "char": "", "length": "", "province": "", "value": ""}
    params.update({key: str(value) for key, value in error.params.items()})
    return _(template) % params


class RowCleaner:
    """Cleans the rows of one file, given where its columns are."""

    def __init__(self, header: HeaderMap, villages: dict[str, Village], today: date):
        self.header = header
        self.villages = villages
        self.today = today
        index = header.index
        self.label = header.label
        self.i_nik = index["NIK"]
        self.i_kk = index["NO_KK"]
        self.i_name = index["NAMA_LENGKAP"]
        self.i_sex = index["JENIS_KELAMIN"]
        self.i_village = index["KODE_DESA"]
        cleaners = self._cleaners()
        # (header, field, cell index, remembered results or None, cleaner) per optional column.
        self.optional = [
            (
                header.label[column],
                name,
                index[column],
                None if name == "phone" else {},
                cleaners[name],
            )
            for column, name in OPTIONAL_FIELDS
            if column in index
        ]
        self.fields = ALWAYS_FIELDS + tuple(entry[1] for entry in self.optional)
        self.family_fields = tuple(name for column, name in FAMILY_FIELDS if column in index)
        self.width = len(header.headers)
        # The members of a family are usually on consecutive rows: their No. KK is checked once.
        self._last_kk: tuple[object, str] = (None, "")
        self._sex = _memo(values.SEX.clean)
        self._village_digits = _memo(values.village_digits)

    def clean(
        self, line: int, cells: list[object]
    ) -> tuple[CleanRow | None, list[tuple[str, str]]]:
        """The cleaned row, or None and a list of (column header, reason)."""
        errors: list[tuple[str, str]] = []
        notes: list[tuple[str, str]] = []
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        elif len(cells) > self.width:
            # Even when the extra cells are empty: an unquoted separator inside a value shifts
            # every later cell, and the reason would otherwise name the wrong column.
            return None, [
                (
                    "",
                    _(
                        "Baris ini berisi %(cells)s sel, padahal judul kolom hanya %(headers)s. "
                        "Mungkin ada pemisah (koma atau titik koma) di dalam sebuah isian yang "
                        "tidak diberi tanda kutip."
                    )
                    % {"cells": len(cells), "headers": self.width},
                )
            ]
        label = self.label
        fields: dict[str, object] = {}

        try:
            fields["full_name"] = values.clean_name(cells[self.i_name])
        except BadValue as error:
            errors.append((label["NAMA_LENGKAP"], str(error)))
        try:
            sex = self._sex(cells[self.i_sex])
            if not sex:
                raise BadValue(_("Jenis kelamin wajib diisi (L atau P)."))
            fields["sex"] = sex
        except BadValue as error:
            errors.append((label["JENIS_KELAMIN"], str(error)))
        # Village files repeat the same few values (religion, RT, birth places, dates) on
        # every row: each distinct text is cleaned once, then found in ``seen``.
        for column, name, position, seen, clean in self.optional:
            cell = cells[position]
            if seen is not None and cell.__class__ is str:
                value = seen.get(cell)
                if value is not None:
                    fields[name] = value
                    continue
            try:
                if seen is None:  # the phone number, with its warning
                    fields[name], warning = clean(cell)
                    if warning:
                        notes.append((column, warning))
                    continue
                value = fields[name] = clean(cell)
            except BadValue as error:
                errors.append((column, str(error)))
                continue
            if cell.__class__ is str and len(seen) < _MEMO_LIMIT:
                seen[cell] = value

        village = self._village(cells[self.i_village], errors)
        no_kk = self._kk(cells[self.i_kk], errors)
        nik = self._nik(cells[self.i_nik], fields, errors, notes)

        if errors:
            return None, errors
        fields["village_id"] = village.pk  # type: ignore[union-attr]
        return (
            CleanRow(
                line=line,
                nik=nik,
                no_kk=no_kk,
                village_id=village.pk,  # type: ignore[union-attr]
                fields=fields,
                cells=cells,
                notes=notes,
            ),
            [],
        )

    def _cleaners(self) -> dict:
        """A cleaner per optional field; repeated text (codes, places, dates) is cleaned once."""
        today = self.today
        return {
            "birth_place": lambda cell: values.clean_text(cell, 100),
            "birth_date": lambda cell: values.clean_birth_date(cell, today),
            "religion": values.RELIGION.clean,
            "marital_status": values.MARITAL_STATUS.clean,
            "education": values.EDUCATION.clean,
            "occupation": _clean_occupation,
            "relationship": values.RELATIONSHIP.clean,
            "address": lambda cell: values.clean_text(cell, 255),
            "rt": values.clean_rt_rw,
            "rw": values.clean_rt_rw,
            "hamlet": lambda cell: values.clean_text(cell, 100),
            "phone": values.clean_phone,
            "status": lambda cell: values.STATUS.clean(cell) or ResidentStatus.LIVING,
        }

    def _village(self, cell: object, errors: list) -> Village | None:
        digits = self._village_digits(cell)
        village = self.villages.get(digits)
        if village is None:
            if not digits:
                message = _("Kode desa wajib diisi (10 digit kode Kemendagri).")
            else:
                message = _(
                    "Kode desa %(value)s tidak ada di daftar desa/kelurahan. Isi 10 digit kode "
                    "Kemendagri desa atau kelurahan, mis. 3510152001 atau 35.10.15.2001."
                ) % {"value": repr(values.cell_text(cell))}
            errors.append((self.label["KODE_DESA"], message))
        return village

    def _kk(self, cell: object, errors: list) -> str | None:
        raw = values.identifier_cell(cell)
        if raw == self._last_kk[0] and raw.__class__ is str:
            return self._last_kk[1]
        if is_missing_nik(raw):  # the same test: empty, "-", 0 or all zeros
            return None
        try:
            no_kk = parse_kk(raw)
        except InvalidIdentifier as error:
            errors.append((self.label["NO_KK"], identifier_message(error)))
            return None
        except TypeError:
            errors.append((self.label["NO_KK"], _("No. KK tidak dapat dibaca.")))
            return None
        self._last_kk = (raw, no_kk)
        return no_kk

    def _nik(self, cell: object, fields: dict, errors: list, notes: list) -> str | None:
        raw = values.identifier_cell(cell)
        column = self.label["NIK"]
        if raw == "" or is_missing_nik(raw):
            fields["data_warnings"] = []
            return None
        birth_date = fields.get("birth_date")
        try:
            info = parse_nik(raw, today=self.today, birth_date=birth_date)  # type: ignore[arg-type]
        except InvalidIdentifier as error:
            errors.append((column, identifier_message(error)))
            return None
        except TypeError:
            errors.append((column, _("NIK tidak dapat dibaca.")))
            return None
        if info.warnings:
            for warning in info.warnings:
                notes.append(
                    (column, _trailing_zero_note() if warning == WARNING_TRAILING_ZERO else warning)
                )
        sex = fields.get("sex")
        fields["data_warnings"] = (
            check_against_record(info, sex=sex, birth_date=birth_date)  # type: ignore[arg-type]
            if sex
            else []
        )
        return info.nik


def _memo(clean, limit: int = _MEMO_LIMIT):
    """``clean`` with its results for text cells remembered (up to ``limit`` values)."""
    cache: dict[str, object] = {}

    def cleaned(cell: object) -> object:
        if cell.__class__ is not str:
            return clean(cell)
        value = cache.get(cell)  # type: ignore[call-overload]
        if value is None:
            value = clean(cell)
            if len(cache) < limit:
                cache[cell] = value  # type: ignore[index]
        return value

    return cleaned


def _clean_occupation(cell: object) -> str:
    text = values.clean_text(cell, 100)
    if text.isdigit():
        raise BadValue(
            _(
                "Pekerjaan %(value)s berupa kode angka; tulis nama pekerjaannya "
                "(mis. PETANI/PEKEBUN)."
            )
            % {"value": text}
        )
    return text


def _trailing_zero_note() -> str:
    return _(
        "Akhiran .0 pada NIK dihapus. Format kolom NIK sebagai Teks di Excel agar nomornya "
        "tersimpan persis."
    )
