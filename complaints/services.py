"""Business rules of complaints: intake, routing, the state machine, replies and escalation.

Views, the API, Open311 and the ``escalate_complaints`` command call these functions; nothing
else changes a complaint. Each change locks the complaint row, checks the rule, writes the
history (``ComplaintEvent``) and the audit trail, and tells the reporter when they can be told.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from accounts.roles import AGENCY_ROLES, DISTRICT_ROLES, VILLAGE_ROLES, Role
from complaints import photos as photo_files
from complaints.models import (
    OPEN_STATES,
    PROTECTED_CATEGORIES,
    REPORTER,
    SYSTEM,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    EscalationLevel,
    Open311Key,
    RoutingRule,
    ServiceLevel,
    State,
)
from core import audit
from core.notifications import notify
from core.workdays import add_working_days, regency_date
from regions.models import Region

logger = logging.getLogger(__name__)

DESCRIPTION_MIN = 10
# Open311 GeoReport v2 allows 4,000 characters; every channel keeps the same limit.
DESCRIPTION_MAX = 4000
MAX_PHOTOS = 5
#: The lowest text similarity (0–100) shown as a possible duplicate before triage.
SIMILAR_MIN_SCORE = 60
#: Working days an office has per category when the regent has not set a service level.
DEFAULT_SERVICE_DAYS = {
    Category.SERVICE_DELAY: 3,
    Category.ILLEGAL_LEVY: 5,
    Category.INFRASTRUCTURE: 14,
    Category.SOCIAL_ASSISTANCE: 7,
    Category.HEALTH: 3,
    Category.POPULATION_DATA: 5,
    Category.OTHER: 7,
}

# Which state may follow which, for staff. Reopening and closing have their own functions.
STAFF_TRANSITIONS = {
    State.NEW: {State.ASSIGNED, State.IN_PROGRESS, State.REFERRED, State.DUPLICATE},
    State.ASSIGNED: {State.IN_PROGRESS, State.RESOLVED, State.REFERRED, State.DUPLICATE},
    State.IN_PROGRESS: {State.RESOLVED, State.REFERRED, State.DUPLICATE},
    State.REOPENED: {State.IN_PROGRESS, State.RESOLVED, State.REFERRED, State.DUPLICATE},
    State.RESOLVED: {State.CLOSED},
}
#: Staff transitions that must say why (the reporter reads the note).
NOTE_REQUIRED = {State.RESOLVED, State.REFERRED}


# Control characters (NUL above all: PostgreSQL refuses it) have no place in any text here.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(**texts: str) -> None:
    """``ValidationError`` naming every field whose text holds a control character."""
    errors = {
        field: _("Berisi karakter yang tidak diizinkan.")
        for field, text in texts.items()
        if text and _CONTROL_CHARACTERS.search(text)
    }
    if errors:
        raise ValidationError(errors)


class ComplaintError(ValidationError):
    """A complaint rule refused the step; ``message`` says why, in the user's language."""


class NotPermitted(ComplaintError):
    pass


class TransitionNotAllowed(ComplaintError):
    pass


def reopen_days() -> int:
    """Calendar days after resolution in which the reporter may reopen (setting, default 14)."""
    return int(getattr(settings, "COMPLAINTS_REOPEN_DAYS", 14))


def service_days(category: str) -> int:
    row = ServiceLevel.objects.filter(category=category).values_list("working_days", flat=True)
    found = row.first()
    return found if found is not None else DEFAULT_SERVICE_DAYS.get(category, 7)


def due_after(moment: datetime.datetime, category: str) -> datetime.datetime:
    """The end of the office day ``service_days`` working days after ``moment`` (WIB)."""
    due_date = add_working_days(regency_date(moment), service_days(category))
    end_of_day = datetime.datetime.combine(due_date, datetime.time(23, 59, 59))
    return timezone.make_aware(end_of_day, timezone.get_default_timezone())


# --------------------------------------------------------------------------- who is who


def is_staff(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None)
        in ({Role.REGENT} | DISTRICT_ROLES | VILLAGE_ROLES | AGENCY_ROLES)
    )


def may_take_calls(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.CALL_CENTRE)


def may_edit_routing(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.REGENT)


def may_handle(user, complaint: Complaint) -> bool:
    """Staff who may move the complaint: in scope and on the right side of the routing.

    The office it is routed to (agency, or the village office when no agency), the district
    head and the regent. Village staff cannot handle a complaint routed to an agency.
    """
    if not is_staff(user):
        return False
    if not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists():
        return False
    if user.role in VILLAGE_ROLES:
        return complaint.agency_id is None
    return True


