"""The service catalogue, applications, their history and their attachments.

State changes happen only in :mod:`services.workflow` (through :mod:`services.services`); the
models hold data, constraints, and the scope queryset every page goes through.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.roles import AGENCY_ROLES, DISTRICT_ROLES, VILLAGE_ROLES, Role, role_label
from core.workdays import regency_today
from documents.models import IssuerLevel
from regions.models import village_ids_in
from services.formdef import validate_form_definition
from services.search import build_search_text

# A service is issued at the same level as the document it produces: one set of levels.
Level = IssuerLevel


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    KIOSK = "kiosk", _("Anjungan di kantor desa")
    APP = "app", _("Aplikasi Android")
    COUNTER = "counter", _("Loket")


class State(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    VERIFIED = "verified", _("Diverifikasi desa")
    FORWARDED = "forwarded", _("Diteruskan")
    APPROVED = "approved", _("Disetujui")
    ISSUED = "issued", _("Selesai")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    REJECTED = "rejected", _("Ditolak")
    CANCELLED = "cancelled", _("Dibatalkan")


#: An office is working on these; cancelled, rejected, returned and finished ones are not.
PENDING_STATES = (State.SUBMITTED, State.VERIFIED, State.FORWARDED, State.APPROVED)
FINAL_STATES = (State.ISSUED, State.REJECTED, State.CANCELLED)


def format_rupiah(amount: Decimal) -> str:
    """``Rp350.000`` (Indonesian thousands separator, no decimals unless there are cents)."""
    whole = amount.quantize(Decimal(1)) == amount
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return "Rp" + text.replace(",", "_").replace(".", ",").replace("_", ".")


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def offered_to_residents(self):
        """Active services with at least one channel; internal letters have none."""
        return self.active().exclude(channels=[])

    def search(self, query: str):
        from services.search import query_terms

        queryset = self
        for term in query_terms(query):
            queryset = queryset.filter(search_text__contains=f" {term}")
        return queryset


def named_with_role(name: str, role: str) -> str:
    """ "SITI (Petugas desa/kelurahan)": the role in the reader's language, not the writer's."""
    label = role_label(role)
    return f"{name} ({label})" if label else name


class Service(models.Model):
    """One entry of the catalogue: what a resident can ask for, from whom, at what cost."""

    code = models.SlugField(_("kode"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("instansi pemilik"),
        help_text=_(
            "Wajib untuk layanan instansi. Surat desa dan kecamatan dimiliki pemerintah desa "
            "dan kecamatan sendiri."
        ),
    )
    level = models.CharField(_("tingkat penerbit"), max_length=10, choices=Level.choices)
    required_documents = models.JSONField(
        _("persyaratan dokumen"), default=list, blank=True, help_text=_("Daftar teks.")
    )
    form_definition = models.JSONField(
        _("isian formulir"),
        default=list,
        blank=True,
        help_text=_(
            'Daftar isian: {"key", "label", "label_en", "type" (text, textarea, date, number, '
            'choice, phone), "required", "choices"}.'
        ),
    )
    fee = models.DecimalField(
        _("biaya resmi"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        null=True,
        blank=True,
        help_text=_("0 berarti gratis. Kosong berarti menurut tabel tarif pada dasar hukum."),
    )
    fee_basis = models.TextField(
        _("dasar hukum biaya"),
        blank=True,
        help_text=_("Wajib bila biaya tidak nol: peraturan yang menetapkan biaya atau tarifnya."),
    )
    sla_days = models.PositiveSmallIntegerField(
        _("lama layanan (hari kerja)"),
        default=1,
        help_text=_("0 berarti selesai pada hari yang sama."),
    )
    channels = models.JSONField(
        _("saluran"),
        default=list,
        blank=True,
        help_text=_("web, kiosk, app, counter. Kosong: surat dinas, tidak tampil untuk warga."),
    )
    document_type = models.ForeignKey(
        "documents.DocumentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("dokumen yang diterbitkan"),
    )
    keywords = models.CharField(
        _("kata kunci pencarian"),
        max_length=300,
        blank=True,
        help_text=_("Kata lain yang dipakai warga untuk layanan ini, dipisah spasi."),
    )
    search_text = models.TextField(editable=False, default="")
    is_active = models.BooleanField(_("aktif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee__isnull=True) | models.Q(fee__gte=0),
                name="service_fee_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(level="agency") | models.Q(agency__isnull=False),
                name="service_agency_level_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.rebuild_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        language = get_language() or ""
        return self.name_en if language.startswith("en") and self.name_en else self.name

    @property
    def is_free(self) -> bool:
        return self.fee is not None and self.fee == 0

    @property
    def fee_label(self) -> str:
        """What the resident is told to pay: "Gratis (Rp0)", "Rp350.000" or "Sesuai tarif"."""
        if self.fee is None:
            return str(_("Sesuai tarif resmi"))
        if self.fee == 0:
            return str(_("Gratis (Rp0)"))
        return format_rupiah(self.fee)

    @property
    def accepts_online(self) -> bool:
        return self.is_active and Channel.WEB in (self.channels or [])

    def rebuild_search_text(self) -> None:
        agency = self.agency
        self.search_text = build_search_text(
            self.name,
            self.name_en,
            self.code,
            self.keywords,
            agency.name if agency else "",
            agency.short_name if agency else "",
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        try:
            validate_form_definition(self.form_definition)
        except ValidationError as error:
            errors["form_definition"] = error.messages
        documents = self.required_documents
        if not isinstance(documents, list) or not all(
            isinstance(item, str) and item.strip() for item in documents
        ):
            errors["required_documents"] = [_("Persyaratan harus daftar teks yang tidak kosong.")]
        channels = self.channels
        if not isinstance(channels, list) or not set(channels) <= set(Channel.values):
            errors["channels"] = [
                _("Saluran harus daftar dari: %(values)s.") % {"values": ", ".join(Channel.values)}
            ]
        if (self.fee is None or self.fee != 0) and not self.fee_basis.strip():
            errors["fee_basis"] = [
                _("Biaya yang tidak nol (atau menurut tarif) harus menyebut dasar hukumnya.")
            ]
        if self.fee is not None and self.fee < 0:
            errors["fee"] = [_("Biaya tidak boleh negatif.")]
        if self.level == Level.AGENCY and self.agency_id is None:
            errors["agency"] = [_("Layanan tingkat instansi harus punya instansi pemilik.")]
        if errors:
            raise ValidationError(errors)


def new_tracking_code() -> str:
    """``SK-7GQ4-K2MX``: easy to read aloud, no 0/O or 1/I/L, 40 bits of randomness."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"SK-{body[:4]}-{body[4:]}"


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applications the user may see. Every page and list goes through here; fails closed.

        A resident sees the ones they made and those about themself or their family; village
        staff their village's; district staff those of their district's villages; agency staff
        those forwarded to their agency; the regent all; every other role none.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        role = getattr(user, "role", None)
        if role == Role.REGENT:
            return self
        if role == Role.RESIDENT and user.resident_id:
            from people.models import Resident

            own_family = Resident.objects.filter(
                pk=user.resident_id, family_id__isnull=False
            ).values("family_id")
            return self.filter(
                models.Q(applicant_id=user.resident_id)
                | models.Q(subject_id=user.resident_id)
                | models.Q(subject__family_id__in=own_family)
                | models.Q(applicant__family_id__in=own_family)
            )
        if role in VILLAGE_ROLES and user.region_id:
            return self.filter(village_id=user.region_id)
        if role in DISTRICT_ROLES and user.region_id:
            return self.filter(village_id__in=village_ids_in(user.region_id))
        if role in AGENCY_ROLES and user.agency_id:
            return self.filter(agency_id=user.agency_id, forwarded_at__isnull=False)
        return self.none()

    def pending(self):
        """Waiting on an office: not drafts, not back with the resident, not finished."""
        return self.filter(state__in=PENDING_STATES)

    def overdue(self, today=None):
        """Pending past their due date (counted in the regency's working days and time zone)."""
        today = today or regency_today()
        return self.pending().filter(due_date__lt=today)


