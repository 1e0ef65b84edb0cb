"""Searching the catalogue in Indonesian, the way residents type.

Each service stores a ``search_text``: its names, code, agency and keywords, case-folded,
without accents or punctuation, one space between words, plus for every word

* its root when it carries a common Indonesian noun affix (``kelahiran`` -> ``lahir``,
  ``kematian`` -> ``mati``, ``perkawinan`` -> ``kawin``, ``pernikahan`` -> ``nikah``), and
* the canonical word of its synonym group (``akte`` -> ``akta``, ``bisnis`` -> ``usaha``).

A query goes through the same steps, multi-word phrases first (``kartu tanda penduduk`` ->
``ktp``), then each remaining word must start a word of the ``search_text``: ``lahir`` finds
``Surat Keterangan Kelahiran``, ``pindah`` the moving letter, ``usaha`` and ``bisnis`` the
business letter, ``e-ktp`` the electronic ID card. Plain ``LIKE`` lookups, so it runs the same
on SQLite and PostgreSQL; the catalogue has a few hundred rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Phrases residents write in full, and the short word used for them.
PHRASES: dict[str, str] = {
    "kartu tanda penduduk": "ktp",
    "e ktp": "ktp",
    "kartu keluarga": "kk",
    "kartu identitas anak": "kia",
    "surat izin mengemudi": "sim",
    "surat ijin mengemudi": "sim",
    "surat keterangan catatan kepolisian": "skck",
    "catatan kepolisian": "skck",
    "kelakuan baik": "skck",
    "kurang mampu": "sktm",
    "tidak mampu": "sktm",
    "surat keterangan usaha": "usaha",
    "tempat tinggal": "domisili",
    "pajak bumi dan bangunan": "pbb",
    "pajak kendaraan": "pkb",
    "air minum": "pdam",
    "air bersih": "pdam",
}

# Each group's first word is the canonical one; the others are what people also type.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("ktp", "ektp", "ktpel"),
    ("akta", "akte"),
    ("lahir", "kelahiran", "lahiran", "melahirkan", "bayi"),
    ("mati", "kematian", "meninggal", "wafat", "almarhum"),
    ("nikah", "kawin", "perkawinan", "pernikahan", "menikah", "nika"),
    ("cerai", "perceraian", "talak"),
    ("pindah", "pindahan", "mutasi", "boyong", "pindahdatang"),
    ("usaha", "bisnis", "dagang", "berdagang", "jualan", "umkm", "sku", "warung"),
    ("sktm", "miskin", "fakir"),
    ("skck", "polisi"),
    ("domisili", "tinggal", "alamat"),
    ("tanah", "lahan", "sawah", "kebun", "sporadik"),
    ("kendaraan", "motor", "mobil"),
    ("izin", "ijin", "perizinan", "perijinan", "lisensi"),
    ("penghasilan", "gaji", "pendapatan"),
    ("paspor", "pasport", "passport"),
    ("sim", "nyetir"),
    ("bpjs", "jkn", "kis"),
    ("listrik", "pln"),
    ("pajak", "npwp"),
    ("hilang", "kehilangan"),
    ("kuasa", "wakil", "perwakilan"),
)

SYNONYMS: dict[str, str] = {word: group[0] for group in SYNONYM_GROUPS for word in group}

# Words that say nothing about which service is meant.
STOPWORDS = frozenset(
    {
        "di",
        "ke",
        "dari",
        "dan",
        "yang",
        "untuk",
        "buat",
        "bikin",
        "cara",
        "mau",
        "ingin",
        "saya",
        "minta",
        "mengurus",
        "urus",
        "surat",
        "layanan",
        "tolong",
        "bagaimana",
    }
)

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Noun affixes: ke-...-an, pe(r)-...-an, pen-/pem-/peng-...-an; roots of 3+ letters only.
_AFFIXES = (
    re.compile(r"^ke([a-z]{3,})an$"),
    re.compile(r"^per([a-z]{3,})an$"),
    re.compile(r"^pe([a-z]{3,})an$"),
)


def normalise(text: str) -> str:
    """Case-folded words without accents or punctuation, one space apart."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    # Apostrophes join ("Jum'at" -> "jumat"); other punctuation separates words.
    plain = plain.replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def _root(word: str) -> str | None:
    for affix in _AFFIXES:
        match = affix.match(word)
        if match:
            return match.group(1)
    return None


def _join_phrases(text: str) -> str:
    """Replace known phrases by their short word, keeping the text otherwise unchanged."""
    padded = f" {text} "
    for phrase, short in PHRASES.items():
        padded = padded.replace(f" {phrase} ", f" {phrase} {short} ")
    return padded.strip()


def index_words(parts: Iterable[str]) -> list[str]:
    """Every word of ``parts`` plus its root and its synonym group's canonical word."""
    words: list[str] = []
    seen: set[str] = set()
    for part in parts:
        for word in _join_phrases(normalise(part or "")).split():
            for form in (word, _root(word), SYNONYMS.get(word)):
                if form and form not in seen:
                    seen.add(form)
                    words.append(form)
            root = _root(word)
            if root and SYNONYMS.get(root) and SYNONYMS[root] not in seen:
                seen.add(SYNONYMS[root])
                words.append(SYNONYMS[root])
    return words


def build_search_text(*parts: str) -> str:
    """The text stored on a service: a leading and trailing space make word starts findable."""
    return " " + " ".join(index_words(parts)) + " "


def query_terms(query: str) -> list[str]:
    """The words every match must contain (at a word start), canonicalised like the index."""
    text = normalise(query)
    padded = f" {text} "
    for phrase, short in PHRASES.items():
        padded = padded.replace(f" {phrase} ", f" {short} ")
    terms: list[str] = []
    for word in padded.split():
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        term = SYNONYMS.get(word) or SYNONYMS.get(_root(word) or "") or word
        if term not in terms:
            terms.append(term)
    return terms