def shows_reporter(user, complaint: Complaint) -> bool:
    """Whether ``user`` may see who reported.

    An illegal-levy report accuses an office; only the regent sees its reporter, so the office
    complained about never learns who it was. Other complaints: staff who can see them.
    """
    if complaint.is_anonymous:
        return False
    if complaint.category in PROTECTED_CATEGORIES:
        return bool(user.is_authenticated and user.role == Role.REGENT)
    return is_staff(user) and Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()


def office_label(complaint: Complaint) -> str:
    """Who answers the complaint: its agency, its village office, or the district/regency."""
    return complaint.office_label


def actor_of(user) -> tuple[str, str]:
    """(role, office) for the public timeline: never a name. The role is a code, shown in the
    reader's language (``ComplaintEvent.actor_display``); the office a region's or an agency's
    name."""
    if user is None or not user.is_authenticated or user.role == Role.RESIDENT:
        return REPORTER, ""
    if user.role in AGENCY_ROLES and user.agency_id:
        return user.role, str(user.agency)
    if user.region_id:
        return user.role, user.region.name
    return user.role, ""


# --------------------------------------------------------------------------- intake


@dataclass
class Intake:
    """What a reporter tells us, from any channel, before it is checked."""

    category: str
    description: str
    village: Region | None = None
    latitude: object = None
    longitude: object = None
    address: str = ""
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""