class Application(models.Model):
    """A resident's request for a service, for themself or a member of their family."""

    tracking_code = models.CharField(
        _("kode permohonan"), max_length=16, unique=True, default=new_tracking_code
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="applications", verbose_name=_("layanan")
    )
    applicant = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="applications_made",
        verbose_name=_("pemohon"),
    )
    subject = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        related_name="applications_about",
        verbose_name=_("yang bersangkutan"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    # The subject's village when the application was (last) submitted: the office that verifies.
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("desa/kelurahan"),
    )
    # Where it goes after the village: the village's district, or the service's agency.
    district = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="district_applications",
        verbose_name=_("kecamatan tujuan"),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("instansi tujuan"),
    )
    form_data = models.JSONField(_("isian"), default=dict, blank=True)
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    channel = models.CharField(
        _("saluran"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # The fee shown when the resident submitted: what they can be asked to pay, nothing more.
    fee = models.DecimalField(
        _("biaya resmi"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    last_reason = models.TextField(_("alasan terakhir"), blank=True)
    document = models.OneToOneField(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("dokumen terbit"),
    )

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state_changed_at = models.DateTimeField(_("status berubah"), default=timezone.now)
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("diteruskan"), null=True, blank=True)
    approved_at = models.DateTimeField(_("disetujui"), null=True, blank=True)
    issued_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    returned_at = models.DateTimeField(_("dikembalikan"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("ditolak"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    due_date = models.DateField(_("batas waktu"), null=True, blank=True, db_index=True)
    # The token of the form that created it: a form sent twice (a double tap) makes one
    # application. Unique, so two requests racing with the same token cannot both insert.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # Time spent at each level, added up over every stay (a returned application comes back).
    village_seconds = models.PositiveIntegerField(_("lama di desa (detik)"), default=0)
    upper_seconds = models.PositiveIntegerField(_("lama di kecamatan/instansi (detik)"), default=0)
    village_working_days = models.PositiveSmallIntegerField(
        _("lama di desa (hari kerja)"), default=0
    )
    upper_working_days = models.PositiveSmallIntegerField(
        _("lama di kecamatan/instansi (hari kerja)"), default=0
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        indexes = [
            models.Index(fields=["village", "state"], name="application_village_state"),
            models.Index(fields=["agency", "state"], name="application_agency_state"),
            models.Index(fields=["service", "state"], name="application_service_state"),
            # Work queues: oldest waiting first, per village or regency-wide.
            models.Index(
                fields=["village", "state", "state_changed_at"], name="application_queue_village"
            ),
            models.Index(fields=["state", "state_changed_at"], name="application_queue_state"),
            # The list of everything in scope, newest first.
            models.Index(fields=["village", "created_at"], name="application_village_new"),
            models.Index(fields=["created_at"], name="application_new"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_pending and self.due_date and self.due_date < regency_today())

    @property
    def level(self) -> str:
        return self.service.level


class ApplicationEvent(models.Model):
    """One step of an application's history: who moved it, when, from where to where, why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("permohonan")
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    # Kept as text so the history still reads right after an account is removed: the name,
    # and the role as a code, shown in the reader's language ("Name (Village officer)").
    # Entries written before the role had its own field hold both in ``actor_label``.
    actor_label = models.CharField(_("pelaku"), max_length=200, blank=True)
    actor_role = models.CharField(_("peran pelaku"), max_length=32, blank=True)
    action = models.CharField(_("tindakan"), max_length=20)
    from_state = models.CharField(_("dari"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("ke"), max_length=12, choices=State.choices)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("riwayat permohonan")
        verbose_name_plural = _("riwayat permohonan")

    def __str__(self) -> str:
        return f"{self.application_id} {self.from_state}->{self.to_state}"

    @property
    def actor_display(self) -> str:
        return named_with_role(self.actor_label, self.actor_role)


class Attachment(models.Model):
    """A file the resident attached: PDF, JPEG or PNG, checked by content.

    The file lives at ``MEDIA_ROOT/attachments/<stored_name>``; no URL serves that folder, a
    view checks the reader's scope and streams it.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("permohonan"),
    )
    requirement = models.CharField(_("untuk persyaratan"), max_length=200, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(_("jenis"), max_length=40)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_name = models.CharField(max_length=120, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")

    def __str__(self) -> str:
        return self.original_name


class ApplicationNote(models.Model):
    """An officer's internal note on an application; never shown to the applicant."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notes", verbose_name=_("permohonan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penulis"),
    )
    # Kept as text so the note still says who wrote it after the account is removed (the role
    # as a code, as for ApplicationEvent).
    author_label = models.CharField(_("penulis"), max_length=200, blank=True)
    author_role = models.CharField(_("peran penulis"), max_length=32, blank=True)
    text = models.TextField(_("catatan"), max_length=2000)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("catatan petugas")
        verbose_name_plural = _("catatan petugas")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.text[:40]}"

    @property
    def author_display(self) -> str:
        return named_with_role(self.author_label, self.author_role)
