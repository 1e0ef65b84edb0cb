"""What a document says: the register's data, the form's answers, the filled template.

Pure assembly, no numbering or signing: :mod:`documents.services` uses it to issue and to
preview, the benchmark to render alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from documents.dates import format_date
from documents.models import DocumentType
from documents.placeholders import (
    STANDARD_PLACEHOLDERS,
    FormRows,
    Paragraph,
    Row,
    fill,
    parse_body,
)
from documents.rendering import Letter
from people.models import Resident
from regions.models import Level, Region

NO_NIK_TEXT = "belum memiliki NIK"
DEFAULT_PLACE = "Banyuwangi"
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def subject_values(subject: Resident | None) -> dict[str, str]:
    """The register's data of ``subject`` under the standard placeholder names, in Indonesian."""
    if subject is None:
        return {}
    family = subject.family
    village = subject.village
    district = village.parent if village.parent_id else None
    regency = district.parent if district is not None and district.parent_id else None
    with translation.override("id"):
        sex = str(subject.get_sex_display()) if subject.sex else ""
        religion = str(subject.get_religion_display()) if subject.religion else ""
        education = str(subject.get_education_display()) if subject.education else ""
        marital = str(subject.get_marital_status_display()) if subject.marital_status else ""
    birth_date = format_date(subject.birth_date)
    street = subject.address or (family.address if family else "")
    rt = subject.rt or (family.rt if family else "")
    rw = subject.rw or (family.rw if family else "")
    hamlet = subject.hamlet or (family.hamlet if family else "")
    village_word = "Kelurahan" if village.level == Level.URBAN_VILLAGE else "Desa"
    address_parts = [
        street,
        f"RT {rt}/RW {rw}" if rt or rw else "",
        # Registry addresses often name the hamlet already ("DUSUN SUMBERJO"): not twice.
        f"Dusun {hamlet}" if hamlet and hamlet.casefold() not in street.casefold() else "",
        f"{village_word} {village.name}",
        f"Kecamatan {district.name}" if district else "",
    ]
    return {
        "nama": subject.full_name,
        "nik": subject.nik or NO_NIK_TEXT,
        "no_kk": family.no_kk if family else "",
        "tempat_lahir": subject.birth_place,
        "tanggal_lahir": birth_date,
        "tempat_tanggal_lahir": ", ".join(
            part for part in (subject.birth_place, birth_date) if part
        ),
        "jenis_kelamin": sex,
        "agama": religion,
        "pekerjaan": subject.occupation,
        "pendidikan": education,
        "status_perkawinan": marital,
        "kewarganegaraan": "WNI",
        "alamat": ", ".join(part for part in address_parts if part),
        "rt": rt,
        "rw": rw,
        "dusun": hamlet,
        "desa": village.name,
        "kecamatan": district.name if district else "",
        "kabupaten": regency.name.removeprefix("Kabupaten ").strip() if regency else "",
    }


def display_value(value: Any) -> str:
    if isinstance(value, datetime):
        return format_date(value if timezone.is_aware(value) else value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, str) and _ISO_DATE_RE.fullmatch(value.strip()):
        try:
            return format_date(date.fromisoformat(value.strip()))
        except ValueError:
            return value
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, list | tuple):
        return ", ".join(display_value(item) for item in value)
    return "" if value is None else str(value).strip()


def build_blocks(
    body: str, *, subject: Resident | None, context: Mapping[str, Any]
) -> list[Paragraph | Row]:
    """The template body with every placeholder filled, ready to lay out."""
    form = {key: display_value(value) for key, value in (context.get("form") or {}).items()}
    labels = dict(context.get("form_labels") or {})
    values = subject_values(subject)
    for name in STANDARD_PLACEHOLDERS:
        if name in context and context[name] not in (None, ""):
            values[name] = display_value(context[name])
    values["keperluan"] = display_value(
        context.get("keperluan") or form.get("keperluan") or values.get("keperluan") or ""
    )

    blocks: list[Paragraph | Row] = []
    for block in parse_body(body):
        if isinstance(block, FormRows):
            blocks.extend(
                Row(str(labels.get(key) or key.replace("_", " ").capitalize()), value or "-")
                for key, value in form.items()
                if key != "keperluan"
            )
        elif isinstance(block, Row):
            blocks.append(Row(fill(block.label, values, form), fill(block.value, values, form)))
        else:
            blocks.append(Paragraph(fill(block.text, values, form)))
    return blocks


def office_place(office_code: str) -> str:
    """The place name printed before the date: the village or district, else the regency seat."""
    region = Region.objects.filter(code=office_code).only("name").first()
    return region.name if region is not None else DEFAULT_PLACE


def verification_url(token: str, request=None) -> str:
    """The public address printed under the QR code.

    ``settings.PUBLIC_BASE_URL`` when set (a deployment's public address); else the address
    the approving request came in on; else the local demo server.
    """
    path = reverse("documents:verify", args=[token])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return "http://127.0.0.1:8000" + path


def letter_for(
    *,
    document_type: DocumentType,
    blocks: Sequence[Paragraph | Row],
    office_code: str,
    office_name: str,
    letterhead_lines: Sequence[str],
    signer_name: str,
    signer_position: str,
    place: str,
    moment: datetime,
    number: str | None,
    url: str | None,
    draft: bool,
) -> Letter:
    return Letter(
        title=document_type.name,
        letterhead_lines=list(letterhead_lines),
        blocks=blocks,
        place=place or office_place(office_code),
        date_text=format_date(moment),
        signer_name=signer_name,
        signer_position=signer_position,
        office_name=office_name,
        number=number,
        verification_url=url,
        draft=draft,
        created_at=moment,
    )