def _coordinate(value, name: str, limit: int, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[name] = _("Harus berupa angka desimal.")
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[name] = _("Harus di antara -%(limit)d dan %(limit)d.") % {"limit": limit}
        return None
    return number.quantize(Decimal("0.000001"))


def check_intake(intake: Intake) -> tuple[Decimal | None, Decimal | None]:
    """Raise ``ValidationError`` by field for anything wrong; the clean coordinates."""
    refuse_control_characters(
        description=intake.description,
        address=intake.address,
        reporter_name=intake.reporter_name,
        reporter_phone=intake.reporter_phone,
        reporter_email=intake.reporter_email,
    )
    errors: dict[str, str] = {}
    if intake.category not in Category.values:
        errors["category"] = _("Kategori pengaduan tidak dikenal.")
    description = (intake.description or "").strip()
    if len(description) < DESCRIPTION_MIN:
        errors["description"] = _("Ceritakan pengaduan Anda minimal %(n)d karakter.") % {
            "n": DESCRIPTION_MIN
        }
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _(
            "Isi pengaduan paling banyak %(n)d karakter (terkirim %(got)d)."
        ) % {
            "n": DESCRIPTION_MAX,
            "got": len(description),
        }
    latitude = _coordinate(intake.latitude, "latitude", 90, errors)
    longitude = _coordinate(intake.longitude, "longitude", 180, errors)
    one_missing = (latitude is None) != (longitude is None)
    if one_missing and "latitude" not in errors and "longitude" not in errors:
        errors["longitude" if longitude is None else "latitude"] = _(
            "Lintang dan bujur harus diisi bersama."
        )
    if intake.anonymous and intake.category not in PROTECTED_CATEGORIES:
        errors["anonymous"] = _("Hanya pengaduan pungutan liar yang boleh tanpa identitas.")
    if intake.village is not None and not intake.village.is_village:
        errors["village"] = _("Pilih satu desa/kelurahan.")
    if len(intake.address) > 255:
        errors["address"] = _("Lokasi paling banyak 255 karakter.")
    if len(intake.reporter_name) > 150:
        errors["reporter_name"] = _("Nama paling banyak 150 karakter.")
    if len(intake.reporter_phone) > 20:
        errors["reporter_phone"] = _("Nomor HP paling banyak 20 karakter.")
    if intake.reporter_email:
        try:
            validate_email(intake.reporter_email)
        except ValidationError:
            errors["reporter_email"] = _("Alamat surel tidak valid.")
    if errors:
        raise ValidationError(errors)
    return latitude, longitude


def _village_of_reporter(user) -> Region | None:
    """A reporter's own village: a resident's from the register, a kiosk's its village."""
    if user is None or not user.is_authenticated:
        return None
    if user.role == Role.RESIDENT and user.resident_id:
        return user.resident.village
    if user.role == Role.KIOSK and user.region_id:
        return user.region
    return None


def find_rule(category: str, village: Region | None) -> RoutingRule | None:
    """The most specific routing rule: for the village, else its district, else regency-wide."""
    rules = RoutingRule.objects.filter(category=category).select_related("agency")
    if village is None:
        return rules.filter(village__isnull=True, district__isnull=True).first()
    candidates = rules.filter(
        Q(village=village)
        | Q(village__isnull=True, district_id=village.parent_id)
        | Q(village__isnull=True, district__isnull=True)
    )
    ranked = sorted(
        candidates, key=lambda rule: (rule.village_id is None, rule.district_id is None)
    )
    return ranked[0] if ranked else None


def _route(complaint: Complaint) -> None:
    """Send the complaint to an agency or its village office, following the routing rules.

    Without a rule it goes to the village office, except an illegal-levy report, which waits
    for the district head or the regent to send it on (its service level runs all the same).
    """
    rule = find_rule(complaint.category, complaint.village)
    complaint.agency = rule.agency if rule is not None else None
    if rule is None and complaint.category in PROTECTED_CATEGORIES:
        # Never to the village office by default: it may be the office complained about.
        complaint.state = State.NEW
    elif complaint.agency_id or complaint.village_id:
        complaint.state = State.ASSIGNED
    else:
        complaint.state = State.NEW  # no village and no agency: the regent sorts it out


def submit_complaint(
    intake: Intake,
    *,
    channel: str,
    user=None,
    photo_uploads: Iterable = (),
    request=None,
) -> Complaint:
    """Take a complaint from any channel, route it and start its service level.

    The village comes from the form, else from the reporter (a resident's village, a
    kiosk's); with neither, the form asks for it (``ValidationError`` on ``village``). Only
    Open311, whose clients send coordinates, may leave it empty: the regent then sorts it.
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Saluran tidak dikenal.")})
    if channel == Channel.CALL_CENTRE and not may_take_calls(user):
        raise NotPermitted(_("Hanya operator call center yang mencatat pengaduan telepon."))
    if intake.village is None:
        intake.village = _village_of_reporter(user)
    latitude, longitude = check_intake(intake)
    # TODO: find the village from lat/long once village boundaries are loaded (none yet).
    if intake.village is None and channel != Channel.OPEN311:
        raise ValidationError(
            {"village": _("Di desa/kelurahan mana kejadiannya? Pilih desa/kelurahan.")}
        )
    signed_resident = user is not None and user.is_authenticated and user.role == Role.RESIDENT
    nameless = not (intake.reporter_name.strip() or intake.reporter_phone.strip())
    walk_in = channel in (Channel.CALL_CENTRE, Channel.KIOSK) and not signed_resident
    if walk_in and nameless and not intake.anonymous:
        raise ValidationError(
            {"reporter_name": _("Isi nama atau nomor HP pelapor, atau pilih anonim.")}
        )
    checked_photos = [photo_files.check_photo(upload) for upload in photo_uploads]
    if len(checked_photos) > MAX_PHOTOS:
        raise ValidationError({"photo": _("Paling banyak %(n)d foto.") % {"n": MAX_PHOTOS}})

    reporter_user = user if signed_resident else None
    complaint = Complaint(
        category=intake.category,
        description=intake.description.strip(),
        channel=channel,
        village=intake.village,
        latitude=latitude,
        longitude=longitude,
        address=intake.address.strip(),
        is_anonymous=intake.anonymous,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    if not intake.anonymous:
        complaint.reporter_user = reporter_user
        complaint.reporter_resident = reporter_user.resident if reporter_user else None
        resident = complaint.reporter_resident
        complaint.reporter_name = intake.reporter_name.strip() or (
            resident.full_name if resident else ""
        )
        complaint.reporter_phone = intake.reporter_phone.strip() or (
            (user.phone or (resident.phone if resident else "")) if reporter_user else ""
        )
        complaint.reporter_email = intake.reporter_email.strip()
    elif channel != Channel.OPEN311:
        # Anonymous means nothing is kept, not even the account; the code is the only link.
        complaint.created_by = user if channel == Channel.CALL_CENTRE else None

    with transaction.atomic():
        _route(complaint)
        now = timezone.now()
        complaint.due_at = due_after(now, complaint.category)
        complaint.save()
        for photo in checked_photos:
            ComplaintPhoto.objects.create(
                complaint=complaint,
                path=photo_files.store(photo),
                content_type=photo.content_type,
                size=len(photo.content),
                sha256=photo.sha256,
                width=photo.width,
                height=photo.height,
            )
        if channel == Channel.CALL_CENTRE:
            _event(complaint, user, "create", "", State.NEW)
        else:
            _event(complaint, None, "create", "", State.NEW, by_reporter=True)
        if complaint.state != State.NEW:
            _event(complaint, None, "route", State.NEW, complaint.state, office_label(complaint))
        audit.record(
            "complaints.complaint.created",
            actor=user if complaint.created_by_id else None,
            target=complaint,
            summary=f"{complaint.tracking_code} {complaint.category} via {channel}",
            request=request,
            channel=channel,
        )
    logger.info("Complaint %s taken via %s", complaint.tracking_code, channel)
    _tell_reporter(
        complaint,
        _("Pengaduan %(code)s diterima") % {"code": complaint.tracking_code},
        _("Simpan kode ini untuk melacak pengaduan Anda.") + " " + _key_line(complaint),
        "complaints.complaint.created",
    )
    return complaint


def _event(complaint, user, action, from_state, to_state, note="", *, by_reporter=False):
    if by_reporter:
        role, office = REPORTER, ""
    else:
        role, office = actor_of(user) if user is not None else (SYSTEM, "")
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=user if user is not None and user.is_authenticated else None,
        actor_label=office,
        actor_role=role,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


# --------------------------------------------------------------------------- the reporter's key


def reporter_key(complaint: Complaint) -> str:
    """The reporter's answer key ("K7Q2M-9XDAB"): with it, and only with it or signed in as the
    reporter, the tracking page takes "resolved" or "reopen" for this complaint.

    The tracking code is public (the public list shows every one), so it proves nothing.
    The key is derived from the complaint and the server's secret key (nothing stored):
    given on the page after filing and in every message to the reporter.
    """
    digest = salted_hmac(
        "smartkampung.complaints.reporter_key",
        f"{complaint.pk}:{complaint.tracking_code}",
        algorithm="sha256",
    ).digest()
    text = base64.b32encode(digest).decode()[:10]
    return f"{text[:5]}-{text[5:]}"


def is_reporter(complaint: Complaint, *, user=None, key: str = "") -> bool:
    """Whether this request speaks for the complaint's reporter: the resident who filed it,
    signed in, or anyone holding its key."""
    if user is not None and user.is_authenticated and user.role == Role.RESIDENT:
        if complaint.reporter_user_id and complaint.reporter_user_id == user.pk:
            return True
        if complaint.reporter_resident_id and complaint.reporter_resident_id == user.resident_id:
            return True
    given = "".join(char for char in str(key or "").upper() if char.isalnum())
    expected = reporter_key(complaint).replace("-", "")
    return bool(given) and constant_time_compare(given, expected)


def _key_line(complaint: Complaint) -> str:
    return _(
        "Kunci jawaban: %(key)s. Dengan kunci ini, di halaman lacak pengaduan, Anda menjawab "
        "apakah masalahnya sudah teratasi."
    ) % {"key": reporter_key(complaint)}


def _tell_reporter(complaint: Complaint, subject: str, body: str, event: str) -> None:
    if complaint.is_anonymous:
        return
    recipient = complaint.reporter_user or complaint.reporter_resident
    if recipient is None and complaint.reporter_phone:
        recipient = _Phone(complaint.reporter_phone)
    if recipient is not None:
        notify(recipient, subject, body, event=event)


@dataclass
class _Phone:
    phone: str


# --------------------------------------------------------------------------- staff steps


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _require_handler(user, complaint: Complaint) -> None:
    if not may_handle(user, complaint):
        raise NotPermitted(_("Anda tidak berwenang menangani pengaduan ini."))


def transition(
    complaint: Complaint,
    *,
    user,
    to_state: str,
    note: str = "",
    referred_to: str = "",
    request=None,
) -> Complaint:
    """Move a complaint to ``to_state`` as staff, if the rules allow it.

    A resolved complaint never goes back to work through here: that takes :func:`reopen`
    with a reason. Duplicates go through :func:`mark_duplicate`.
    """
    _require_handler(user, complaint)
    note = (note or "").strip()
    refuse_control_characters(note=note, referred_to=referred_to)
    with transaction.atomic():
        current = _locked(complaint)
        allowed = STAFF_TRANSITIONS.get(current.state, set())
        if to_state not in allowed or to_state == State.DUPLICATE:
            if current.state == State.RESOLVED and to_state in OPEN_STATES:
                raise TransitionNotAllowed(
                    _(
                        "Pengaduan yang sudah selesai hanya dapat dikerjakan lagi lewat "
                        "“Buka kembali” dengan alasan."
                    )
                )
            raise TransitionNotAllowed(
                _("Status %(from)s tidak dapat diubah menjadi %(to)s.")
                % {"from": State(current.state).label, "to": _label(to_state)}
            )
        if to_state in NOTE_REQUIRED and not note:
            raise ValidationError({"note": _("Tuliskan penjelasan untuk pelapor.")})
        if to_state == State.REFERRED:
            referred_to = (referred_to or "").strip()[:200]
            if not referred_to:
                raise ValidationError({"referred_to": _("Sebutkan instansi tujuan rujukan.")})
            current.referred_to = referred_to
        from_state = current.state
        current.state = to_state
        now = timezone.now()
        if to_state == State.RESOLVED:
            current.resolved_at = now
            current.reporter_confirmed = None
        if to_state == State.CLOSED:
            current.closed_at = now
        current.save()
        _event(current, user, "transition", from_state, to_state, note)
        audit.record(
            "complaints.complaint.transition",
            actor=user,
            target=current,
            summary=f"{current.tracking_code} {from_state} → {to_state}",
            request=request,
        )
        if to_state == State.CLOSED:
            _close_duplicates(current, user)
    if to_state == State.RESOLVED:
        _tell_reporter(
            current,
            _("Pengaduan %(code)s selesai ditangani") % {"code": current.tracking_code},
            _(
                "Apakah masalah Anda sudah teratasi? Jawab di halaman lacak pengaduan dalam "
                "%(days)d hari; jika belum, Anda dapat membukanya kembali."
            )
            % {"days": reopen_days()}
            + " "
            + _key_line(complaint),
            "complaints.complaint.resolved",
        )
    return current


def _label(state: str) -> str:
    return State(state).label if state in State.values else state


def mark_duplicate(complaint: Complaint, *, user, original: Complaint, request=None) -> Complaint:
    """Link a complaint to the one it repeats; it closes when the original closes."""
    _require_handler(user, complaint)
    if original.pk == complaint.pk:
        raise ValidationError({"original": _("Pengaduan tidak dapat menjadi duplikat dirinya.")})
    if not Complaint.objects.visible_to(user).filter(pk=original.pk).exists():
        raise ValidationError({"original": _("Pengaduan asal tidak ditemukan.")})
    # Always point at the root, so a chain of duplicates closes together.
    while original.duplicate_of_id:
        original = original.duplicate_of
    with transaction.atomic():
        current = _locked(complaint)
        if State.DUPLICATE not in STAFF_TRANSITIONS.get(current.state, set()):
            raise TransitionNotAllowed(_("Pengaduan ini tidak dapat ditandai duplikat."))
        from_state = current.state
        current.duplicate_of = original
        current.state = State.DUPLICATE
        note = _("Duplikat dari %(code)s.") % {"code": original.tracking_code}
        if original.state == State.CLOSED:
            current.state = State.CLOSED
            current.closed_at = timezone.now()
        current.save()
        _event(current, user, "duplicate", from_state, current.state, note)
        audit.record(
            "complaints.complaint.duplicate",
            actor=user,
            target=current,
            summary=f"{current.tracking_code} duplicate of {original.tracking_code}",
            request=request,
        )
    return current


def _close_duplicates(original: Complaint, user) -> None:
    """Close every complaint marked as a duplicate of ``original``, naming it."""
    now = timezone.now()
    for duplicate in original.duplicates.select_for_update().filter(state=State.DUPLICATE):
        duplicate.state = State.CLOSED
        duplicate.closed_at = now
        duplicate.save(update_fields=["state", "closed_at", "updated_at"])
        _event(
            duplicate,
            user,
            "close",
            State.DUPLICATE,
            State.CLOSED,
            _("Ditutup bersama pengaduan asal %(code)s.") % {"code": original.tracking_code},
        )


def reopen(
    complaint: Complaint, *, user=None, reason: str, by_reporter: bool = False, request=None
):
    """Open a resolved complaint again; the reason is required.

    The reporter (who holds the tracking code) may do so within :func:`reopen_days` of the
    resolution; staff handling the complaint may do so at any time before it is closed.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tuliskan alasan membuka kembali.")})
    refuse_control_characters(reason=reason)
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Alasan paling banyak 2000 karakter.")})
    if not by_reporter:
        _require_handler(user, complaint)
    with transaction.atomic():
        current = _locked(complaint)
        if current.state != State.RESOLVED:
            raise TransitionNotAllowed(_("Hanya pengaduan yang selesai dapat dibuka kembali."))
        now = timezone.now()
        if by_reporter and current.resolved_at + datetime.timedelta(days=reopen_days()) < now:
            raise TransitionNotAllowed(
                _("Batas %(days)d hari untuk membuka kembali sudah lewat.")
                % {"days": reopen_days()}
            )
        current.state = State.REOPENED
        current.resolved_at = None
        current.reporter_confirmed = False if by_reporter else current.reporter_confirmed
        current.due_at = due_after(now, current.category)
        current.escalation_level = EscalationLevel.NONE
        current.save()
        _event(
            current,
            None if by_reporter else user,
            "reopen",
            State.RESOLVED,
            State.REOPENED,
            reason,
            by_reporter=by_reporter,
        )
        audit.record(
            "complaints.complaint.reopened",
            actor=None if by_reporter else user,
            target=current,
            summary=f"{current.tracking_code} reopened",
            request=request,
            by_reporter=by_reporter,
        )
    return current


def confirm_resolved(complaint: Complaint, *, request=None) -> Complaint:
    """The reporter says the problem is solved: the complaint closes (with its duplicates)."""
    with transaction.atomic():
        current = _locked(complaint)
        if current.state != State.RESOLVED:
            raise TransitionNotAllowed(_("Pengaduan ini belum selesai ditangani."))
        current.state = State.CLOSED
        current.closed_at = timezone.now()
        current.reporter_confirmed = True
        current.save()
        _event(
            current,
            None,
            "confirm",
            State.RESOLVED,
            State.CLOSED,
            _("Masalah sudah teratasi."),
            by_reporter=True,
        )
        audit.record(
            "complaints.complaint.confirmed",
            target=current,
            summary=f"{current.tracking_code} confirmed by reporter",
            request=request,
        )
        _close_duplicates(current, None)
    return current


def reply_digest(body: str) -> str:
    return hashlib.sha256(" ".join(body.split()).encode()).hexdigest()


def post_reply(
    complaint: Complaint, *, user, body: str, request=None
) -> tuple[ComplaintEvent, bool]:
    """A staff reply to the reporter; the same text from the same officer is stored once.

    Returns the reply and whether it is new (False for a double submit).
    """
    _require_handler(user, complaint)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Balasan tidak boleh kosong.")})
    refuse_control_characters(body=body)
    if len(body) > DESCRIPTION_MAX:
        raise ValidationError(
            {"body": _("Balasan paling banyak %(n)d karakter.") % {"n": DESCRIPTION_MAX}}
        )
    digest = reply_digest(body)
    existing = ComplaintEvent.objects.filter(
        complaint=complaint, actor=user, is_reply=True, reply_digest=digest
    ).first()
    if existing is not None:
        return existing, False
    role, office = actor_of(user)
    try:
        with transaction.atomic():
            event = ComplaintEvent.objects.create(
                complaint=complaint,
                actor=user,
                actor_label=office,
                actor_role=role,
                action="reply",
                note=body,
                is_reply=True,
                reply_digest=digest,
            )
            audit.record(
                "complaints.complaint.replied",
                actor=user,
                target=complaint,
                summary=complaint.tracking_code,
                request=request,
            )
    except IntegrityError:
        # Two submits raced each other; the first one stored the reply.
        return ComplaintEvent.objects.get(
            complaint=complaint, actor=user, is_reply=True, reply_digest=digest
        ), False
    _tell_reporter(
        complaint,
        _("Balasan untuk pengaduan %(code)s") % {"code": complaint.tracking_code},
        body,
        "complaints.complaint.replied",
    )
    return event, True


def add_photo(complaint: Complaint, *, upload, user, request=None) -> ComplaintPhoto:
    """A photo added later by the reporter (signed in) or by staff handling the complaint."""
    is_reporter = complaint.reporter_user_id is not None and complaint.reporter_user_id == user.pk
    if not is_reporter:
        _require_handler(user, complaint)
    if complaint.state not in OPEN_STATES:
        raise TransitionNotAllowed(_("Foto hanya dapat ditambahkan selama pengaduan terbuka."))
    if complaint.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"photo": _("Paling banyak %(n)d foto.") % {"n": MAX_PHOTOS}})
    checked = photo_files.check_photo(upload)
    with transaction.atomic():
        item = ComplaintPhoto.objects.create(
            complaint=complaint,
            path=photo_files.store(checked),
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            width=checked.width,
            height=checked.height,
        )
        audit.record(
            "complaints.photo.added",
            actor=user,
            target=complaint,
            summary=complaint.tracking_code,
            request=request,
        )
    return item


