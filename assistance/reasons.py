"""The matcher's reason codes in words, for the officers who read a list's report.

``assistance.matching`` records why it linked, rejected or held a row as short codes
("birth_date_exact", "name_similar:88", "nik_not_in_register") so that reports stay small
and tests can name them; pages show them through ``describe``. Text that is not a known code
(the sentences the import writes itself) is shown as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CODES = {
    "nik_exact": gettext_lazy("NIK sama dan namanya cocok"),
    "no_candidate": gettext_lazy("tidak ada penduduk yang mirip di register"),
    "nik_not_in_register": gettext_lazy("NIK tidak ada di register"),
    "nik_other_person": gettext_lazy("NIK milik penduduk lain yang namanya berbeda"),
    "nik_temporary": gettext_lazy("NIK sementara"),
    "nik_missing": gettext_lazy("NIK kosong"),
    "nik_near": gettext_lazy("NIK hanya berbeda satu atau dua angka"),
    "name_exact": gettext_lazy("nama sama"),
    "name_reordered": gettext_lazy("nama sama, urutan kata berbeda"),
    "name_similar": gettext_lazy("nama mirip"),
    "birth_date_exact": gettext_lazy("tanggal lahir sama"),
    "birth_date_day_month_swapped": gettext_lazy("tanggal lahir: tanggal dan bulan tertukar"),
    "birth_date_one_part_differs": gettext_lazy("tanggal lahir: satu bagian berbeda"),
    "birth_date_missing": gettext_lazy("tanggal lahir tidak diisi"),
    "birth_date_differs": gettext_lazy("tanggal lahir berbeda"),
    "village_missing": gettext_lazy("desa tidak diisi"),
    "village_same": gettext_lazy("desa sama"),
    "village_same_district": gettext_lazy("desa berbeda di kecamatan yang sama"),
    "village_differs": gettext_lazy("desa berbeda"),
    "ambiguous": gettext_lazy("ada penduduk lain yang sama miripnya"),
    "nik_invalid": gettext_lazy("NIK tidak sah"),
}


def describe(reason: str) -> str:
    """One reason in the current language: a code in words, anything else unchanged."""
    code, _colon, argument = str(reason).partition(":")
    if code.startswith("nik_nik_"):  # reports written before the prefix was fixed
        code = code[len("nik_") :]
    if code == "name_similar" and argument.isdigit():
        return _("nama mirip (%(score)s dari 100)") % {"score": argument}
    text = CODES.get(code)
    return str(text) if text is not None else str(reason)


def describe_all(reasons) -> str:
    """Reasons joined for a table cell: "tanggal lahir sama; desa sama"."""
    return "; ".join(describe(reason).rstrip(". ") for reason in reasons or [] if reason)


EVIDENCE_LABELS = {
    "line": gettext_lazy("Baris di berkas"),
    "first_line": gettext_lazy("Pertama kali muncul di baris"),
    "nik": gettext_lazy("NIK di berkas"),
    "name": gettext_lazy("Nama di berkas"),
    "birth_date": gettext_lazy("Tanggal lahir di berkas"),
    "village": gettext_lazy("Desa di berkas"),
    "match_reasons": gettext_lazy("Alasan pencocokan"),
    "score": gettext_lazy("Kemiripan"),
}


def evidence_rows(evidence: dict) -> list[tuple[str, str]]:
    """A finding's evidence as (label, value) lines: known keys first, in words."""
    rows = []
    known = [key for key in EVIDENCE_LABELS if key in evidence]
    others = sorted(key for key in evidence if key not in EVIDENCE_LABELS)
    for key in known + others:
        value = evidence[key]
        if key == "match_reasons":
            value = describe_all(value)
        elif key == "score" and isinstance(value, int | float):
            value = f"{round(value * 100)} %"
        elif isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        rows.append((str(EVIDENCE_LABELS.get(key, key)), "" if value is None else str(value)))
    return rows
