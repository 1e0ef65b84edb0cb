"""Rules of the resident portal: the resident's applications, ratings, the public status page,
document look-up for the verification page, and what the kiosk shows."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role
from core import audit
from documents.models import IssuedDocument
from portal.models import ServiceRating
from services.models import Application, State

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# Tracking codes look like SK-7GQ4-K2MX; anything else is not looked up.
_TRACKING_CODE = re.compile(r"^SK-[A-Z2-9]{4}-[A-Z2-9]{4}$")
# A verification token is URL-safe base64 (documents.services.TOKEN_BYTES); at most 64 chars.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class RatingError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_resident(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "role", None) == Role.RESIDENT
        and user.resident_id
    )


# --------------------------------------------------------------------------- my applications


def my_applications(user, *, before_id: int | None = None) -> tuple[list[Application], int | None]:
    """A page of the applications the resident made (newest first) and the cursor of the next.

    Keyset pagination on the primary key: the same two queries whatever the number of rows.
    """
    if not is_resident(user):
        return [], None
    queryset = (
        Application.objects.visible_to(user)
        .filter(applicant_id=user.resident_id)
        .select_related("service", "subject", "document", "rating")
        .order_by("-id")
    )
    if before_id is not None:
        queryset = queryset.filter(id__lt=before_id)
    rows = list(queryset[: PAGE_SIZE + 1])
    next_cursor = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_cursor


def own_application_state(user, tracking_code: str) -> str | None:
    """The state of the resident's own application ``tracking_code``, or None."""
    if not is_resident(user):
        return None
    return (
        Application.objects.filter(tracking_code=tracking_code, applicant_id=user.resident_id)
        .values_list("state", flat=True)
        .first()
    )


# --------------------------------------------------------------------------- ratings


def rateable_application(user, tracking_code: str) -> Application | None:
    """The resident's own finished application with this code, or None."""
    if not is_resident(user):
        return None
    return (
        Application.objects.visible_to(user)
        .filter(tracking_code=tracking_code, applicant_id=user.resident_id)
        .select_related("service")
        .first()
    )


def rate_application(
    application: Application, user, *, score: int, comment: str = "", request=None
) -> ServiceRating:
    """Record the applicant's one rating of a finished application."""
    if not is_resident(user) or application.applicant_id != user.resident_id:
        raise RatingError(_("Hanya pemohon yang dapat menilai layanan ini."))
    if application.state != State.ISSUED:
        raise RatingError(_("Layanan dapat dinilai setelah permohonan selesai."))
    if not 1 <= int(score) <= 5:
        raise RatingError(_("Nilai harus 1 sampai 5."))
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                application=application, rated_by=user, score=score, comment=comment.strip()
            )
            audit.record(
                "portal.rating.created",
                actor=user,
                target=application,
                summary=f"{application.tracking_code} {score}",
                request=request,
            )
    except IntegrityError as error:
        raise RatingError(_("Permohonan ini sudah Anda nilai. Terima kasih.")) from error
    return rating


# --------------------------------------------------------------------------- public status


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding a tracking code may see: no name, no NIK, no answers."""

    tracking_code: str
    service_name: str
    state: str
    state_label: str
    submitted_at: datetime | None
    due_date: object
    finished_at: datetime | None
    state_changed_at: datetime | None


def normalise_tracking_code(text: str) -> str:
    compact = re.sub(r"[\s]", "", text or "").upper()
    if len(compact) == 10 and compact.startswith("SK") and "-" not in compact:
        compact = f"SK-{compact[2:6]}-{compact[6:]}"
    return compact


def public_status(tracking_code: str) -> PublicStatus | None:
    code = normalise_tracking_code(tracking_code)
    if not _TRACKING_CODE.match(code):
        return None
    application = (
        Application.objects.filter(tracking_code=code)
        .exclude(state=State.DRAFT)
        .select_related("service")
        .first()
    )
    if application is None:
        return None
    finished = application.issued_at or application.rejected_at or application.cancelled_at
    return PublicStatus(
        tracking_code=application.tracking_code,
        service_name=application.service.display_name,
        state=application.state,
        state_label=application.get_state_display(),
        submitted_at=application.submitted_at,
        due_date=application.due_date,
        finished_at=finished,
        state_changed_at=application.state_changed_at,
    )


# --------------------------------------------------------------------------- verification


def token_from_code(text: str) -> str | None:
    """The verification token typed or pasted: the bare code or the whole address of the QR."""
    text = (text or "").strip()
    if "/verifikasi/" in text:
        text = text.split("/verifikasi/", 1)[1].split("?", 1)[0].strip("/")
    return text if _TOKEN.match(text) else None


def document_for_pdf(data: bytes) -> IssuedDocument | None:
    """The issued document that is byte for byte this PDF, or None."""
    digest = hashlib.sha256(data).hexdigest()
    return (
        IssuedDocument.objects.filter(sha256=digest, is_external=False)
        .exclude(verification_token__isnull=True)
        .first()
    )


# --------------------------------------------------------------------------- kiosk


def printable_documents(user) -> QuerySet[IssuedDocument]:
    """Issued PDFs the resident may print at the kiosk: their own and their family's."""
    if not is_resident(user):
        return IssuedDocument.objects.none()
    return (
        IssuedDocument.objects.visible_to(user)
        .filter(is_external=False, revoked_at__isnull=True)
        .exclude(pdf="")
        .select_related("document_type")
        .order_by("-issued_at", "-id")
    )