def update_complaint(
    complaint: Complaint,
    *,
    user,
    category: str,
    village: Region | None,
    agency=None,
    request=None,
) -> Complaint:
    """Staff triage: correct the category or the village; the complaint is routed again.

    ``agency`` sends it to that agency instead of the one the routing rules name; only
    district and regency staff choose, since village staff handle their own office's work.
    """
    _require_handler(user, complaint)
    if category not in Category.values:
        raise ValidationError({"category": _("Kategori pengaduan tidak dikenal.")})
    if village is not None and not village.is_village:
        raise ValidationError({"village": _("Pilih satu desa/kelurahan.")})
    with transaction.atomic():
        current = _locked(complaint)
        if current.state not in OPEN_STATES:
            raise TransitionNotAllowed(_("Pengaduan yang sudah selesai tidak dapat diubah."))
        before = (current.category, current.village_id, current.agency_id)
        current.category = category
        current.village = village or current.village
        from_state = current.state
        _route(current)
        if agency is not None:
            if user.role in VILLAGE_ROLES:
                raise NotPermitted(_("Petugas desa tidak dapat meneruskan ke instansi."))
            current.agency = agency
            current.state = State.ASSIGNED
        same_office = before[2] == current.agency_id and before[1] == current.village_id
        if from_state in (State.IN_PROGRESS, State.REOPENED) and same_office:
            current.state = from_state  # same office: keep working on it
        current.save()
        _event(current, user, "update", from_state, current.state, office_label(current))
        audit.record(
            "complaints.complaint.updated",
            actor=user,
            target=current,
            summary=f"{current.tracking_code} {before[0]} → {category}",
            request=request,
        )
    return current


