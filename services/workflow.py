"""The application state machine: which action moves an application from which state, and who
may take it.

::

    draft ──submit──> submitted ──verify──> verified ──forward──> forwarded ──approve──┐
      ^                  │  │                 │  │                  │ │                 v
      │                  │  └─────return──────┼──┼──────return──────┘ │             approved
      └──(edit) returned <──────────────────────┘  │                    │                 │ issue
         (submit again)  │                         └────approve (village level)──────────>│
                         │                                                                 v
    reject: submitted, verified (village) or forwarded (district/agency) ──> rejected   issued
    cancel: by the applicant before approval ──> cancelled

* The **village** (head or officer of the subject's village) verifies, returns, rejects and
  forwards; for a village-level service its **head** approves and signs.
* A **district**-level service goes, once verified, to the village's district: district staff
  return or reject it, the **district head** (camat) approves and signs.
* An **agency** service goes to the owning agency: agency staff return or reject it, the
  **agency head** approves and signs.
* **Issue** is not an action anyone takes: the approval issues the document (or, for a service
  without one, records that the service is done) in the same transaction, by the approver.

Every move locks the application row (``SELECT … FOR UPDATE``), so of two officers approving at
once, one wins and the other is told the application is already approved; it is written to the
history and the audit trail and timestamps the step. The regent reads everything and acts on
nothing here; every role not named above is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import AGENCY_ROLES, DISTRICT_ROLES, VILLAGE_ROLES, Role
from core import audit
from core.workdays import WorkCalendar, regency_date, regency_today
from services.models import PENDING_STATES, Application, ApplicationEvent, Level, State


class WorkflowError(Exception):
    """A step that cannot be taken; ``message`` says why, in words for the person who tried."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(WorkflowError):
    """The application is not in a state where this step can be taken (anymore)."""


class NotPermitted(WorkflowError, PermissionDenied):
    """The user's role or scope does not own this step. Views answer 403."""


class IncompleteStep(WorkflowError):
    """The step needs something the user did not give (a reason)."""


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    needs_note: bool = False
    # Taken by the applicant (resident) rather than by an office.
    by_applicant: bool = False


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("submit", gettext_lazy("Ajukan"), by_applicant=True),
        Action("cancel", gettext_lazy("Batalkan permohonan"), by_applicant=True),
        Action("verify", gettext_lazy("Verifikasi")),
        Action("forward", gettext_lazy("Teruskan")),
        Action("approve", gettext_lazy("Setujui dan tandatangani")),
        Action("return", gettext_lazy("Kembalikan untuk perbaikan"), needs_note=True),
        Action("reject", gettext_lazy("Tolak"), needs_note=True),
        Action("issue", gettext_lazy("Terbitkan")),
    )
}

#: Actions a person chooses on a page, in the order buttons are shown.
USER_ACTIONS = ("submit", "verify", "forward", "approve", "return", "reject", "cancel")

# The step's timestamp field on Application, by target state.
_TIMESTAMP = {
    State.SUBMITTED: "submitted_at",
    State.VERIFIED: "verified_at",
    State.FORWARDED: "forwarded_at",
    State.APPROVED: "approved_at",
    State.ISSUED: "issued_at",
    State.RETURNED: "returned_at",
    State.REJECTED: "rejected_at",
    State.CANCELLED: "cancelled_at",
}

# Who holds the file in each state: the applicant, the village office or the upper office.
APPLICANT, VILLAGE, UPPER = "applicant", "village", "upper"
_HOLDER = {
    State.DRAFT: APPLICANT,
    State.RETURNED: APPLICANT,
    State.SUBMITTED: VILLAGE,
    State.VERIFIED: VILLAGE,
    State.FORWARDED: UPPER,
}


def target_state(action: str, application: Application) -> State | None:
    """Where ``action`` takes the application from its current state, or None if nowhere."""
    state, level = application.state, application.service.level
    if action == "submit" and state in (State.DRAFT, State.RETURNED):
        return State.SUBMITTED
    if action == "cancel" and state in (
        State.DRAFT,
        State.RETURNED,
        State.SUBMITTED,
        State.VERIFIED,
        State.FORWARDED,
    ):
        return State.CANCELLED
    if action == "verify" and state == State.SUBMITTED:
        return State.VERIFIED
    if action == "forward" and state == State.VERIFIED and level != Level.VILLAGE:
        return State.FORWARDED
    if action == "approve" and (
        (state == State.VERIFIED and level == Level.VILLAGE)
        or (state == State.FORWARDED and level != Level.VILLAGE)
    ):
        return State.APPROVED
    if action in ("return", "reject") and state in (
        State.SUBMITTED,
        State.VERIFIED,
        State.FORWARDED,
    ):
        return State.RETURNED if action == "return" else State.REJECTED
    if action == "issue" and state == State.APPROVED:
        return State.ISSUED
    return None


