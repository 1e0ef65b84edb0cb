"""Complaints from every channel, the rules that route them, and the Open311 API keys.

The business rules (intake, routing, the state machine, escalation) live in
:mod:`complaints.services`; these models only hold the data and the role scope.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.roles import AGENCY_ROLES, VILLAGE_ROLES, Role, role_label
from people.models import region_filter


class Category(models.TextChoices):
    SERVICE_DELAY = "service_delay", _("Keterlambatan layanan")
    ILLEGAL_LEVY = "illegal_levy", _("Pungutan liar (pungli)")
    INFRASTRUCTURE = "infrastructure", _("Infrastruktur")
    SOCIAL_ASSISTANCE = "social_assistance", _("Bantuan sosial")
    HEALTH = "health", _("Kesehatan")
    POPULATION_DATA = "population_data", _("Data kependudukan")
    OTHER = "other", _("Lainnya")


class State(models.TextChoices):
    NEW = "new", _("Baru")
    ASSIGNED = "assigned", _("Diteruskan ke petugas")
    IN_PROGRESS = "in_progress", _("Sedang ditangani")
    RESOLVED = "resolved", _("Selesai ditangani")
    CLOSED = "closed", _("Ditutup")
    REOPENED = "reopened", _("Dibuka kembali")
    DUPLICATE = "duplicate", _("Duplikat")
    REFERRED = "referred", _("Dirujuk ke instansi lain")


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    APP = "app", _("Aplikasi Android")
    KIOSK = "kiosk", _("Anjungan desa")
    CALL_CENTRE = "call_centre", _("Call center 112")
    OPEN311 = "open311", _("Open311")


#: Categories whose reporter may stay anonymous and whose identity only the regent sees. They
#: accuse an office, most often the village office, so village staff never see them and no
#: rule sends them to a village office by default.
PROTECTED_CATEGORIES = frozenset({Category.ILLEGAL_LEVY})

#: States in which an office still owes the reporter an answer (the service level runs).
OPEN_STATES = (State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED)


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Belum dieskalasi")
    DISTRICT_HEAD = 1, _("Camat")
    REGENT = 2, _("Bupati")


_TRACKING_CODE = re.compile(r"[A-Z0-9-]{1,16}")
_REGION_CODE = re.compile(r"[0-9.]{1,13}")


def looks_like_tracking_code(value: str) -> bool:
    """Whether ``value`` could be a tracking code; anything else is not looked up at all."""
    return bool(_TRACKING_CODE.fullmatch(value or ""))


def looks_like_region_code(value: str) -> bool:
    return bool(_REGION_CODE.fullmatch(value or ""))


def new_tracking_code() -> str:
    """``AD-7GQ4-K2MX``: read aloud over the phone, no 0/O or 1/I/L, 40 bits of randomness."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"AD-{body[:4]}-{body[4:]}"


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Complaints the user may open. Every staff page and the API go through here.

        Village staff see their village's complaints except illegal-levy reports (which
        may accuse them), district staff their district's, agency staff those routed to their
        agency, the regent all; a call-centre operator the ones they took down; a resident
        their own. Fails closed for every other role.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        role = getattr(user, "role", None)
        if role == Role.RESIDENT:
            return self.filter(reporter_user=user)
        if role == Role.CALL_CENTRE:
            return self.filter(created_by=user)
        if role in AGENCY_ROLES:
            return self.filter(agency_id=user.agency_id) if user.agency_id else self.none()
        if role == Role.TASK_FORCE:
            return self.none()
        condition = region_filter(user, "village")
        if condition is None:
            return self.none()
        if role in VILLAGE_ROLES:
            return self.filter(condition).exclude(category__in=PROTECTED_CATEGORIES)
        return self.filter(condition)

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Complaint(models.Model):
    """One complaint, whatever channel it came in by."""

    tracking_code = models.CharField(
        _("kode lacak"), max_length=16, unique=True, default=new_tracking_code
    )
    category = models.CharField(_("kategori"), max_length=24, choices=Category.choices)
    description = models.TextField(_("isi pengaduan"))
    channel = models.CharField(_("saluran"), max_length=16, choices=Channel.choices)
    state = models.CharField(
        _("status"), max_length=16, choices=State.choices, default=State.NEW, db_index=True
    )

    # Where: the village is required to route; coordinates and address are optional.
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("desa/kelurahan"),
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("lokasi"), max_length=255, blank=True)

    # Who: never shown on public pages; for an anonymous illegal-levy report nothing is kept.
    is_anonymous = models.BooleanField(_("anonim"), default=False)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints_reported",
        verbose_name=_("akun pelapor"),
    )
    reporter_resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("penduduk pelapor"),
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("nomor HP pelapor"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("surel pelapor"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints_taken",
        verbose_name=_("dicatat oleh"),
    )

    # Routing: an agency, or (no agency) the village office of ``village``.
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("instansi penanggung jawab"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplikat dari"),
    )
    referred_to = models.CharField(_("dirujuk ke"), max_length=200, blank=True)

    # Service level and escalation.
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("tingkat eskalasi"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    escalated_at = models.DateTimeField(_("dieskalasi pada"), null=True, blank=True)

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    # The reporter's answer to "was it resolved?": None until they answer.
    reporter_confirmed = models.BooleanField(_("pelapor menyatakan selesai"), null=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        indexes = [
            models.Index(fields=["village", "category", "created_at"], name="complaint_similar"),
            models.Index(fields=["state", "due_at"], name="complaint_overdue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="duplicate") | models.Q(duplicate_of__isnull=False),
                name="complaint_duplicate_has_original",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def office_label(self) -> str:
        """Who answers: the agency, the village office, or the district head and regent.

        Needs ``select_related("agency", "village__parent")`` in lists.
        """
        if self.agency_id:
            # "Dinas Pekerjaan Umum dan Penataan Ruang (DPU)": residents may not know the letters.
            agency = self.agency
            if agency.short_name and agency.short_name != agency.name:
                return f"{agency.name} ({agency.short_name})"
            return agency.name
        if self.village_id and self.category not in PROTECTED_CATEGORIES:
            return _("Kantor desa/kelurahan %(name)s") % {"name": self.village.name}
        if self.village_id:
            return _("Camat %(name)s dan Bupati") % {"name": self.village.parent.name}
        return _("Pemerintah Kabupaten (menunggu pemilahan)")


#: Labels of the actions a complaint's history records.
EVENT_ACTIONS = {
    "create": _("Diterima"),
    "route": _("Diteruskan"),
    "transition": _("Status diubah"),
    "duplicate": _("Ditandai duplikat"),
    "close": _("Ditutup"),
    "reopen": _("Dibuka kembali"),
    "confirm": _("Dikonfirmasi pelapor"),
    "reply": _("Balasan"),
    "update": _("Diperbarui"),
    "escalate": _("Eskalasi"),
}


# ``ComplaintEvent.actor_role`` of a step the reporter took, and of one the platform took.
REPORTER = "reporter"
SYSTEM = "system"


class ComplaintEvent(models.Model):
    """One step in a complaint's history: a state change, an escalation, a reply."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who acted, never by the reporter's name: ``actor_role`` is a role code, "reporter" or
    # "system", shown in the reader's language; ``actor_label`` the office (a region's or an
    # agency's name). Entries written before the role had its own field hold a whole label.
    actor_label = models.CharField(_("pelaku"), max_length=150, blank=True)
    actor_role = models.CharField(_("peran pelaku"), max_length=32, blank=True)
    action = models.CharField(_("tindakan"), max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    # A staff reply to the reporter; stored once per author and text (double submits).
    is_reply = models.BooleanField(default=False)
    reply_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("riwayat pengaduan")
        verbose_name_plural = _("riwayat pengaduan")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "actor", "reply_digest"],
                condition=models.Q(is_reply=True),
                name="complaint_reply_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"

    @property
    def actor_display(self) -> str:
        """ "Pelapor", "Sistem", "Petugas desa/kelurahan Sarongan" or an agency's name."""
        role = self.actor_role
        if role == REPORTER:
            return str(_("Pelapor"))
        if role == SYSTEM:
            return str(_("Sistem"))
        if not role or (role in AGENCY_ROLES and self.actor_label):
            return self.actor_label
        return f"{role_label(role)} {self.actor_label}".strip()

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))

    @property
    def to_state_label(self) -> str:
        return str(State(self.to_state).label) if self.to_state in State.values else ""


class ComplaintPhoto(models.Model):
    """A photo attached to a complaint, checked to be a real JPEG or PNG image."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    # Relative to MEDIA_ROOT; no URL serves that folder, a view checks scope first.
    path = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("foto pengaduan")
        verbose_name_plural = _("foto pengaduan")

    def __str__(self) -> str:
        return self.path


class RoutingRule(models.Model):
    """Where complaints of a category go: an agency, or the village office.

    The most specific rule wins: village beats district beats regency-wide. Kept by the
    regent on the routing page.
    """

    category = models.CharField(_("kategori"), max_length=24, choices=Category.choices)
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
        help_text=_("Kosongkan untuk seluruh kecamatan atau kabupaten."),
    )
    district = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
        help_text=_("Kosongkan untuk seluruh kabupaten."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instansi tujuan"),
        help_text=_("Kosongkan untuk meneruskan ke kantor desa/kelurahan."),
    )

    class Meta:
        ordering = ["category", "district__code", "village__code"]
        verbose_name = _("aturan penerusan")
        verbose_name_plural = _("aturan penerusan")
        constraints = [
            # One rule per (category, district, village), an empty place counting as one
            # value: ids are positive, so 0 stands for "none". An expression index, which
            # SQLite enforces too (it has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                models.F("category"),
                Coalesce("district", 0),
                Coalesce("village", 0),
                name="routing_rule_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.agency or _('kantor desa')}"


class ServiceLevel(models.Model):
    """How many working days an office has to resolve a complaint of a category."""

    category = models.CharField(_("kategori"), max_length=24, choices=Category.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("hari kerja"))

    class Meta:
        ordering = ["category"]
        verbose_name = _("tingkat layanan")
        verbose_name_plural = _("tingkat layanan")

    def __str__(self) -> str:
        return f"{self.category}: {self.working_days}"


class Open311Key(models.Model):
    """An API key of an Open311 client; only its SHA-256 is stored."""

    name = models.CharField(_("nama klien"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kunci API Open311")
        verbose_name_plural = _("kunci API Open311")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