def delete_complaint(complaint: Complaint, *, user, request=None) -> None:
    """Only the regent deletes a complaint (spam, tests); the audit trail keeps the fact."""
    if not may_edit_routing(user):
        raise NotPermitted(_("Hanya bupati/admin kabupaten yang dapat menghapus pengaduan."))
    with transaction.atomic():
        code = complaint.tracking_code
        if complaint.duplicates.exists():
            raise TransitionNotAllowed(_("Pengaduan ini menjadi asal duplikat lain."))
        audit.record(
            "complaints.complaint.deleted",
            actor=user,
            target=complaint,
            summary=code,
            request=request,
        )
        complaint.delete()


# --------------------------------------------------------------------------- triage help


def similar_complaints(complaint: Complaint, *, user, limit: int = 5, days: int = 90):
    """Complaints in the same village and category from the last ``days`` days, by similar text.

    Staff look at these before triage to spot duplicates. Scored with RapidFuzz's token-sort
    ratio (word order does not matter); only scores of 60 and up are kept.
    """
    if complaint.village_id is None:
        return []
    since = complaint.created_at - datetime.timedelta(days=days)
    candidates = (
        Complaint.objects.visible_to(user)
        .filter(village_id=complaint.village_id, category=complaint.category, created_at__gte=since)
        .exclude(pk=complaint.pk)
        .only("id", "tracking_code", "description", "state", "created_at", "category")
        .order_by("-created_at")[:200]
    )
    text = complaint.description.lower()
    scored = []
    for other in candidates:
        score = fuzz.token_sort_ratio(text, other.description.lower())
        if score >= SIMILAR_MIN_SCORE:
            scored.append((score, other))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [(round(score), other) for score, other in scored[:limit]]