# --------------------------------------------------------------------------- who may act


def is_applicant(user, application: Application) -> bool:
    return getattr(user, "role", None) == Role.RESIDENT and (
        user.resident_id is not None and user.resident_id == application.applicant_id
    )


def _is_village_staff(user, application: Application, *, head_only=False) -> bool:
    roles = {Role.VILLAGE_HEAD} if head_only else VILLAGE_ROLES
    return user.role in roles and user.region_id == application.village_id


def _is_upper_staff(user, application: Application, *, head_only=False) -> bool:
    level = application.service.level
    if level == Level.DISTRICT:
        roles = {Role.DISTRICT_HEAD} if head_only else DISTRICT_ROLES
        return user.role in roles and user.region_id == application.district_id
    if level == Level.AGENCY:
        roles = {Role.AGENCY_HEAD} if head_only else AGENCY_ROLES
        return user.role in roles and user.agency_id == application.agency_id
    return False


def _owner_refusal(action: str, user, application: Application) -> str | None:
    """None when the user owns ``action`` in the application's state, else why not."""
    if ACTIONS[action].by_applicant:
        if is_applicant(user, application):
            return None
        return _("Hanya pemohon yang dapat melakukan ini.")

    holder = _HOLDER.get(application.state)
    if action == "approve":
        if application.service.level == Level.VILLAGE:
            if _is_village_staff(user, application, head_only=True):
                return None
            return _("Hanya kepala desa/lurah %(village)s yang dapat menyetujui.") % {
                "village": application.village.name
            }
        if _is_upper_staff(user, application, head_only=True):
            return None
        if application.service.level == Level.DISTRICT:
            return _("Hanya camat %(district)s yang dapat menyetujui.") % {
                "district": application.district.name
            }
        return _("Hanya kepala %(agency)s yang dapat menyetujui.") % {
            "agency": application.agency.name
        }
    if holder == VILLAGE and _is_village_staff(user, application):
        return None
    if holder == UPPER and _is_upper_staff(user, application):
        return None
    if holder == VILLAGE:
        return _("Langkah ini milik kantor desa/kelurahan %(village)s.") % {
            "village": application.village.name
        }
    if holder == UPPER and application.service.level == Level.DISTRICT:
        return _("Langkah ini milik kantor kecamatan %(district)s.") % {
            "district": application.district.name
        }
    if holder == UPPER:
        return _("Langkah ini milik %(agency)s.") % {"agency": application.agency.name}
    return _("Tidak ada yang dapat melakukan langkah ini sekarang.")


def _has_a_part(user, application: Application) -> bool:
    """Whether the user takes any step of this application: its applicant or an office on its
    path. The regent and family members only read."""
    return (
        is_applicant(user, application)
        or _is_village_staff(user, application)
        or _is_upper_staff(user, application)
    )


def in_scope(user, application: Application) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Application.objects.visible_to(user).filter(pk=application.pk).exists()


def refusal(action: str, user, application: Application) -> WorkflowError | None:
    """The error taking ``action`` would raise, or None when it is allowed.

    Scope is checked first, so that someone outside it learns nothing about the application's
    state; then whether the user has any part in it; then the state (so of two officers acting
    at once, the second is told what happened); then the role that owns the step.
    """
    if action not in ACTIONS or action == "issue":
        return NotPermitted(_("Tindakan ini tidak dikenal."))
    if not in_scope(user, application):
        return NotPermitted(
            _(
                "Permohonan ini di luar wilayah atau instansi tugas Anda; Anda tidak dapat "
                "mengubahnya."
            )
        )
    if not _has_a_part(user, application):
        if user.role == Role.RESIDENT:
            return NotPermitted(_("Hanya pemohon yang dapat mengubah permohonan ini."))
        return NotPermitted(_("Anda dapat melihat permohonan ini, tetapi tidak dapat mengubahnya."))
    if target_state(action, application) is None:
        return TransitionNotAllowed(
            _(
                "Permohonan %(code)s sudah berstatus “%(state)s”; langkah “%(action)s” tidak "
                "dapat dilakukan lagi. Muat ulang halaman untuk melihat keadaan terbaru."
            )
            % {
                "code": application.tracking_code,
                "state": application.get_state_display(),
                "action": ACTIONS[action].label,
            }
        )
    reason = _owner_refusal(action, user, application)
    return NotPermitted(reason) if reason else None


