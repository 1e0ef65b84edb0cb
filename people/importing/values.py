"""Turn one cell into one stored value, or say in plain words why it cannot be.

Each cleaner takes the cell as the reader gave it (``str`` from CSV; ``str``, ``float``,
``date`` or ``datetime`` from Excel) and returns the value to store, or raises
:class:`BadValue` with a message for the clerk. Nothing is guessed: a two-digit year, a date
given as a bare number, or an unknown code is refused rather than turned into something else.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.choices import Education, MaritalStatus, Relationship, Religion, ResidentStatus, Sex

OLDEST_BIRTH_YEAR = 1870


class BadValue(ValueError):
    """A cell that cannot be stored; the message says why and what to write instead."""


# --------------------------------------------------------------------------- text


def cell_text(value: object) -> str:
    """A cell as trimmed text, without Excel's text markers (a leading ``'`` or ``="..."``)."""
    if value.__class__ is str:
        text = value.strip()  # type: ignore[union-attr]
        if text[:2] == '="' and text[-1:] == '"' and len(text) >= 3:
            return text[2:-1].strip()
        if text[:1] == "'":
            return text[1:].strip()
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value).strip()


def identifier_cell(value: object) -> object:
    """A NIK or No. KK cell for people.nik: only the ``="..."`` wrapper is removed here."""
    if value.__class__ is str:
        text = value.strip()  # type: ignore[union-attr]
        if text[:2] == '="' and text[-1:] == '"':
            return text[2:-1]
        return text
    return value


def clean_text(value: object, max_length: int, *, dash_is_empty: bool = True) -> str:
    """Trimmed text with runs of whitespace collapsed to one space; nothing else is changed."""
    text = cell_text(value)
    if not text:
        return ""
    text = " ".join(text.split())
    if dash_is_empty and text.strip("-") == "":
        return ""
    if len(text) > max_length:
        raise BadValue(
            _("Terlalu panjang: %(length)s karakter, paling banyak %(max)s.")
            % {"length": len(text), "max": max_length}
        )
    return text


_LETTER = re.compile(r"[^\W\d_]")


def clean_name(value: object) -> str:
    name = clean_text(value, 200, dash_is_empty=False)
    if not name:
        raise BadValue(_("Nama wajib diisi."))
    if not _LETTER.search(name):
        raise BadValue(_("Nama %(value)s tidak berisi huruf.") % {"value": name})
    return name


def name_key(name: str) -> str:
    """A name for matching people without a NIK: case, spaces and punctuation ignored."""
    return "".join(char for char in name.casefold() if char.isalnum())


# --------------------------------------------------------------------------- coded values

_CODE_KEY = re.compile(r"[^0-9A-Z]+")
_WHOLE_NUMBER = re.compile(r"\d+(?:\.0+)?")


def _code_key(text: str) -> str:
    # Punctuation becomes a space rather than nothing: "DIPLOMA I/II" is not "DIPLOMA III".
    return _CODE_KEY.sub(" ", text.upper()).strip()


class Codes:
    """A coded column: the Indonesian words in any spelling, and the registry's number codes."""

    def __init__(self, column, words: dict[str, tuple[str, ...]], numbers: tuple[str, ...]):
        self.column = column
        self.by_key: dict[str, str] = {}
        for stored, names in words.items():
            for name in (stored, *names):
                self.by_key[_code_key(name)] = stored
        for number, stored in enumerate(numbers, start=1):
            self.by_key[str(number)] = stored
        self.accepted = ", ".join(
            [names[0] for names in words.values()] + ([f"1-{len(numbers)}"] if numbers else [])
        )

    def clean(self, value: object) -> str:
        text = cell_text(value)
        if not text or text.strip("-") == "":
            return ""
        key = str(int(float(text))) if _WHOLE_NUMBER.fullmatch(text) else _code_key(text)
        stored = self.by_key.get(key)
        if stored is None:
            raise BadValue(
                _("%(column)s %(value)s tidak dikenal; isi salah satu dari: %(accepted)s.")
                % {"column": self.column, "value": repr(text), "accepted": self.accepted}
            )
        return stored