# --------------------------------------------------------------------------- escalation


def _district_head(district_id: int | None):
    from accounts.models import User

    if district_id is None:
        return None
    return (
        User.objects.filter(role=Role.DISTRICT_HEAD, region_id=district_id, is_active=True)
        .order_by("id")
        .first()
    )


def _regents():
    from accounts.models import User

    return User.objects.filter(role=Role.REGENT, is_active=True).order_by("id")


@dataclass
class EscalationReport:
    to_district_head: int = 0
    to_regent: int = 0
    auto_closed: int = 0

    def as_dict(self) -> dict:
        return {
            "to_district_head": self.to_district_head,
            "to_regent": self.to_regent,
            "auto_closed": self.auto_closed,
        }


def escalate_overdue(
    *, now: datetime.datetime | None = None, progress: Callable | None = None
) -> EscalationReport:
    """Escalate every open complaint past its due time one level up; run periodically.

    Level 0 → the district head (with a fresh service level), level 1 → the regent. A
    district without an active district head (or a complaint without a village) goes
    straight to the regent: an overdue complaint never stops silently. Also closes
    resolved complaints whose reopening window has passed without an answer.
    """
    now = now or timezone.now()
    report = EscalationReport()
    overdue = list(
        Complaint.objects.open()
        .filter(due_at__lt=now, escalation_level__lt=EscalationLevel.REGENT)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)
    )
    for done, pk in enumerate(overdue, start=1):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if complaint.state not in OPEN_STATES or complaint.due_at >= now:
                continue
            district_id = complaint.village.parent_id if complaint.village_id else None
            head = _district_head(district_id)
            if complaint.escalation_level == EscalationLevel.NONE and head is not None:
                level, recipients = EscalationLevel.DISTRICT_HEAD, [head]
                report.to_district_head += 1
            else:
                level, recipients = EscalationLevel.REGENT, list(_regents())
                report.to_regent += 1
                if not recipients:
                    logger.error("Complaint %s overdue and no active regent account", pk)
            complaint.escalation_level = level
            complaint.escalated_at = now
            complaint.due_at = due_after(now, complaint.category)
            complaint.save(
                update_fields=["escalation_level", "escalated_at", "due_at", "updated_at"]
            )
            note = _("Melewati batas waktu; dieskalasi ke %(to)s.") % {
                "to": EscalationLevel(level).label
            }
            _event(complaint, None, "escalate", complaint.state, complaint.state, note)
            audit.record(
                "complaints.complaint.escalated",
                target=complaint,
                summary=f"{complaint.tracking_code} → level {int(level)}",
                level=int(level),
            )
        for recipient in recipients:
            notify(
                recipient,
                _("Pengaduan %(code)s terlambat") % {"code": complaint.tracking_code},
                note,
                event="complaints.complaint.escalated",
            )
        if progress is not None:
            progress(done, len(overdue))
    report.auto_closed = close_unanswered_resolutions(now=now)
    logger.info("Complaint escalation: %s", report.as_dict())
    return report


