"""Forms of the service pages: search, choosing whom an application is for, steps, uploads, and
the catalogue editor."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from services.formdef import validate_form_definition
from services.models import Channel, Service
from services.requirements import requirement_label


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari layanan"),
        required=False,
        max_length=100,
        help_text=_("Misalnya: ktp, pindah, usaha, akta lahir, sktm."),
    )


class SubjectForm(forms.Form):
    """Whom the application is about: the applicant or a member of their family card.

    ``token`` is made when the form is shown and sent back with it: the same form sent twice
    (a double tap) then makes one application.
    """

    token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    subject = forms.ModelChoiceField(
        label=_("Permohonan untuk"),
        queryset=None,
        empty_label=None,
        help_text=_("Anda sendiri atau anggota keluarga dalam Kartu Keluarga Anda."),
    )

    def __init__(self, *args, family=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = family
        self.fields["subject"].label_from_instance = lambda resident: resident.full_name


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput, max_length=20)
    note = forms.CharField(
        label=_("Catatan atau alasan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Catatan internal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Hanya dibaca petugas; pemohon tidak melihatnya."),
        error_messages={
            "required": _("Tuliskan catatannya."),
            "max_length": _("Catatan internal paling banyak %(limit_value)d karakter."),
        },
    )


class ApplicationFilterForm(forms.Form):
    """The back office's list filters; a queue is chosen by its tab, not here."""

    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from services.models import State

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Semua")), *State.choices]


class AttachmentForm(forms.Form):
    requirement = forms.ChoiceField(label=_("Untuk persyaratan"), required=False)
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("PDF, JPEG atau PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(item, requirement_label(item)) for item in service.required_documents]
        self.fields["requirement"].choices = [*choices, ("", _("Lainnya"))]


class LinesField(forms.CharField):
    """A list of texts edited one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class JsonListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 14, "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip() or "[]"
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("Bukan JSON yang sah (baris %(line)s): %(msg)s"),
                params={"line": error.lineno, "msg": error.msg},
            ) from error


class ServiceEditForm(forms.ModelForm):
    """What staff change without code. Code, level, owner and document stay with the regent."""

    required_documents = LinesField(label=_("Persyaratan dokumen (satu per baris)"), required=False)
    form_definition = JsonListField(label=_("Isian formulir (JSON)"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("Saluran"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "name_en",
            "required_documents",
            "form_definition",
            "fee",
            "fee_basis",
            "sla_days",
            "channels",
            "keywords",
            "is_active",
        ]

    def clean_form_definition(self):
        definition = self.cleaned_data["form_definition"]
        validate_form_definition(definition)
        return definition
