"""The service catalogue shipped with the project, and loading it.

``services/data/services.csv`` has one row per service; ``services/data/service-fields.csv``
one row per form field (``service,key,label,label_en,type,required,choices``, choices split by
``|``). Lists inside a cell (required documents, channels) are split by ``;``. ``fee`` is a
number of rupiah, or ``tarif`` when a regulation's tariff table sets it (``fee_basis`` then
names the regulation). ``services/data/README.md`` says where each row comes from.

The data migration loads the file into an empty catalogue; ``manage.py load_catalogue`` adds
services that are missing and, with ``--overwrite``, resets the others to the file. Staff edits
survive every run without ``--overwrite``.
"""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError

from services.formdef import validate_form_definition
from services.search import build_search_text

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
SERVICES_CSV = DATA_DIR / "services.csv"
FIELDS_CSV = DATA_DIR / "service-fields.csv"

LEVELS = ("village", "district", "agency")
CHANNELS = ("web", "kiosk", "app", "counter")
TARIFF = "tarif"


def version() -> str:
    """A key that changes whenever a service is added, removed or saved.

    Pages cache their rendering of the catalogue under it (``{% cache %}`` in
    ``services/catalogue.html``). It is read from the database, not kept in process memory, so
    every web worker sees a change at once: an edit through ``manage_edit`` or
    ``load_catalogue`` saves the service, which moves ``updated_at``.
    """
    from django.db.models import Count, Max

    from services.models import Service

    figures = Service.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    changed = figures["changed"].timestamp() if figures["changed"] else 0
    return f"{figures['count']}-{changed:.6f}"


class CatalogueError(ValueError):
    """A row of the catalogue files that cannot be loaded; the message names the line."""


def _split(cell: str, separator: str) -> list[str]:
    return [item.strip() for item in (cell or "").split(separator) if item.strip()]


def _fields_by_service(path: Path) -> dict[str, list[dict]]:
    fields: dict[str, list[dict]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["required"] not in ("0", "1"):
                raise CatalogueError(f"{path.name}:{line}: required must be 0 or 1")
            field = {
                "key": row["key"],
                "label": row["label"],
                "label_en": row["label_en"],
                "type": row["type"],
                "required": row["required"] == "1",
            }
            if row["choices"]:
                field["choices"] = _split(row["choices"], "|")
            fields[row["service"]].append(field)
    return fields


def read_catalogue(services_path: Path = SERVICES_CSV, fields_path: Path = FIELDS_CSV):
    """Parse and check both files; return one dict per service, ready for the model."""
    fields = _fields_by_service(fields_path)
    entries: list[dict] = []
    seen: set[str] = set()
    with services_path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{services_path.name}:{line} ({row['code']})"
            if row["code"] in seen:
                raise CatalogueError(f"{where}: code used twice")
            seen.add(row["code"])
            entries.append(_entry(row, fields.pop(row["code"], []), where))
    if fields:
        raise CatalogueError(f"{fields_path.name}: fields for unknown services {sorted(fields)}")
    return entries


def _entry(row: dict[str, str], form_definition: list[dict], where: str) -> dict:
    if row["level"] not in LEVELS:
        raise CatalogueError(f"{where}: level must be one of {LEVELS}")
    if row["level"] == "agency" and not row["agency"]:
        raise CatalogueError(f"{where}: an agency-level service needs an agency")
    channels = _split(row["channels"], ";")
    if not set(channels) <= set(CHANNELS):
        raise CatalogueError(f"{where}: channels must be among {CHANNELS}")
    if row["fee"].strip().lower() == TARIFF:
        fee = None
    else:
        try:
            fee = Decimal(row["fee"] or "0")
        except InvalidOperation as error:
            raise CatalogueError(f"{where}: fee must be a number or '{TARIFF}'") from error
    if (fee is None or fee != 0) and not row["fee_basis"].strip():
        raise CatalogueError(f"{where}: a fee that is not zero needs fee_basis (the regulation)")
    try:
        validate_form_definition(form_definition)
    except ValidationError as error:
        raise CatalogueError(f"{where}: {'; '.join(error.messages)}") from error
    return {
        "code": row["code"],
        "name": row["name"],
        "name_en": row["name_en"],
        "level": row["level"],
        "agency_code": row["agency"],
        "document_type_code": row["document_type"],
        "fee": fee,
        "fee_basis": row["fee_basis"],
        "sla_days": int(row["sla_days"]),
        "channels": channels,
        "required_documents": _split(row["required_documents"], ";"),
        "keywords": row["keywords"],
        "form_definition": form_definition,
    }


def load_catalogue(
    service_model=None,
    agency_model=None,
    document_type_model=None,
    *,
    overwrite: bool = False,
    services_path: Path = SERVICES_CSV,
    fields_path: Path = FIELDS_CSV,
) -> dict[str, int]:
    """Create the missing services (and with ``overwrite`` reset the others); return counts.

    Models may be a migration's historical models. Agencies and document types are looked up
    by code and must exist: a missing one stops the load with its name.
    """
    if service_model is None:
        from services.models import Service as service_model
    if agency_model is None:
        from agencies.models import Agency as agency_model
    if document_type_model is None:
        from documents.models import DocumentType as document_type_model

    entries = read_catalogue(services_path, fields_path)
    agencies = {agency.code: agency for agency in agency_model.objects.all()}
    document_types = {item.code: item for item in document_type_model.objects.all()}
    existing = {service.code: service for service in service_model.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "total": len(entries)}

    for entry in entries:
        values = dict(entry)
        code = values.pop("code")
        agency_code = values.pop("agency_code")
        type_code = values.pop("document_type_code")
        if agency_code and agency_code not in agencies:
            raise CatalogueError(f"{code}: unknown agency {agency_code!r}")
        if type_code and type_code not in document_types:
            raise CatalogueError(f"{code}: unknown document type {type_code!r}")
        agency = agencies.get(agency_code) if agency_code else None
        values["agency"] = agency
        values["document_type"] = document_types.get(type_code) if type_code else None
        values["search_text"] = build_search_text(
            values["name"],
            values["name_en"],
            code,
            values["keywords"],
            agency.name if agency else "",
            agency.short_name if agency else "",
        )

        service = existing.get(code)
        if service is None:
            service_model.objects.create(code=code, **values)
            counts["created"] += 1
        elif overwrite:
            for key, value in values.items():
                setattr(service, key, value)
            service.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    logger.info(
        "Catalogue loaded: %s created, %s updated, %s kept",
        counts["created"],
        counts["updated"],
        counts["unchanged"],
    )
    return counts