def close_unanswered_resolutions(*, now: datetime.datetime | None = None) -> int:
    """Close resolved complaints whose reporter did not reopen them within the window."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=reopen_days())
    closed = 0
    for pk in Complaint.objects.filter(state=State.RESOLVED, resolved_at__lt=limit).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=pk)
            if complaint.state != State.RESOLVED:
                continue
            complaint.state = State.CLOSED
            complaint.closed_at = now
            complaint.save(update_fields=["state", "closed_at", "updated_at"])
            _event(
                complaint,
                None,
                "close",
                State.RESOLVED,
                State.CLOSED,
                _("Ditutup otomatis: tidak dibuka kembali dalam %(days)d hari.")
                % {"days": reopen_days()},
            )
            _close_duplicates(complaint, None)
            closed += 1
    return closed


# --------------------------------------------------------------------------- routing rules


def save_routing_rule(
    *, user, category: str, district: Region | None, village: Region | None, agency, request=None
) -> RoutingRule:
    """Create or replace the rule for (category, district, village); the regent only."""
    if not may_edit_routing(user):
        raise NotPermitted(_("Hanya bupati/admin kabupaten yang dapat mengubah aturan penerusan."))
    if village is not None:
        district = village.parent
    rule, _created = RoutingRule.objects.update_or_create(
        category=category, district=district, village=village, defaults={"agency": agency}
    )
    audit.record(
        "complaints.routing_rule.saved",
        actor=user,
        target=rule,
        summary=f"{category} → {agency or 'village office'}",
        request=request,
    )
    return rule


def delete_routing_rule(rule: RoutingRule, *, user, request=None) -> None:
    if not may_edit_routing(user):
        raise NotPermitted(_("Hanya bupati/admin kabupaten yang dapat mengubah aturan penerusan."))
    audit.record("complaints.routing_rule.deleted", actor=user, target=rule, request=request)
    rule.delete()


def save_service_level(*, user, category: str, working_days: int, request=None) -> ServiceLevel:
    if not may_edit_routing(user):
        raise NotPermitted(_("Hanya bupati/admin kabupaten yang dapat mengubah tingkat layanan."))
    if category not in Category.values:
        raise ValidationError({"category": _("Kategori pengaduan tidak dikenal.")})
    if not 1 <= int(working_days) <= 90:
        raise ValidationError({"working_days": _("Antara 1 dan 90 hari kerja.")})
    level, _created = ServiceLevel.objects.update_or_create(
        category=category, defaults={"working_days": int(working_days)}
    )
    audit.record(
        "complaints.service_level.saved",
        actor=user,
        target=level,
        summary=f"{category}: {working_days}",
        request=request,
    )
    return level


def issue_open311_key(name: str) -> tuple[Open311Key, str]:
    """A new Open311 API key: the record (hash only) and the key itself, shown once."""
    import secrets

    # Hex, not URL-safe base64: a key (and its prefix, typed to revoke it) never starts with
    # "-", which a command line would take for an option.
    raw = secrets.token_hex(32)
    key = Open311Key.objects.create(
        name=name[:100], prefix=raw[:8], key_hash=hashlib.sha256(raw.encode()).hexdigest()
    )
    audit.record("complaints.open311_key.issued", target=key, summary=f"{key.name} {key.prefix}")
    return key, raw