def allowed_actions(user, application: Application) -> list[Action]:
    """The actions the user may take now, for showing only the buttons that will work."""
    if not in_scope(user, application):
        return []
    return [
        ACTIONS[name]
        for name in USER_ACTIONS
        if target_state(name, application) is not None
        and _owner_refusal(name, user, application) is None
    ]


# --------------------------------------------------------------------------- moving


def lock(application: Application | int) -> Application:
    """Re-read the application under a row lock. Call inside ``transaction.atomic()``."""
    pk = application if isinstance(application, int) else application.pk
    return Application.objects.select_for_update().get(pk=pk)


def _account_time(application: Application, now) -> None:
    """Add the time since the last step to the level that held the application."""
    holder = _HOLDER.get(application.state)
    if holder not in (VILLAGE, UPPER):
        return
    since = application.state_changed_at
    seconds = max(0, int((now - since).total_seconds()))
    days = WorkCalendar().working_days_between(regency_date(since), regency_date(now))
    if holder == VILLAGE:
        application.village_seconds += seconds
        application.village_working_days += days
    else:
        application.upper_seconds += seconds
        application.upper_working_days += days


def move(application: Application, action: str, user, *, note: str = "", request=None):
    """Take ``action`` on an application already locked by :func:`lock`; return the event.

    Checks scope, state and role (raising a :class:`WorkflowError`), updates the state and the
    step's timestamp, adds the time spent to the level that held it, writes the history and the
    audit trail, and sends the applicant a notification once the transaction commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move() must run inside transaction.atomic() after lock()")
    note = (note or "").strip()
    if action == "issue":
        # Only an approval leads here, by the approver, in the same transaction.
        if application.state != State.APPROVED:
            raise TransitionNotAllowed(_("Permohonan ini belum disetujui."))
    else:
        error = refusal(action, user, application)
        if error is not None:
            raise error
    if ACTIONS[action].needs_note and not note:
        raise IncompleteStep(_("Tuliskan alasannya agar pemohon tahu apa yang harus dilakukan."))

    now = timezone.now()
    from_state = application.state
    to_state = target_state(action, application)
    _account_time(application, now)
    application.state = to_state
    application.state_changed_at = now
    setattr(application, _TIMESTAMP[to_state], now)
    if action in ("return", "reject"):
        application.last_reason = note
    application.save()

    event = ApplicationEvent.objects.create(
        application=application,
        at=now,
        actor=user,
        actor_label=actor_label(user),
        actor_role=actor_role(user),
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
    audit.record(
        f"services.application.{to_state}",
        actor=user,
        target=application,
        summary=f"{application.tracking_code}: {from_state} -> {to_state}",
        request=request,
        service=application.service.code,
    )
    application_pk = application.pk
    transaction.on_commit(lambda: notify_applicant(application_pk, event.pk))
    return event


def actor_label(user) -> str:
    """How the history names who acted, never by NIK; the role goes apart (``actor_role``)."""
    if user is None:
        return ""
    name = user.get_full_name() or (user.resident.full_name if user.resident_id else "")
    return name or user.get_username()


def actor_role(user) -> str:
    """The role code the history shows beside the name, in the reader's language."""
    return (getattr(user, "role", "") or "") if user is not None else ""


def notify_applicant(application_pk: int, event_pk: int) -> None:
    """Tell the applicant what happened to their application (after the step committed).

    In the platform's default language (Indonesian), whatever language the officer's page is in.
    """
    from core.notifications import notify

    with translation.override(settings.LANGUAGE_CODE):
        _notify_applicant(application_pk, event_pk, notify)


