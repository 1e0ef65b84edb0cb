"""Issuing, previewing, revoking and verifying documents; editing their templates.

The workflow (``services`` app) decides *when* a document is issued and calls
:func:`issue_document` inside the transaction that approves the application. This module
decides *how*: the next number of the office's series under a row lock, the body from the
active template, the PDF, the office's signature, the stored file and its SHA-256.

``context`` passed to :func:`issue_document` and :func:`render_preview`:

* ``"keperluan"``: the purpose given by the resident (also read from ``form["keperluan"]``);
* ``"form"``: the application's answers, ``{key: value}``; shown through ``{form.<key>}`` and,
  all of them but ``keperluan``, through ``{data_permohonan}``;
* ``"form_labels"``: ``{key: label}`` for ``{data_permohonan}`` (default: the key);
* any standard placeholder name (``"nama"``, ``"alamat"``, …) to print instead of the
  register's value, e.g. for an official letter without a subject.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import secrets
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core import audit
from documents import content, numbering, signing
from documents.models import (
    CheckResult,
    DocumentTemplate,
    DocumentType,
    IssuedDocument,
    VerificationCheck,
)
from documents.placeholders import validate_body
from documents.rendering import render_letter
from people.models import Resident
from people.nik import mask_nik

logger = logging.getLogger(__name__)

#: 24 random bytes: 192 bits, printed as 32 URL-safe characters.
TOKEN_BYTES = 24
# Roles whose holders sign, and so may revoke, what their office issued.
REVOKING_ROLES = frozenset({Role.VILLAGE_HEAD, Role.DISTRICT_HEAD, Role.AGENCY_HEAD})


class DocumentError(Exception):
    """A refusal with a message meant for the user who asked."""


class TemplateMissing(DocumentError):
    pass


class NumberAlreadyUsed(DocumentError):
    pass


class NumberingConflict(DocumentError):
    pass


class AlreadyRevoked(DocumentError):
    pass


# --------------------------------------------------------------------------- templates


def active_template(document_type: DocumentType) -> DocumentTemplate:
    template = document_type.templates.filter(is_active=True).first()
    if template is None:
        raise TemplateMissing(
            _("Jenis dokumen %(type)s belum mempunyai templat aktif.")
            % {"type": document_type.name}
        )
    return template


def save_template(
    *,
    document_type: DocumentType,
    body: str,
    created_by=None,
    form_keys: Iterable[str] | None = None,
    request=None,
) -> DocumentTemplate:
    """Save ``body`` as the type's next template version and make it the active one.

    Raises ``ValidationError`` naming every unknown placeholder (``form_keys``, when given,
    limits ``{form.<key>}`` to the fields of the form the documents are filled from). Earlier
    versions stay, because issued documents point at the version they were made from.
    """
    body = body.replace("\r\n", "\n").strip()
    validate_body(body, form_keys)
    with transaction.atomic():
        # Lock the type so that two editors saving at once get versions n+1 and n+2.
        DocumentType.objects.select_for_update().get(pk=document_type.pk)
        latest = document_type.templates.aggregate(latest=Max("version"))["latest"] or 0
        document_type.templates.filter(is_active=True).update(is_active=False)
        template = DocumentTemplate(
            document_type=document_type,
            version=latest + 1,
            body=body,
            created_by=created_by,
            is_active=True,
        )
        template.full_clean()
        template.save()
        audit.record(
            "documents.template.saved",
            actor=created_by,
            target=template,
            summary=f"{document_type.code} v{template.version}",
            request=request,
        )
    return template


# --------------------------------------------------------------------------- issuing


def issue_document(
    *,
    document_type: DocumentType,
    subject: Resident | None,
    office_code: str,
    office_name: str,
    letterhead_lines: Sequence[str],
    signer,
    signer_name: str,
    signer_position: str,
    context: Mapping[str, Any],
    issued_at: datetime | None = None,
    place: str = "",
    request=None,
) -> IssuedDocument:
    """Number, render, sign and store one document; return it saved.

    Runs in the caller's transaction when there is one (the approval of an application), so
    a failure anywhere gives the number back. ``letterhead_lines`` go from the top: the
    government levels, the office (printed largest) and, last, its address (printed small).
    The number's month and year, and the date printed, are those of ``issued_at`` (default:
    now) in the regency's time zone.
    """
    arguments = {
        "document_type": document_type,
        "subject": subject,
        "office_code": office_code,
        "office_name": office_name,
        "letterhead_lines": letterhead_lines,
        "signer": signer,
        "signer_name": signer_name,
        "signer_position": signer_position,
        "context": context,
        "issued_at": issued_at or timezone.now(),
        "place": place,
        "request": request,
    }
    connection = transaction.get_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return _issue(**arguments)

    # SQLite has one writer at a time: a concurrent issue may wait longer than its busy
    # timeout. Nothing of a failed attempt survives its rollback, so trying again is safe.
    deadline = time.monotonic() + getattr(settings, "DOCUMENTS_SQLITE_RETRY_SECONDS", 120)
    attempt = 0
    while True:
        attempt += 1
        try:
            return _issue(**arguments)
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            logger.info(
                "Database busy while issuing at %s (attempt %s): %s", office_code, attempt, error
            )
            time.sleep(random.uniform(0.01, 0.05) * min(attempt, 10))


def _issue(
    *,
    document_type: DocumentType,
    subject: Resident | None,
    office_code: str,
    office_name: str,
    letterhead_lines: Sequence[str],
    signer,
    signer_name: str,
    signer_position: str,
    context: Mapping[str, Any],
    issued_at: datetime,
    place: str,
    request,
) -> IssuedDocument:
    if document_type.has_subject and subject is None and not context.get("nama"):
        raise ValueError(f"document type {document_type.code} needs a subject")
    year = numbering.local_time(issued_at).year
    template = active_template(document_type)
    blocks = content.build_blocks(template.body, subject=subject, context=context)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    url = content.verification_url(token, request)
    place = place or content.office_place(office_code)
    # Loading (or creating) the office's key is slow the first time: not under the lock.
    credentials = signing.office_credentials(office_code, office_name)
    subject_name = (
        subject.full_name if subject is not None else content.display_value(context.get("nama", ""))
    )

    stored_name = None
    try:
        with transaction.atomic():
            series = numbering.lock_series(
                office_code=office_code, series_key=document_type.series_key, year=year
            )
            sequence = numbering.take_next_sequence(series)
            number = numbering.format_number(
                document_type.effective_format,
                classification=document_type.classification,
                sequence=sequence,
                office_code=office_code,
                moment=issued_at,
            )
            letter = content.letter_for(
                document_type=document_type,
                blocks=blocks,
                office_code=office_code,
                office_name=office_name,
                letterhead_lines=letterhead_lines,
                signer_name=signer_name,
                signer_position=signer_position,
                place=place,
                moment=issued_at,
                number=number,
                url=url,
                draft=False,
            )
            signed = signing.sign_pdf(
                render_letter(letter),
                credentials,
                signer_name=signer_name,
                reason=f"{document_type.name} {number}",
                location=place,
            )
            document = IssuedDocument(
                document_type=document_type,
                template=template,
                number=number,
                series=series,
                sequence=sequence,
                year=year,
                subject=subject,
                subject_name=subject_name,
                subject_nik_masked=mask_nik(subject.nik) if subject is not None else "",
                office_code=office_code,
                office_name=office_name,
                signer=signer if getattr(signer, "pk", None) else None,
                signer_name=signer_name,
                signer_position=signer_position,
                issued_at=issued_at,
                sha256=hashlib.sha256(signed).hexdigest(),
                verification_token=token,
            )
            stem = signing.office_file_stem(office_code)
            document.pdf.save(
                f"{year}/{stem}/{uuid.uuid4().hex}.pdf", ContentFile(signed), save=False
            )
            stored_name = document.pdf.name
            _save_numbered(document)
            audit.record(
                "documents.document.issued",
                actor=signer,
                target=document,
                summary=number,
                request=request,
                document_type=document_type.code,
                office_code=office_code,
            )
    except BaseException:
        if stored_name:
            IssuedDocument._meta.get_field("pdf").storage.delete(stored_name)
        raise
    # If the caller's transaction rolls back later, the file stays without a row; the
    # prune_document_files command removes such files.
    logger.info(
        "Issued document %s (%s) at %s",
        document.number,
        document_type.code,
        office_code,
        extra={"document_id": document.pk, "office_code": office_code},
    )
    return document


def _save_numbered(document: IssuedDocument) -> None:
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as error:
        if IssuedDocument.objects.filter(number=document.number).exists():
            raise NumberingConflict(
                _(
                    "Nomor %(number)s sudah dipakai dokumen lain dari seri berbeda. Atur agar "
                    "jenis dokumen dengan klasifikasi yang sama memakai seri bersama."
                )
                % {"number": document.number}
            ) from error
        raise


def render_preview(
    *,
    document_type: DocumentType,
    subject: Resident | None,
    office_name: str,
    letterhead_lines: Sequence[str],
    signer_name: str,
    signer_position: str,
    context: Mapping[str, Any],
    office_code: str = "",
    place: str = "",
    when: datetime | None = None,
) -> bytes:
    """A draft PDF: the same layout, marked "DRAF — belum berlaku", without number and QR code.

    Nothing is numbered, signed or stored.
    """
    template = active_template(document_type)
    letter = content.letter_for(
        document_type=document_type,
        blocks=content.build_blocks(template.body, subject=subject, context=context),
        office_code=office_code,
        office_name=office_name,
        letterhead_lines=letterhead_lines,
        signer_name=signer_name,
        signer_position=signer_position,
        place=place,
        moment=when or timezone.now(),
        number=None,
        url=None,
        draft=True,
    )
    return render_letter(letter)


def register_external_number(
    *,
    office_code: str,
    series_key: str,
    year: int,
    sequence: int,
    document_type: DocumentType,
    office_name: str = "",
    issued_at: datetime | None = None,
    subject: Resident | None = None,
    subject_name: str = "",
    registered_by=None,
    number: str = "",
    request=None,
) -> IssuedDocument:
    """Record a number issued outside the platform (a paper register, another system).

    Refused when the position is already used in the series; the next automatic number
    continues after the highest position used. The document has no PDF and no verification
    page.
    """
    if series_key != document_type.series_key:
        raise ValueError(f"{document_type.code} is numbered in series {document_type.series_key}")
    if issued_at is None:
        now = timezone.now()
        local_now = numbering.local_time(now)
        issued_at = (
            now
            if local_now.year == year
            else datetime(year, 12, 31, 12, tzinfo=numbering.document_time_zone())
        )
    if numbering.local_time(issued_at).year != year:
        raise ValueError("issued_at lies outside the series year")
    number = number or numbering.format_number(
        document_type.effective_format,
        classification=document_type.classification,
        sequence=sequence,
        office_code=office_code,
        moment=issued_at,
    )
    refusal = _("Nomor urut %(sequence)s tahun %(year)s sudah terdaftar pada seri ini.") % {
        "sequence": f"{sequence:04}",
        "year": year,
    }
    with transaction.atomic():
        series = numbering.lock_series(office_code=office_code, series_key=series_key, year=year)
        try:
            numbering.reserve_sequence(series, sequence)
        except numbering.NumberTaken as error:
            raise NumberAlreadyUsed(refusal) from error
        document = IssuedDocument(
            document_type=document_type,
            number=number,
            series=series,
            sequence=sequence,
            year=year,
            subject=subject,
            subject_name=subject.full_name if subject is not None else subject_name,
            subject_nik_masked=mask_nik(subject.nik) if subject is not None else "",
            office_code=office_code,
            office_name=office_name,
            issued_at=issued_at,
            is_external=True,
        )
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError as error:
            raise NumberAlreadyUsed(refusal) from error
        audit.record(
            "documents.number.registered",
            actor=registered_by,
            target=document,
            summary=number,
            request=request,
        )
    return document


# --------------------------------------------------------------------------- revoking


def can_revoke(user, document: IssuedDocument) -> bool:
    """The regency administrator, or the head of the office that issued the document."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.REGENT:
        return True
    if user.role not in REVOKING_ROLES:
        return False
    if user.role == Role.AGENCY_HEAD:
        return user.agency_id is not None and user.agency.code == document.office_code
    return user.region_id is not None and user.region.code == document.office_code


