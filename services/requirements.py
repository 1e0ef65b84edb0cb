"""English names of the catalogue's required documents, for residents reading in English.

A service stores its requirements as Indonesian text (the officers' words, and what an
attachment is filed under); ``data/requirements-en.csv`` gives the English name of each text
the catalogue ships with. A requirement staff typed themselves has no entry and is shown as
typed, in either language.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from django.utils.translation import get_language

GLOSSARY_PATH = Path(__file__).resolve().parent / "data" / "requirements-en.csv"


@functools.cache
def glossary() -> dict[str, str]:
    with GLOSSARY_PATH.open(newline="", encoding="utf-8") as handle:
        return {row["name"].strip(): row["name_en"].strip() for row in csv.DictReader(handle)}


def requirement_label(text: str) -> str:
    """The requirement as the current language shows it."""
    if (get_language() or "").startswith("en"):
        return glossary().get(text.strip(), text)
    return text


def requirement_labels(texts) -> list[str]:
    return [requirement_label(text) for text in texts]