def _notify_applicant(application_pk: int, event_pk: int, notify) -> None:
    event = (
        ApplicationEvent.objects.select_related("application__service", "application__applicant")
        .filter(pk=event_pk, application_id=application_pk)
        .first()
    )
    if event is None:
        return
    application = event.application
    subject = _("Permohonan %(code)s: %(state)s") % {
        "code": application.tracking_code,
        "state": event.get_to_state_display(),
    }
    body = application.service.name
    if event.note:
        body = _("%(service)s. Catatan: %(note)s") % {"service": body, "note": event.note}
    notify(application.applicant, subject, body, event=f"services.application.{event.to_state}")


# --------------------------------------------------------------------------- work queues


@dataclass(frozen=True)
class Queue:
    """A work list of the back office: what waits on the user's office at one kind of step."""

    key: str
    label: Promise
    description: Promise


QUEUES: dict[str, Queue] = {
    queue.key: queue
    for queue in (
        Queue(
            "verify",
            gettext_lazy("Untuk diverifikasi"),
            gettext_lazy("Diajukan warga, menunggu pemeriksaan kantor desa/kelurahan."),
        ),
        Queue(
            "forward",
            gettext_lazy("Untuk diteruskan"),
            gettext_lazy("Sudah diverifikasi, menunggu diteruskan ke kecamatan atau instansi."),
        ),
        Queue(
            "approve",
            gettext_lazy("Untuk disetujui"),
            gettext_lazy("Menunggu keputusan dan tanda tangan pimpinan."),
        ),
        Queue(
            "returned",
            gettext_lazy("Dikembalikan"),
            gettext_lazy("Dikembalikan kepada pemohon untuk perbaikan."),
        ),
        Queue(
            "overdue",
            gettext_lazy("Terlambat"),
            gettext_lazy("Masih diproses dan sudah melewati batas waktu layanan."),
        ),
    )
}


def _queue_conditions(user, today) -> dict[str, Q]:
    """The queues this user's role works on, each as a condition on applications already
    limited by ``Application.objects.visible_to(user)``."""
    role = getattr(user, "role", None)
    pending = Q(state__in=PENDING_STATES, due_date__lt=today)
    village_approval = Q(state=State.VERIFIED, service__level=Level.VILLAGE)
    if role in VILLAGE_ROLES:
        return {
            "verify": Q(state=State.SUBMITTED),
            "forward": Q(state=State.VERIFIED) & ~Q(service__level=Level.VILLAGE),
            "approve": village_approval,
            "returned": Q(state=State.RETURNED),
            "overdue": pending,
        }
    if role in DISTRICT_ROLES or role in AGENCY_ROLES:
        level = Level.DISTRICT if role in DISTRICT_ROLES else Level.AGENCY
        return {
            "approve": Q(state=State.FORWARDED, service__level=level),
            "returned": Q(state=State.RETURNED, service__level=level, forwarded_at__isnull=False),
            "overdue": pending & Q(service__level=level, forwarded_at__isnull=False),
        }
    if role == Role.REGENT:
        return {
            "verify": Q(state=State.SUBMITTED),
            "forward": Q(state=State.VERIFIED) & ~Q(service__level=Level.VILLAGE),
            "approve": village_approval
            | (Q(state=State.FORWARDED) & ~Q(service__level=Level.VILLAGE)),
            "returned": Q(state=State.RETURNED),
            "overdue": pending,
        }
    return {}


def queues_for(user) -> list[Queue]:
    """The work queues shown to this user, in order."""
    return [QUEUES[key] for key in _queue_conditions(user, regency_today())]


def queue_condition(user, key: str, today=None) -> Q | None:
    """The condition of one of the user's queues, or None when the user has no such queue."""
    return _queue_conditions(user, today or regency_today()).get(key)


def queue_counts(user, today=None) -> dict[str, int]:
    """How many applications wait in each of the user's queues: one query, whatever the size."""
    conditions = _queue_conditions(user, today or regency_today())
    if not conditions:
        return {}
    # Only waiting and returned applications are in any queue: filter on them first, so the
    # count reads a few thousand rows of the office's scope instead of a year of its work.
    return (
        Application.objects.visible_to(user)
        .filter(state__in=(*PENDING_STATES, State.RETURNED))
        .aggregate(**{key: Count("id", filter=condition) for key, condition in conditions.items()})
    )
