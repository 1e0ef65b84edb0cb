from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from documents.placeholders import validate_body

PDF_MAGIC = b"%PDF-"
DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024


def upload_limit() -> int:
    return int(getattr(settings, "DOCUMENTS_VERIFY_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_LIMIT))


class VerifyUploadForm(forms.Form):
    """A PDF someone holds, to compare with the one issued."""

    file = forms.FileField(
        label=_("Berkas PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Pilih berkas PDF dokumen ini (paling besar %(limit)s MB)."
        ) % {"limit": upload_limit() // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > upload_limit():
            raise ValidationError(
                _("Berkas terlalu besar: paling besar %(limit)s MB."),
                params={"limit": upload_limit() // (1024 * 1024)},
                code="too_large",
            )
        upload.seek(0)
        if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
            raise ValidationError(
                _("Berkas ini bukan PDF. Unggah berkas PDF dokumen yang ingin diperiksa."),
                code="not_pdf",
            )
        upload.seek(0)
        return upload

    def read_bytes(self) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return b"".join(upload.chunks())


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        help_text=_("Alasan ini ditampilkan di halaman verifikasi dokumen."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Isi templat"),
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false"}),
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        validate_body(body)
        return body
