"""Load the document types shipped in ``data/document_types.csv``, each with a first template.

Used by the data migration and by ``manage.py load_document_types``. The CSV lists the 42
village letters of the regency's letter catalogue (the same codes as the service catalogue),
official letters, district letters and the agency documents, with their archive
classification, numbering series and the sentence that makes each letter what it is
(``statement``). The body of version 1 is built from that sentence and the usual blocks of an
Indonesian certificate letter. Running the loader again never touches a template staff have
edited: it only adds what is missing (and, with ``update=True``, refreshes type names and
classifications).
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from documents.placeholders import validate_body

logger = logging.getLogger(__name__)

DOCUMENT_TYPES_CSV = Path(__file__).resolve().parent / "data" / "document_types.csv"

IDENTITY_ROWS = """Nama | {nama}
NIK | {nik}
Tempat/tanggal lahir | {tempat_tanggal_lahir}
Jenis kelamin | {jenis_kelamin}
Agama | {agama}
Status perkawinan | {status_perkawinan}
Pekerjaan | {pekerjaan}
Kewarganegaraan | {kewarganegaraan}
Alamat | {alamat}"""

CLOSING = (
    "Demikian surat ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya."
)

OFFICIAL_BODIES = {
    "perintah-perjalanan-dinas": (
        "Yang bertanda tangan di bawah ini memberi perintah perjalanan dinas dengan rincian "
        "sebagai berikut:\n\n{data_permohonan}\n\nDemikian surat perintah ini dibuat untuk "
        "dilaksanakan dengan penuh tanggung jawab."
    ),
}
GENERIC_OFFICIAL_BODY = "Perihal | {form.perihal}\n\n{form.isi}\n\n{data_permohonan}"


def default_body(row: dict[str, str]) -> str:
    if row["has_subject"] != "1":
        return OFFICIAL_BODIES.get(row["code"], GENERIC_OFFICIAL_BODY)
    return "\n\n".join(
        [
            "Yang bertanda tangan di bawah ini menerangkan bahwa:",
            IDENTITY_ROWS,
            row["statement"],
            "{data_permohonan}",
            CLOSING,
        ]
    )


def read_rows(path: Path = DOCUMENT_TYPES_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_document_types(
    type_model=None, template_model=None, *, path: Path = DOCUMENT_TYPES_CSV, update: bool = False
) -> dict[str, int]:
    """Create missing types and first templates; return counts. Models may be historical."""
    if type_model is None or template_model is None:
        from documents.models import DocumentTemplate as template_model
        from documents.models import DocumentType as type_model

    rows = read_rows(path)
    existing = {item.code: item for item in type_model.objects.all()}
    with_template = set(
        template_model.objects.values_list("document_type__code", flat=True).distinct()
    )
    counts = {"types_created": 0, "types_updated": 0, "templates_created": 0}
    for row in rows:
        values = {
            "name": row["name"],
            "name_en": row["name_en"],
            "classification": row["classification"],
            "numbering_series_key": row["numbering_series_key"],
            "issuer_level": row["issuer_level"],
            "has_subject": row["has_subject"] == "1",
        }
        document_type = existing.get(row["code"])
        if document_type is None:
            document_type = type_model.objects.create(code=row["code"], **values)
            counts["types_created"] += 1
        elif update and any(getattr(document_type, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(document_type, key, value)
            document_type.save()
            counts["types_updated"] += 1
        if row["code"] not in with_template:
            body = default_body(row)
            validate_body(body)
            template_model.objects.create(
                document_type=document_type, version=1, body=body, is_active=True
            )
            counts["templates_created"] += 1
    logger.info(
        "Document types loaded: %s created, %s updated, %s templates created",
        counts["types_created"],
        counts["types_updated"],
        counts["templates_created"],
    )
    return counts