SEX = Codes(
    gettext_lazy("Jenis kelamin"),
    {
        Sex.MALE: ("LAKI-LAKI", "LAKI LAKI", "LAKI", "LK", "PRIA"),
        Sex.FEMALE: ("PEREMPUAN", "PR", "WANITA"),
    },
    (Sex.MALE, Sex.FEMALE),
)
RELIGION = Codes(
    gettext_lazy("Agama"),
    {
        Religion.ISLAM: ("ISLAM",),
        Religion.PROTESTANT: ("KRISTEN", "PROTESTAN", "KRISTEN PROTESTAN"),
        Religion.CATHOLIC: ("KATHOLIK", "KATOLIK", "KRISTEN KATOLIK", "KRISTEN KATHOLIK"),
        Religion.HINDU: ("HINDU",),
        Religion.BUDDHIST: ("BUDHA", "BUDDHA"),
        Religion.CONFUCIAN: ("KONGHUCU", "KHONGHUCU", "KONG HU CU"),
        Religion.BELIEF: (
            "KEPERCAYAAN",
            "KEPERCAYAAN TERHADAP TUHAN YME",
            "KEPERCAYAAN TERHADAP TUHAN YANG MAHA ESA",
            "PENGHAYAT KEPERCAYAAN",
            "ALIRAN KEPERCAYAAN",
        ),
    },
    tuple(Religion.values),
)
MARITAL_STATUS = Codes(
    gettext_lazy("Status perkawinan"),
    {
        MaritalStatus.SINGLE: ("BELUM KAWIN", "BELUM MENIKAH"),
        MaritalStatus.MARRIED: (
            "KAWIN",
            "MENIKAH",
            "KAWIN TERCATAT",
            "KAWIN BELUM TERCATAT",
            "KAWIN TIDAK TERCATAT",
        ),
        MaritalStatus.DIVORCED: ("CERAI HIDUP",),
        MaritalStatus.WIDOWED: ("CERAI MATI",),
    },
    tuple(MaritalStatus.values),
)
EDUCATION = Codes(
    gettext_lazy("Pendidikan"),
    {
        Education.NONE: ("TIDAK/BELUM SEKOLAH", "TIDAK SEKOLAH", "BELUM SEKOLAH"),
        Education.PRIMARY_UNFINISHED: ("BELUM TAMAT SD/SEDERAJAT", "BELUM TAMAT SD"),
        Education.PRIMARY: ("TAMAT SD/SEDERAJAT", "TAMAT SD", "SD", "SD/SEDERAJAT"),
        Education.JUNIOR: ("SLTP/SEDERAJAT", "SLTP", "SMP", "MTS"),
        Education.SENIOR: ("SLTA/SEDERAJAT", "SLTA", "SMA", "SMK", "MA"),
        Education.DIPLOMA_1_2: ("DIPLOMA I/II", "D1", "D2", "DIPLOMA I", "DIPLOMA II"),
        Education.DIPLOMA_3: (
            "AKADEMI/DIPLOMA III/S. MUDA",
            "AKADEMI/DIPLOMA III/SARJANA MUDA",
            "DIPLOMA III",
            "D3",
            "SARJANA MUDA",
        ),
        Education.BACHELOR: ("DIPLOMA IV/STRATA I", "STRATA I", "S1", "D4", "DIPLOMA IV"),
        Education.MASTER: ("STRATA II", "S2"),
        Education.DOCTORATE: ("STRATA III", "S3"),
    },
    tuple(Education.values),
)
RELATIONSHIP = Codes(
    gettext_lazy("Status hubungan dalam keluarga"),
    {
        Relationship.HEAD: ("KEPALA KELUARGA", "KEPALA"),
        Relationship.HUSBAND: ("SUAMI",),
        Relationship.WIFE: ("ISTRI", "ISTERI"),
        Relationship.CHILD: ("ANAK",),
        Relationship.CHILD_IN_LAW: ("MENANTU",),
        Relationship.GRANDCHILD: ("CUCU",),
        Relationship.PARENT: ("ORANG TUA", "ORANGTUA"),
        Relationship.PARENT_IN_LAW: ("MERTUA",),
        Relationship.OTHER_RELATIVE: ("FAMILI LAIN",),
        Relationship.HOUSEHOLD_HELP: ("PEMBANTU",),
        Relationship.OTHER: ("LAINNYA",),
    },
    tuple(Relationship.values),
)
STATUS = Codes(
    gettext_lazy("Status"),
    {
        ResidentStatus.LIVING: ("HIDUP",),
        ResidentStatus.DECEASED: ("MENINGGAL", "MENINGGAL DUNIA", "MATI", "WAFAT"),
        ResidentStatus.MOVED_OUT: ("PINDAH", "PINDAH KELUAR"),
    },
    (),
)


# --------------------------------------------------------------------------- dates

_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SHORT_YEAR = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{2}")
_TIME_SUFFIX = re.compile(r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)$")


def _date_format_error(text: str) -> BadValue:
    return BadValue(
        _(
            "Tanggal %(value)s tidak dapat dibaca; tulis DD-MM-YYYY (mis. 02-03-1989), "
            "DD/MM/YYYY, DD.MM.YYYY atau YYYY-MM-DD."
        )
        % {"value": repr(text)}
    )


