"""Load the Kemendagri region list shipped with the project.

Used by the data migration and by the ``load_regions`` command; running it twice changes
nothing, and a renamed village is updated in place (codes are the key).
"""

import csv
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions-banyuwangi.csv"


def read_region_rows(path: Path = REGIONS_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_regions(region_model=None, path: Path = REGIONS_CSV) -> dict[str, int]:
    """Create or update every region row; return counts of created and updated rows.

    ``region_model`` lets a migration pass its historical model.
    """
    if region_model is None:
        from regions.models import Region as region_model

    rows = read_region_rows(path)
    existing = {region.code: region for region in region_model.objects.all()}
    created = updated = 0
    # The file lists parents before children, so each parent exists when a child needs it.
    for row in rows:
        parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        values = {
            "level": row["level"],
            "name": row["name"],
            "parent_id": parent.pk if parent else None,
            "postal_code": row["postal_code"],
            "digits": row["code"].replace(".", ""),
        }
        region = existing.get(row["code"])
        if region is None:
            region = region_model.objects.create(code=row["code"], **values)
            existing[row["code"]] = region
            created += 1
        elif any(getattr(region, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(region, field, value)
            region.save()
            updated += 1
    logger.info("Regions loaded: %s created, %s updated", created, updated)
    return {"created": created, "updated": updated, "total": len(rows)}
