"""English names of required documents (services/data/requirements-en.csv)."""

import csv

from django.utils import translation

from services.catalogue import DATA_DIR
from services.requirements import glossary, requirement_label, requirement_labels


def test_every_requirement_the_catalogue_ships_has_an_english_name():
    with (DATA_DIR / "services.csv").open(newline="", encoding="utf-8") as handle:
        shipped = {
            item.strip()
            for row in csv.DictReader(handle)
            for item in row["required_documents"].split(";")
            if item.strip()
        }

    missing = sorted(shipped - glossary().keys())
    assert not missing, f"add these to services/data/requirements-en.csv: {missing}"
    assert all(glossary()[name] and glossary()[name] != name for name in shipped)


def test_labels_follow_the_active_language():
    with translation.override("en"):
        assert requirement_label("Surat pengantar RT/RW") == (
            "Cover letter from the neighbourhood heads (RT/RW)"
        )
        # A requirement staff typed themselves is shown as typed.
        assert requirement_labels(["Surat dari ketua adat"]) == ["Surat dari ketua adat"]
    with translation.override("id"):
        assert requirement_label("Surat pengantar RT/RW") == "Surat pengantar RT/RW"