def clean_birth_date(value: object, today: date) -> date | None:
    """A birth date from text (DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM-DD) or a date cell."""
    if value.__class__ is str:
        text = value.strip()  # type: ignore[union-attr]
        if not text or text.strip("-") == "":
            return None
        born = _parse_date_text(text)
    elif isinstance(value, datetime):
        born = value.date()
    elif isinstance(value, date):
        born = value
    elif value is None:
        return None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise BadValue(
            _(
                "Tanggal terbaca sebagai angka %(value)s, bukan tanggal. Format kolom sebagai "
                "Tanggal di Excel, atau tulis sebagai teks DD-MM-YYYY."
            )
            % {"value": cell_text(value)}
        )
    else:
        raise _date_format_error(cell_text(value))

    if born.year < OLDEST_BIRTH_YEAR:
        raise BadValue(
            _("Tahun lahir %(year)s tidak masuk akal; periksa tanggalnya.") % {"year": born.year}
        )
    if born > today:
        raise BadValue(
            _("Tanggal lahir %(value)s belum terjadi (setelah hari ini).")
            % {"value": born.strftime("%d-%m-%Y")}
        )
    return born


def _parse_date_text(text: str) -> date:
    # The common shapes are sliced rather than matched: this runs once per row.
    if len(text) == 10:
        separator = text[2]
        if separator in "-/." and text[5] == separator:
            day, month, year = text[0:2], text[3:5], text[6:10]
        elif text[4] == "-" and text[7] == "-":
            year, month, day = text[0:4], text[5:7], text[8:10]
        else:
            day = month = year = ""
        if day.isdigit() and month.isdigit() and year.isdigit():
            return _make_date(text, int(year), int(month), int(day))

    text = _TIME_SUFFIX.sub("", text).strip()
    match = _DMY.fullmatch(text)
    if match:
        return _make_date(text, int(match[4]), int(match[3]), int(match[1]))
    match = _YMD.fullmatch(text)
    if match:
        return _make_date(text, int(match[1]), int(match[2]), int(match[3]))
    if _SHORT_YEAR.fullmatch(text):
        raise BadValue(
            _(
                "Tanggal %(value)s memakai tahun 2 digit; tulis tahun lengkap 4 digit "
                "(tanggal tidak ditebak)."
            )
            % {"value": repr(text)}
        )
    raise _date_format_error(text)


def _make_date(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(
            _("Tanggal %(value)s tidak ada di kalender (hari atau bulan salah).")
            % {"value": repr(text)}
        ) from None


# --------------------------------------------------------------------------- numbers

_TRAILING_ZERO = re.compile(r"(\d+)\.0+")
_RT_PREFIX = re.compile(r"^(?:RT|RW)[\s.:]*", re.IGNORECASE)


def clean_rt_rw(value: object) -> str:
    """``1``, ``1.0``, ``01``, ``001`` and ``RT 01`` all become ``001``."""
    text = _RT_PREFIX.sub("", cell_text(value))
    if not text or text.strip("-") == "":
        return ""
    match = _TRAILING_ZERO.fullmatch(text)
    if match:
        text = match[1]
    if not (text.isdigit() and text.isascii()) or len(text.lstrip("0")) > 3:
        raise BadValue(
            _("%(value)s bukan nomor RT/RW; isi angka 1 sampai 999.") % {"value": repr(text)}
        )
    return text.lstrip("0").zfill(3)


def village_digits(value: object) -> str:
    """The digits of a village code: dots and spaces removed, a number cell's ``.0`` dropped."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = cell_text(value)
    match = _TRAILING_ZERO.fullmatch(text)
    if match:
        return match[1]
    return text.replace(".", "").replace(" ", "")


_PHONE = re.compile(r"\+?\d{8,15}")
_PHONE_SEPARATORS = str.maketrans("", "", " -.()/")


def clean_phone(value: object) -> tuple[str, str | None]:
    """A phone number as digits with an optional leading ``+``, and a warning if repaired.

    A number cell has lost its leading 0 (every Indonesian number written nationally starts
    with 0), so it is put back, with a warning, unless the number starts with the country
    code 62.
    """
    warning = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = cell_text(value)
        if text.isdigit() and not text.startswith("62"):
            text = "0" + text
            warning = _(
                "Nomor HP terbaca sebagai angka; angka 0 di depannya dikembalikan. Format "
                "kolom sebagai Teks di Excel."
            )
    else:
        text = cell_text(value)
        if not text or text.strip("-") == "":
            return "", None
        match = _TRAILING_ZERO.fullmatch(text)
        if match:
            text = match[1]
        text = text.translate(_PHONE_SEPARATORS)
    if not _PHONE.fullmatch(text):
        raise BadValue(
            _("Nomor HP %(value)s tidak sah; isi 8 sampai 15 angka, boleh diawali 0 atau +62.")
            % {"value": repr(cell_text(value))}
        )
    return text, warning
