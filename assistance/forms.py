"""Forms of the assistance pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import FlagStatus, Programme, WelfareCategory

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
LIST_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".txt")


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Program"), queryset=Programme.objects.filter(active=True), to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "PKH — Program Keluarga Harapan": the code officers use, and what it stands for.
        self.fields["programme"].label_from_instance = lambda p: f"{p.code} — {p.name}"

    period = forms.CharField(
        label=_("Periode/tahap"), max_length=32, help_text=_("Misalnya 2026 atau 2026-T1.")
    )
    file = forms.FileField(
        label=_("Berkas daftar penerima"),
        help_text=_(
            "CSV atau Excel (.xlsx) dengan kolom NIK, NAMA, dan bila ada NO_KK, "
            "TANGGAL_LAHIR, ALAMAT, DESA, KECAMATAN."
        ),  # fmt: skip
    )
    sheet = forms.CharField(
        label=_("Nama sheet (Excel)"),
        max_length=100,
        required=False,
        help_text=_("Kosongkan untuk sheet pertama."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(LIST_SUFFIXES):
            raise forms.ValidationError(_("Unggah berkas CSV atau Excel (.xlsx)."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas lebih dari 50 MB; bagi menjadi beberapa berkas."))
        return upload


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[
            (FlagStatus.CONFIRMED, _("Benarkan temuan")),
            (FlagStatus.REJECTED, _("Tolak temuan (bukan masalah)")),
            (FlagStatus.CORRECTED, _("Koreksi: penerima sebenarnya adalah NIK berikut")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Alasan"), max_length=255)
    nik = forms.CharField(
        label=_("NIK penerima sebenarnya"),
        max_length=32,
        required=False,
        help_text=_("Hanya untuk koreksi."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == FlagStatus.CORRECTED and not data.get("nik"):
            self.add_error("nik", _("Isi NIK penerima sebenarnya untuk koreksi."))
        return data


class ReceiptsQueryForm(forms.Form):
    q = forms.CharField(label=_("NIK atau No. KK"), max_length=32, help_text=_("16 angka."))


class AddMemberForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=32)
    period = forms.CharField(label=_("Periode/tahap"), max_length=32)


class WelfareForm(forms.Form):
    no_kk = forms.CharField(label=_("No. KK"), max_length=32)
    category = forms.ChoiceField(label=_("Kategori"), choices=WelfareCategory.choices)
    source = forms.CharField(
        label=_("Sumber"), max_length=100, help_text=_("Misalnya DTKS 2026 atau musyawarah desa.")
    )
