"""Service points, their lines and counters, and the queue tickets they hand out.

State changes happen only in :mod:`queues.services`; the models hold data, constraints and the
scope queryset every staff page goes through. Nothing about a queue lives in process memory:
numbering, the ticket being served at each counter and the running totals are rows, so any
number of web workers share them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.roles import AGENCY_ROLES, DISTRICT_ROLES, Role
from people.models import region_filter


def _localised(name: str, name_en: str) -> str:
    language = get_language() or ""
    return name_en if language.startswith("en") and name_en else name


class PriorityGroup(models.Model):
    """A group the regency serves before arrival order (elderly, disabled, pregnant).

    Kept as rows so that the regency decides which groups count; a ticket is a priority
    ticket only when its group was active when the ticket was taken.
    """

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    name_en = models.CharField(_("nama (Inggris)"), max_length=100, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    position = models.PositiveSmallIntegerField(_("urutan tampil"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("kelompok prioritas")
        verbose_name_plural = _("kelompok prioritas")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)


class PointKind(models.TextChoices):
    VILLAGE_OFFICE = "village_office", _("Kantor desa/kelurahan")
    DISTRICT_OFFICE = "district_office", _("Kantor kecamatan")
    MALL = "mall", _("Mal Pelayanan Publik")


class ServicePointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def operated_by(self, user):
        """Points whose counters the user may run. Every staff page goes through here.

        Village staff run their own village's office; district staff their district office and
        their villages' offices; agency staff the points (Mall counters) of their agency; the
        regent every point. Fails closed for every other role.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        role = getattr(user, "role", None)
        if role in AGENCY_ROLES:
            return self.filter(agency_id=user.agency_id) if user.agency_id else self.none()
        if role == Role.TASK_FORCE:
            return self.none()
        condition = region_filter(user, "region")
        if condition is None:
            return self.none()
        if role in DISTRICT_ROLES:
            condition |= models.Q(region_id=user.region_id)
        return self.filter(condition)


