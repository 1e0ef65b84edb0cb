"""Probable duplicate people inside the register, and the name rules that find them.

The same person is sometimes registered twice: once with a temporary number and later with a
NIK, or with a name spelled two ways (NURHALIZA / NURHALIZAH), day and month of birth swapped,
or the year typed one off. :func:`find_duplicates` groups such records into clusters with a
score and the reasons, for an officer to check; nothing is merged here (see
``people.merging``).

The name helpers (:func:`name_tokens`, :func:`name_key`, :func:`name_similarity`) are shared
with the assistance app's list matcher, so both read names the same way: titles and
honorifics (H., Hj., Bapak, Ibu, degrees after a comma) removed, common spellings of one name
folded (MOCH./MUH. -> MUHAMMAD, OE -> U, DJ -> J, a final H), word order ignored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz

# --------------------------------------------------------------------------- names


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles, honorifics and degrees that are not part of the name on the family card.
HONORIFICS = _words(
    "H HJ HAJI HAJJAH HAJAH BAPAK BPK BP PAK IBU BU NY NYONYA SDR SDRI SAUDARA SAUDARI TN TUAN "
    "KH KYAI KIAI USTADZ USTADZAH UST ALM ALMH ALMARHUM ALMARHUMAH DR DRS DRA IR PROF "
    "SPD SPDI SAG SE SH ST SKOM SKM SKEP SSOS SIP SP SPT SHI SSI AMD AMDKEP AMKEP MM MPD MSI MAG "
    "MH MT BA"
)
# Spellings of one given name, mapped to one form.
_VARIANTS = {
    "MUH": "MUHAMMAD",
    "MUHAMAD": "MUHAMMAD",
    "MUHAMMED": "MUHAMMAD",
    "MOCH": "MUHAMMAD",
    "MOCHAMAD": "MUHAMMAD",
    "MOCHAMMAD": "MUHAMMAD",
    "MOH": "MUHAMMAD",
    "MOHAMAD": "MUHAMMAD",
    "MOHAMMAD": "MUHAMMAD",
    "MOHAMMED": "MUHAMMAD",
    "MHD": "MUHAMMAD",
    "MUCH": "MUHAMMAD",
    "ACHMAD": "AHMAD",
    "ACHMED": "AHMAD",
    "AHMED": "AHMAD",
    "ABD": "ABDUL",
    "ABDOEL": "ABDUL",
    "NOOR": "NUR",
    "NOER": "NUR",
    "SITTI": "SITI",
}
# Old and regional spellings (Soekarno, Djojo, Tjipto) and doubled letters are folded.
_SPELLING = (("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("SJ", "SY"), ("CH", "H"), ("KH", "H"))
_DOUBLE = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^A-Z ]+")


def _fold(token: str) -> str:
    for old, new in _SPELLING:
        token = token.replace(old, new)
    token = _DOUBLE.sub(r"\1", token)
    if len(token) > 3 and token.endswith("H"):  # NURHALIZAH -> NURHALIZA
        token = token[:-1]
    return token


@lru_cache(maxsize=262_144)
def name_tokens(name: str) -> tuple[str, ...]:
    """The name's tokens without titles, in a folded spelling (order kept)."""
    text = name.upper().split(",")[0]  # "SITI AMINAH, S.PD": degrees follow a comma
    text = text.replace("'", "").replace("`", "").replace(".", " ").replace("-", " ")
    tokens = [_VARIANTS.get(token, token) for token in _NOT_LETTER.sub(" ", text).split()]
    kept = [token for token in tokens if token not in HONORIFICS] or tokens
    return tuple(_fold(token) for token in kept)


@lru_cache(maxsize=262_144)
def name_key(name: str) -> str:
    """Order-free key of a name: its folded tokens, sorted."""
    return " ".join(sorted(name_tokens(name)))


