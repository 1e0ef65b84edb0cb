"""Document types, their templates, numbering series, issued documents and verification checks.

Business rules live in :mod:`documents.services`; the models hold the data and the
constraints that protect it (unique numbers, one number per series position).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents import placeholders


class IssuerLevel(models.TextChoices):
    VILLAGE = "village", _("Desa/kelurahan")
    DISTRICT = "district", _("Kecamatan")
    AGENCY = "agency", _("Instansi")


class DocumentType(models.Model):
    """A kind of document the platform issues, e.g. a domicile certificate.

    ``numbering_series_key`` blank means each office numbers this type in its own series;
    types with the same key share one series per office (an office's register of outgoing
    letters).
    """

    code = models.SlugField(_("kode"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    classification = models.CharField(
        _("kode klasifikasi arsip"),
        max_length=20,
        default="470",
        help_text=_("Misalnya 470 kependudukan, 474 pencatatan sipil, 503 perizinan."),
    )
    numbering_series_key = models.SlugField(
        _("seri penomoran bersama"),
        max_length=60,
        blank=True,
        help_text=_(
            "Kosong: seri sendiri per kantor. Diisi: satu seri bersama untuk semua jenis dengan "
            "kunci ini."
        ),
    )
    number_format = models.CharField(
        _("format nomor"),
        max_length=120,
        blank=True,
        help_text=_(
            "Kosong: format baku {classification}/{sequence:04}/{office_code}/{month_roman}/{year}"
        ),
    )
    issuer_level = models.CharField(
        _("tingkat penerbit"),
        max_length=10,
        choices=IssuerLevel.choices,
        default=IssuerLevel.VILLAGE,
    )
    has_subject = models.BooleanField(
        _("tentang seorang penduduk"),
        default=True,
        help_text=_("Tidak dicentang untuk surat dinas yang tidak menyangkut seorang penduduk."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jenis dokumen")
        verbose_name_plural = _("jenis dokumen")

    def __str__(self) -> str:
        return self.name

    @property
    def series_key(self) -> str:
        """The key of the series this type is numbered in at any office."""
        return self.numbering_series_key or self.code

    @property
    def effective_format(self) -> str:
        from documents.numbering import DEFAULT_FORMAT

        return self.number_format or DEFAULT_FORMAT

    def clean(self) -> None:
        super().clean()
        if self.number_format:
            from documents.numbering import validate_format

            validate_format(self.number_format)
        # Two series of one office that print the same classification in the same format
        # would both produce "470/0001/…": refuse the set-up rather than a letter later.
        same_classification = DocumentType.objects.filter(
            classification=self.classification, issuer_level=self.issuer_level
        ).exclude(pk=self.pk)
        for other in same_classification:
            if (
                other.series_key != self.series_key
                and other.effective_format == self.effective_format
            ):
                raise ValidationError(
                    {
                        "numbering_series_key": _(
                            "Jenis %(other)s memakai klasifikasi %(classification)s dengan seri "
                            "lain, sehingga nomornya bisa kembar. Pakai seri bersama yang sama."
                        )
                        % {"other": other.code, "classification": self.classification}
                    }
                )


class DocumentTemplate(models.Model):
    """One version of a document type's body. Issued documents keep the version they used."""

    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        related_name="templates",
        verbose_name=_("jenis dokumen"),
    )
    version = models.PositiveIntegerField(_("versi"))
    body = models.TextField(
        _("isi"),
        help_text=_(
            "Teks surat. Baris kosong memisahkan paragraf; baris 'Label | isi' menjadi baris "
            "data; {nama}, {nik}, {form.kunci} dan sebagainya diganti data pemohon."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["document_type", "-version"]
        verbose_name = _("templat dokumen")
        verbose_name_plural = _("templat dokumen")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "version"], name="template_version_unique"
            ),
            models.UniqueConstraint(
                fields=["document_type"],
                condition=models.Q(is_active=True),
                name="template_one_active_per_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_type.code} v{self.version}"

    def clean(self) -> None:
        super().clean()
        placeholders.validate_body(self.body or "")


class NumberingSeries(models.Model):
    """The counter of one office's series for one year. Taken under a row lock."""

    office_code = models.CharField(_("kode kantor"), max_length=40)
    series_key = models.CharField(_("seri"), max_length=80)
    year = models.PositiveSmallIntegerField(_("tahun"))
    last_number = models.PositiveIntegerField(_("nomor terakhir"), default=0)

    class Meta:
        ordering = ["office_code", "series_key", "-year"]
        verbose_name = _("seri penomoran")
        verbose_name_plural = _("seri penomoran")
        constraints = [
            models.UniqueConstraint(
                fields=["office_code", "series_key", "year"], name="numbering_series_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_code} {self.series_key} {self.year}: {self.last_number}"


class IssuedDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents the user may open. Fails closed for roles not named here."""
        from accounts.roles import AGENCY_ROLES, DISTRICT_ROLES, VILLAGE_ROLES, Role

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        role = getattr(user, "role", None)
        if role == Role.REGENT:
            return self
        if role == Role.RESIDENT and user.resident_id:
            from people.models import Resident

            own_family = Resident.objects.filter(pk=user.resident_id).values("family_id")
            return self.filter(
                models.Q(subject_id=user.resident_id)
                | models.Q(subject__family_id__in=own_family, subject__family_id__isnull=False)
            )
        if role in VILLAGE_ROLES and user.region_id:
            return self.filter(
                models.Q(subject__village_id=user.region_id)
                | models.Q(office_code=user.region.code)
            )
        if role in DISTRICT_ROLES and user.region_id:
            return self.filter(
                models.Q(subject__village__parent_id=user.region_id)
                | models.Q(office_code=user.region.code)
            )
        if role in AGENCY_ROLES and user.agency_id:
            return self.filter(office_code=user.agency.code)
        return self.none()


class IssuedDocument(models.Model):
    """A numbered document: signed PDF issued by the platform, or a registered external number."""

    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("jenis")
    )
    template = models.ForeignKey(
        DocumentTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("versi templat"),
    )
    number = models.CharField(_("nomor"), max_length=120, unique=True)
    series = models.ForeignKey(
        NumberingSeries, on_delete=models.PROTECT, related_name="documents", verbose_name=_("seri")
    )
    sequence = models.PositiveIntegerField(_("nomor urut"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    subject = models.ForeignKey(
        "people.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_documents",
        verbose_name=_("penduduk yang bersangkutan"),
    )
    # Snapshots: the page and the PDF say what was true at issue time.
    subject_name = models.CharField(_("nama"), max_length=200, blank=True)
    subject_nik_masked = models.CharField(_("NIK (disamarkan)"), max_length=20, blank=True)
    office_code = models.CharField(_("kode kantor"), max_length=40)
    office_name = models.CharField(_("kantor penerbit"), max_length=200)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penandatangan (akun)"),
    )
    signer_name = models.CharField(_("nama penandatangan"), max_length=200, blank=True)
    signer_position = models.CharField(_("jabatan penandatangan"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("diterbitkan pada"))
    # Relative to MEDIA_ROOT, which is outside the web root: only a view that checks the
    # user's scope hands the file out.
    pdf = models.FileField(_("berkas PDF"), upload_to="documents/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    verification_token = models.CharField(
        _("token verifikasi"), max_length=64, unique=True, null=True, blank=True
    )
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicabut oleh"),
    )
    revoke_reason = models.TextField(_("alasan pencabutan"), blank=True)
    is_external = models.BooleanField(_("nomor dari luar sistem"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="issued_series_sequence"),
            models.CheckConstraint(
                condition=models.Q(is_external=True)
                | (models.Q(verification_token__isnull=False) & ~models.Q(sha256="")),
                name="issued_document_signed_or_external",
            ),
        ]
        indexes = [
            models.Index(fields=["office_code", "issued_at"], name="issued_office_time"),
            # Verification of an uploaded PDF looks its digest up (portal.services).
            models.Index(fields=["sha256"], name="issued_sha256"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CheckResult(models.TextChoices):
    GENUINE = "genuine", _("Asli")
    REVOKED = "revoked", _("Dicabut")
    NOT_FOUND = "not_found", _("Tidak ditemukan")
    FILE_MATCH = "file_match", _("Berkas cocok")
    FILE_MISMATCH = "file_mismatch", _("Berkas tidak cocok")
    FILE_REFUSED = "file_refused", _("Berkas ditolak")


class VerificationCheck(models.Model):
    """One look-up on the public verification page. Holds no token, only a hash prefix."""

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    token_hash_prefix = models.CharField(_("awalan hash token"), max_length=16)
    document = models.ForeignKey(
        IssuedDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("dokumen"),
    )
    result = models.CharField(_("hasil"), max_length=16, choices=CheckResult.choices)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("pemeriksaan keaslian")
        verbose_name_plural = _("pemeriksaan keaslian")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.token_hash_prefix} {self.result}"
