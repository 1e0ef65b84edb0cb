"""The columns a population file may have, their accepted header names, and header matching.

Headers are compared by a key that ignores case, spaces, underscores, dots, hyphens and
slashes, so ``No. KK``, ``NO_KK`` and ``no kk`` are the same column. docs/import-format.md lists
the same names for clerks; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from people.importing.errors import ImportFileError

# Canonical name -> other names village offices and the civil registry (Dukcapil) use.
ALIASES: dict[str, tuple[str, ...]] = {
    "NIK": ("NO_NIK", "NOMOR_NIK", "NOMOR_INDUK_KEPENDUDUKAN"),
    "NO_KK": ("NO KK", "NOMOR_KK", "NKK", "KK", "NO_KARTU_KELUARGA", "NOMOR_KARTU_KELUARGA"),
    "NAMA_LENGKAP": ("NAMA", "NAMA LENGKAP", "NAMA_PENDUDUK", "NAMA_LGKP"),
    "JENIS_KELAMIN": ("JK", "SEX", "KELAMIN", "L/P", "JNS_KLMIN", "JENIS KELAMIN"),
    "TEMPAT_LAHIR": ("TMPT_LAHIR", "TMPT_LHR", "TEMPAT_LHR", "TMP_LAHIR"),
    "TANGGAL_LAHIR": ("TGL_LAHIR", "TANGGAL LAHIR", "TGL_LHR", "TANGGAL_LHR"),
    "AGAMA": (),
    "STATUS_PERKAWINAN": ("STATUS_KAWIN", "STAT_KWN", "PERKAWINAN", "STATUS_NIKAH"),
    "PENDIDIKAN": ("PENDIDIKAN_TERAKHIR", "PENDIDIKAN_AKHIR", "PDDK_AKHR"),
    "PEKERJAAN": ("JENIS_PEKERJAAN", "JENIS_PKRJN"),
    "STATUS_HUBUNGAN": (
        "HUBUNGAN",
        "SHDK",
        "STAT_HBKEL",
        "HUBUNGAN_KELUARGA",
        "STATUS_HUBUNGAN_DALAM_KELUARGA",
        "HUBUNGAN_DALAM_KELUARGA",
    ),
    "ALAMAT": ("ALAMAT_RUMAH",),
    "RT": ("NO_RT",),
    "RW": ("NO_RW",),
    "DUSUN": ("DUKUH", "LINGKUNGAN", "NAMA_DUSUN"),
    "KODE_DESA": (
        "KODE WILAYAH",
        "KD_DESA",
        "DESA_KODE",
        "KODE_KELURAHAN",
        "KODE_DESA_KELURAHAN",
        "KODE_WILAYAH",
        "NO_KEL",
    ),
    "NO_HP": ("TELEPON", "HP", "NO_TELP", "NO_TELEPON", "TELP", "NOMOR_HP", "NO_HANDPHONE"),
    "STATUS": ("STATUS_PENDUDUK", "STATUS_HIDUP"),
}

# The columns a file cannot do without.
REQUIRED = ("NIK", "NO_KK", "NAMA_LENGKAP", "JENIS_KELAMIN", "KODE_DESA")

# Columns that are read past: a running number, and the LINE and REASON columns of the rejects
# file this importer writes, so a corrected rejects file can be imported again as it is.
IGNORED = ("NO", "NO_URUT", "NOMOR_URUT", "LINE", "REASON", "BARIS", "ALASAN")

# Columns holding identifiers: written as text in rejects and export files so Excel keeps them.
IDENTIFIER_COLUMNS = frozenset({"NIK", "NO_KK", "KODE_DESA", "NO_HP", "RT", "RW"})

_NON_KEY = re.compile(r"[^0-9A-Z]+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)


def header_key(text: object) -> str:
    """The comparison key of a header: upper case, letters and digits only."""
    return _NON_KEY.sub("", str(text).translate(_INVISIBLE).upper())


_BY_KEY: dict[str, str] = {}
for _canonical, _aliases in ALIASES.items():
    for _name in (_canonical, *_aliases):
        _BY_KEY[header_key(_name)] = _canonical
_IGNORED_KEYS = frozenset(header_key(name) for name in IGNORED)


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column is in the file's rows, and its header as the file spells it."""

    line: int
    headers: tuple[str, ...]  # every header cell as written, for the rejects file
    index: dict[str, int]  # canonical name -> cell index
    label: dict[str, str]  # canonical name -> header text as written in the file

    def __contains__(self, canonical: str) -> bool:
        return canonical in self.index


def accepted_names() -> str:
    """Every accepted header, for error messages: ``NIK (NO_NIK, ...); NO_KK (...)``."""
    parts = []
    for canonical, aliases in ALIASES.items():
        parts.append(f"{canonical} ({', '.join(aliases)})" if aliases else canonical)
    return "; ".join(parts)


def looks_like_header(cells: list[object]) -> bool:
    """True when a row names every required column (used to skip title rows above the header)."""
    found = {_BY_KEY.get(header_key(cell)) for cell in cells if cell not in ("", None)}
    return all(name in found for name in REQUIRED)


def map_headers(line: int, cells: list[object]) -> HeaderMap:
    """Match a header row to the known columns or raise :class:`ImportFileError`.

    Unknown headers, a column named twice and missing required columns are refused with a
    message naming them and the accepted names. Blank header cells are skipped.
    """
    headers = tuple("" if cell is None else str(cell).strip() for cell in cells)
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    unknown: list[str] = []
    for position, text in enumerate(headers):
        key = header_key(text)
        if not key or key in _IGNORED_KEYS:
            continue
        canonical = _BY_KEY.get(key)
        if canonical is None:
            unknown.append(text)
            continue
        if canonical in index:
            raise ImportFileError(
                _(
                    "Kolom %(column)s muncul dua kali pada baris judul (baris %(line)s): "
                    "%(first)s dan %(second)s. Hapus salah satunya."
                )
                % {
                    "column": canonical,
                    "line": line,
                    "first": label[canonical],
                    "second": text,
                }
            )
        index[canonical] = position
        label[canonical] = text

    if unknown:
        raise ImportFileError(
            _(
                "Judul kolom tidak dikenal pada baris %(line)s: %(unknown)s. Ganti dengan salah "
                "satu judul yang diterima: %(accepted)s."
            )
            % {"line": line, "unknown": ", ".join(unknown), "accepted": accepted_names()}
        )
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        wanted = "; ".join(
            f"{name} ({', '.join(ALIASES[name])})" if ALIASES[name] else name for name in missing
        )
        raise ImportFileError(
            _(
                "Kolom wajib tidak ada pada baris judul (baris %(line)s): %(missing)s. "
                "Tambahkan kolom itu dengan salah satu judul berikut: %(wanted)s."
            )
            % {"line": line, "missing": ", ".join(missing), "wanted": wanted}
        )
    return HeaderMap(line=line, headers=headers, index=index, label=label)