def _aligned(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """Score of two names with as many words, each word paired with its closest other."""
    if len(left) != len(right) or len(left) < 2:
        return 0.0
    remaining = list(right)
    total = weight = 0.0
    for token in sorted(left, key=len, reverse=True):
        best = max(remaining, key=lambda other: fuzz.ratio(token, other))
        size = len(token) + len(best)
        total += fuzz.ratio(token, best) * size
        weight += size
        remaining.remove(best)
    return total / weight


def name_similarity(left: str, right: str) -> tuple[float, str]:
    """(0-100 score, reason code) of two names after removing titles and folding spelling."""
    a, b = name_key(left), name_key(right)
    tokens_a, tokens_b = name_tokens(left), name_tokens(right)
    if a == b:
        return 100.0, "name_exact" if tokens_a == tokens_b else "name_reordered"
    score = max(
        fuzz.ratio(a, b),
        fuzz.ratio(" ".join(tokens_a), " ".join(tokens_b)),
        _aligned(tokens_a, tokens_b),
    )
    set_a, set_b = set(tokens_a), set(tokens_b)
    if set_a and set_b and (set_a <= set_b or set_b <= set_a):
        score = max(score, 88.0)  # a middle name left out
    return score, "name_similar"


def date_agreement(left: date | None, right: date | None) -> str:
    """How two birth dates agree: exact, day_month_swapped, one_part_differs, missing, differs."""
    if left is None or right is None:
        return "missing"
    if left == right:
        return "exact"
    if (left.day, left.month, left.year) == (right.month, right.day, right.year):
        return "day_month_swapped"
    same = (left.year == right.year) + (left.month == right.month) + (left.day == right.day)
    if same == 2 and abs(left.year - right.year) <= 10:
        return "one_part_differs"
    return "differs"


# --------------------------------------------------------------------------- register duplicates


@dataclass(frozen=True, slots=True)
class Record:
    id: int
    nik: str | None
    temp_id: str | None
    name: str
    birth_date: date | None
    village_id: int
    family_id: int | None


@dataclass
class Pair:
    left: Record
    right: Record
    score: float
    reasons: list[str]


@dataclass
class Cluster:
    """Records that probably are one person, best pair score first, with each pair's reasons."""

    records: list[Record]
    score: float
    pairs: list[Pair] = field(default_factory=list)


# Points out of 100 for each part of the evidence; a pair needs MIN_SCORE to be shown.
MIN_SCORE = 70.0
_DATE_POINTS = {
    "exact": 45,
    "day_month_swapped": 35,
    "one_part_differs": 30,
    "missing": 10,
    "differs": 0,
}


def score_pair(left: Record, right: Record) -> tuple[float, list[str]]:
    """(0-100 score, reasons) that two register records are the same person."""
    similarity, name_reason = name_similarity(left.name, right.name)
    if similarity < 80:
        return 0.0, []
    agreement = date_agreement(left.birth_date, right.birth_date)
    points = (similarity - 80) * 2 + _DATE_POINTS[agreement]  # name: up to 40
    reasons = [name_reason if similarity >= 100 else f"{name_reason}:{similarity:.0f}"]
    reasons.append(f"birth_date_{agreement}")
    if left.village_id == right.village_id:
        points += 10
        reasons.append("village_same")
    if left.nik and right.nik:
        # Two different valid NIKs are two registrations: likely two people (twins, namesakes).
        apart = sum(1 for a, b in zip(left.nik, right.nik, strict=False) if a != b)
        if apart <= 2:
            points += 5
            reasons.append("nik_near")
        else:
            points -= 25
            reasons.append("two_niks")
    elif left.temp_id or right.temp_id:
        points += 5
        reasons.append("temporary_number_and_nik" if left.nik or right.nik else "temporary_number")
    if left.family_id and left.family_id == right.family_id and agreement == "exact":
        points -= 15  # twins share a family card and a birth date
        reasons.append("same_family_same_date")
    return max(0.0, min(100.0, points)), reasons


def _keys(record: Record) -> list[tuple]:
    born = record.birth_date
    key = name_key(record.name)
    keys: list[tuple] = [("vn", record.village_id, key)]
    if born:
        keys.append(("dn", born, key))
        keys.append(
            ("vmd", record.village_id, min(born.month, born.day), max(born.month, born.day))
        )
        keys.append(("vym", record.village_id, born.year, born.month))
        keys.append(("vyd", record.village_id, born.year, born.day))
    return keys


# Blocks bigger than this (a very common name in one village) are skipped, not compared n x n.
MAX_BLOCK = 400


def find_duplicates(records: Iterable[Record], *, min_score: float = MIN_SCORE) -> list[Cluster]:
    """Clusters of records that probably are one person, best first. Nothing is changed."""
    blocks: dict[tuple, list[Record]] = defaultdict(list)
    for record in records:
        for key in _keys(record):
            blocks[key].append(record)

    pairs: dict[tuple[int, int], Pair] = {}
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for index, left in enumerate(members):
            for right in members[index + 1 :]:
                ids = (min(left.id, right.id), max(left.id, right.id))
                if ids in pairs or left.id == right.id:
                    continue
                score, reasons = score_pair(left, right)
                if score >= min_score:
                    pairs[ids] = Pair(left, right, score, reasons)

    # Union-find over the pairs: each connected group is one cluster.
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left_id, right_id in pairs:
        parent[root(left_id)] = root(right_id)
    grouped: dict[int, list[Pair]] = defaultdict(list)
    for (left_id, _right_id), pair in pairs.items():
        grouped[root(left_id)].append(pair)
    clusters = []
    for cluster_pairs in grouped.values():
        cluster_pairs.sort(key=lambda pair: -pair.score)
        seen: dict[int, Record] = {}
        for pair in cluster_pairs:
            seen.setdefault(pair.left.id, pair.left)
            seen.setdefault(pair.right.id, pair.right)
        clusters.append(
            Cluster(
                records=sorted(seen.values(), key=lambda record: record.id),
                score=cluster_pairs[0].score,
                pairs=cluster_pairs,
            )
        )
    clusters.sort(key=lambda cluster: (-cluster.score, cluster.records[0].id))
    return clusters


def register_records(queryset) -> Iterable[Record]:
    """Stream ``Resident`` rows of ``queryset`` (already scoped by the caller) as records."""
    fields = ("id", "nik", "temp_id", "full_name", "birth_date", "village_id", "family_id")
    for row in queryset.values_list(*fields).iterator(chunk_size=5000):
        yield Record(*row)


def find_register_duplicates(queryset, *, min_score: float = MIN_SCORE) -> list[Cluster]:
    """Probable duplicates among the residents of ``queryset`` (pass ``visible_to(user)``)."""
    return find_duplicates(register_records(queryset), min_score=min_score)