class ServicePoint(models.Model):
    """A place that serves people in queue order: a village office or a Mall counter group."""

    code = models.SlugField(
        _("kode"), max_length=60, unique=True, help_text=_("Dipakai di alamat layar antrean.")
    )
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=20, choices=PointKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="service_points",
        verbose_name=_("wilayah"),
        help_text=_("Desa/kelurahan, kecamatan, atau kabupaten untuk Mal Pelayanan Publik."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_points",
        verbose_name=_("instansi"),
        help_text=_("Untuk loket instansi di Mal Pelayanan Publik."),
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = ServicePointQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("titik layanan")
        verbose_name_plural = _("titik layanan")

    def __str__(self) -> str:
        return self.name


class ServiceLine(models.Model):
    """One service a point handles, with its own queue and ticket prefix (A-001, B-001)."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="lines", verbose_name=_("titik")
    )
    name = models.CharField(_("nama"), max_length=150)
    name_en = models.CharField(_("nama (Inggris)"), max_length=150, blank=True)
    prefix = models.CharField(
        _("awalan nomor"), max_length=3, help_text=_("Satu sampai tiga huruf besar, misalnya A.")
    )
    service = models.ForeignKey(
        "services.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_lines",
        verbose_name=_("layanan katalog"),
    )
    position = models.PositiveSmallIntegerField(_("urutan tampil"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["point", "position", "prefix"]
        verbose_name = _("layanan antrean")
        verbose_name_plural = _("layanan antrean")
        constraints = [
            models.UniqueConstraint(fields=["point", "prefix"], name="queue_line_prefix_unique"),
            models.CheckConstraint(
                condition=models.Q(prefix__regex=r"^[A-Z]{1,3}$"), name="queue_line_prefix_letters"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} · {self.display_name}"

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)


class Counter(models.Model):
    """A desk (loket) at a point, serving one or more of the point's lines."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="counters", verbose_name=_("titik")
    )
    name = models.CharField(_("nama"), max_length=60, help_text=_("Misalnya Loket 1."))
    lines = models.ManyToManyField(
        ServiceLine, related_name="counters", verbose_name=_("layanan yang dilayani")
    )
    position = models.PositiveSmallIntegerField(_("urutan tampil"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["point", "position", "name"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")
        constraints = [
            models.UniqueConstraint(fields=["point", "name"], name="queue_counter_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.point}"


class LineDay(models.Model):
    """The numbering of one line on one day (WIB), and that day's running totals.

    ``last_number`` is advanced under a row lock, so two kiosks never print the same number;
    a new day has a new row, so its numbers start again at 1. The totals are kept up to date by
    every call and finish, so figures never need to scan the tickets.
    """

    line = models.ForeignKey(ServiceLine, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("tanggal"))
    last_number = models.PositiveIntegerField(_("nomor terakhir"), default=0)
    called = models.PositiveIntegerField(_("dipanggil"), default=0)
    served = models.PositiveIntegerField(_("selesai dilayani"), default=0)
    skipped = models.PositiveIntegerField(_("dilewati"), default=0)
    wait_seconds_total = models.PositiveBigIntegerField(default=0)
    wait_seconds_max = models.PositiveIntegerField(default=0)
    service_seconds_total = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-day", "line"]
        verbose_name = _("rekap harian antrean")
        verbose_name_plural = _("rekap harian antrean")
        constraints = [
            models.UniqueConstraint(fields=["line", "day"], name="queue_line_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.day}"

    @property
    def average_wait_seconds(self) -> int | None:
        return self.wait_seconds_total // self.called if self.called else None

    @property
    def average_service_seconds(self) -> int | None:
        return self.service_seconds_total // self.served if self.served else None

    @property
    def average_wait_minutes(self) -> int | None:
        seconds = self.average_wait_seconds
        return None if seconds is None else round(seconds / 60)


class TicketChannel(models.TextChoices):
    KIOSK = "kiosk", _("Anjungan")
    APP = "app", _("Aplikasi atau situs web")
    DOOR = "door", _("Di pintu (petugas atau kode QR)")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    CALLED = "called", _("Dipanggil ke loket")
    DONE = "done", _("Selesai dilayani")
    SKIPPED = "skipped", _("Dilewati (tidak hadir)")


def new_ticket_token() -> str:
    """The secret part of a ticket's public address; the short code is easy to guess."""
    return secrets.token_urlsafe(12)


class TicketQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=TicketStatus.WAITING)

    def in_call_order(self):
        """Priority groups first, then strictly by arrival; the id breaks exact ties."""
        return self.order_by("-is_priority", "taken_at", "id")


class Ticket(models.Model):
    """One queue number, from the moment it is taken until it is served or skipped.

    ``service_day`` is the WIB date it was taken: its number belongs to that day's series even
    when it is called after midnight. A transfer moves it to another line of the same point and
    keeps its arrival time, so it takes its place by when the person first came.
    """

    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("titik")
    )
    line = models.ForeignKey(
        ServiceLine, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("layanan")
    )
    service_day = models.DateField(_("tanggal antrean"))
    number = models.PositiveIntegerField(_("nomor urut"))
    code = models.CharField(_("nomor antrean"), max_length=8)
    token = models.CharField(max_length=24, unique=True, default=new_ticket_token, editable=False)
    channel = models.CharField(_("saluran"), max_length=10, choices=TicketChannel.choices)
    priority_group = models.ForeignKey(
        PriorityGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("kelompok prioritas"),
    )
    is_priority = models.BooleanField(_("prioritas"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    counter = models.ForeignKey(
        Counter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("loket"),
    )

    application = models.ForeignKey(
        "services.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_tickets",
        verbose_name=_("permohonan"),
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_tickets",
        verbose_name=_("pengaduan"),
    )
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_tickets",
        verbose_name=_("penduduk"),
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diambil oleh"),
    )

    taken_at = models.DateTimeField(_("diambil"), default=timezone.now)
    called_at = models.DateTimeField(_("pertama dipanggil"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("terakhir dipanggil"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("panggilan ulang"), default=0)
    transfers = models.PositiveSmallIntegerField(_("dialihkan"), default=0)
    wait_seconds = models.PositiveIntegerField(_("lama menunggu (detik)"), null=True, blank=True)
    service_seconds = models.PositiveIntegerField(_("lama dilayani (detik)"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("tiket antrean")
        verbose_name_plural = _("tiket antrean")
        indexes = [
            models.Index(fields=["line", "status", "taken_at"], name="queue_ticket_line_status"),
            models.Index(fields=["point", "status"], name="queue_ticket_point_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "service_day", "code"], name="queue_ticket_code_unique"
            ),
            # A counter serves one person at a time, whichever worker took the call.
            models.UniqueConstraint(
                fields=["counter"],
                condition=models.Q(status="called"),
                name="queue_one_called_ticket_per_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.service_day})"

    @property
    def wait_minutes(self) -> int | None:
        return None if self.wait_seconds is None else round(self.wait_seconds / 60)
