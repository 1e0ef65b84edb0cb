"""Load the agencies shipped with the project (``agencies/data/agencies.csv``).

Used by the data migration. Codes are the key: running it twice changes nothing, and rows the
administrator edited in the admin are left alone unless ``overwrite`` is set.
"""

import csv
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

AGENCIES_CSV = Path(__file__).resolve().parent / "data" / "agencies.csv"
FIELDS = ("name", "short_name", "kind")


def read_agency_rows(path: Path = AGENCIES_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_agencies(agency_model=None, path: Path = AGENCIES_CSV, *, overwrite=False) -> dict:
    """Create the missing agencies (and, with ``overwrite``, reset the others to the file).

    ``agency_model`` lets a migration pass its historical model.
    """
    if agency_model is None:
        from agencies.models import Agency as agency_model

    rows = read_agency_rows(path)
    existing = {agency.code: agency for agency in agency_model.objects.all()}
    created = updated = 0
    for row in rows:
        values = {field: row[field].strip() for field in FIELDS}
        agency = existing.get(row["code"])
        if agency is None:
            agency_model.objects.create(code=row["code"], **values)
            created += 1
        elif overwrite and any(getattr(agency, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(agency, key, value)
            agency.save()
            updated += 1
    logger.info("Agencies loaded: %s created, %s updated", created, updated)
    return {"created": created, "updated": updated, "total": len(rows)}
