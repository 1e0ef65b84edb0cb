"""What the public may see of a complaint: the public list, the tracking page and Open311.

Never the reporter: no name, phone, e-mail, account or NIK. The text is shown with every
run of digits that could be a NIK, No. KK or phone number masked, and e-mail addresses
removed; an illegal-levy report shows no text at all, because its wording may identify the
reporter to the office it accuses.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Category, Complaint, State
from complaints.services import PROTECTED_CATEGORIES, office_label, reopen_days

_LONG_NUMBER = re.compile(r"(?:\+?\d[\d .-]{6,}\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def public_text(complaint: Complaint) -> str:
    if complaint.category in PROTECTED_CATEGORIES:
        return ""
    text = _EMAIL.sub("[…]", complaint.description)
    return _LONG_NUMBER.sub("[…]", text)


def open311_status(complaint: Complaint) -> str:
    """Open311 knows only open and closed.

    Resolved, closed and referred are closed (the office has answered); a duplicate is as
    open or closed as its original; every other state is open.
    """
    if complaint.state == State.DUPLICATE and complaint.duplicate_of_id:
        return open311_status(complaint.duplicate_of)
    if complaint.state in (State.RESOLVED, State.CLOSED, State.REFERRED):
        return "closed"
    return "open"


def status_notes(complaint: Complaint) -> str:
    """The richer internal state in words, for Open311's ``status_notes``."""
    label = str(State(complaint.state).label)
    if complaint.state == State.DUPLICATE and complaint.duplicate_of_id:
        return _("%(state)s: duplikat dari %(code)s.") % {
            "state": label,
            "code": complaint.duplicate_of.tracking_code,
        }
    if complaint.state == State.CLOSED and complaint.duplicate_of_id:
        return _("%(state)s bersama pengaduan asal %(code)s.") % {
            "state": label,
            "code": complaint.duplicate_of.tracking_code,
        }
    if complaint.state == State.REFERRED and complaint.referred_to:
        return _("%(state)s: %(to)s.") % {"state": label, "to": complaint.referred_to}
    return label


def reopen_open(complaint: Complaint) -> bool:
    """Whether the reporter may still reopen (and answer "was it resolved?")."""
    if complaint.state != State.RESOLVED or complaint.resolved_at is None:
        return False
    return timezone.now() <= complaint.resolved_at + datetime.timedelta(days=reopen_days())


@dataclass(frozen=True)
class PublicComplaint:
    tracking_code: str
    category: str
    category_label: str
    text: str
    village: str
    district: str
    office: str
    state: str
    state_label: str
    open311_status: str
    status_notes: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    due_at: datetime.datetime | None
    latitude: float | None
    longitude: float | None
    address: str


def public_view(complaint: Complaint) -> PublicComplaint:
    """The complaint as anyone may see it; ``select_related("village__parent", "agency")``."""
    village = complaint.village
    protected = complaint.category in PROTECTED_CATEGORIES
    return PublicComplaint(
        tracking_code=complaint.tracking_code,
        category=complaint.category,
        category_label=str(Category(complaint.category).label),
        text=public_text(complaint),
        village=village.name if village else "",
        district=village.parent.name if village else "",
        office=office_label(complaint),
        state=complaint.state,
        state_label=str(State(complaint.state).label),
        open311_status=open311_status(complaint),
        status_notes=status_notes(complaint),
        created_at=complaint.created_at,
        updated_at=complaint.updated_at,
        due_at=complaint.due_at,
        # An illegal-levy report's exact spot could point at the reporter's house.
        latitude=None if protected or complaint.latitude is None else float(complaint.latitude),
        longitude=None if protected or complaint.longitude is None else float(complaint.longitude),
        address="" if protected else complaint.address,
    )