def revoke_document(document: IssuedDocument, *, by, reason: str, request=None) -> IssuedDocument:
    """Mark the document revoked, with a reason the verification page shows."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan pencabutan."), code="reason_required")
    if not can_revoke(by, document):
        raise PermissionDenied(_("Hanya pimpinan kantor penerbit yang dapat mencabut dokumen ini."))
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.revoked_at is not None:
            raise AlreadyRevoked(_("Dokumen %(number)s sudah dicabut.") % {"number": locked.number})
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revoke_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record(
            "documents.document.revoked",
            actor=by,
            target=locked,
            summary=locked.number,
            request=request,
            reason=reason[:200],
        )
    logger.info("Revoked document %s", locked.number, extra={"document_id": locked.pk})
    for field in ("revoked_at", "revoked_by", "revoke_reason"):
        setattr(document, field, getattr(locked, field))
    return document


# --------------------------------------------------------------------------- verifying


def token_hash_prefix(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:12]


def verify_token(token: str) -> IssuedDocument | None:
    """The issued document behind a verification token, or None."""
    if not token or len(token) > 64:
        return None
    return (
        IssuedDocument.objects.filter(verification_token=token, is_external=False)
        .select_related("document_type")
        .first()
    )


def verify_pdf_bytes(document: IssuedDocument, data: bytes) -> bool:
    """True when ``data`` is byte for byte the PDF that was issued."""
    if not document.sha256:
        return False
    return hmac.compare_digest(hashlib.sha256(data).hexdigest(), document.sha256)


def record_check(
    *, token: str, document: IssuedDocument | None, result: str, request=None
) -> VerificationCheck:
    """Log one look-up on the public page (a hash prefix of the token, never the token)."""
    if result not in CheckResult.values:
        raise ValueError(result)
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    return VerificationCheck.objects.create(
        token_hash_prefix=token_hash_prefix(token),
        document=document,
        result=result,
        ip_address=address or None,
    )


def read_pdf(document: IssuedDocument) -> bytes:
    if not document.pdf:
        raise DocumentError(_("Dokumen ini tidak mempunyai berkas PDF."))
    with document.pdf.open("rb") as handle:
        return handle.read()
