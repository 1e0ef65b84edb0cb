from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from health.coverage import DUE, LIST_KINDS
from health.models import AffectedCategory, IsolationHouse, IsolationStay
from health.vaccination import clean_nik
from people.models import Resident

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
UPLOAD_EXTENSIONS = (".csv", ".xlsx", ".json")


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("Per tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Kosongkan untuk hari ini."),
    )

    def as_of_date(self):
        if self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return timezone.localdate()


class OutreachForm(AsOfForm):
    kind = forms.ChoiceField(
        label=_("Daftar"), choices=list(LIST_KINDS.items()), initial=DUE, required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas dosis vaksinasi"),
        help_text=_(
            "CSV atau .xlsx dengan kolom NIK, DOSIS, TANGGAL_VAKSIN (dan JENIS_VAKSIN, NO_BATCH, "
            "FASKES, TANGGAL_LAHIR), atau JSON FHIR R4 (Immunization atau Bundle)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(_("Hanya berkas .csv, .xlsx atau .json yang diterima."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas lebih dari 200 MB."))
        return upload


class HouseForm(forms.ModelForm):
    class Meta:
        model = IsolationHouse
        fields = [
            "village",
            "name",
            "address",
            "capacity",
            "contact_name",
            "contact_phone",
            "latitude",
            "longitude",
            "active",
        ]

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        if villages.count() == 1:
            self.fields["village"].initial = villages.first()
        self.fields["capacity"].min_value = 1
        self.fields["latitude"].help_text = _("Opsional, contoh -8.2192")
        self.fields["longitude"].help_text = _("Opsional, contoh 114.3691")

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError(_("Kapasitas minimal 1 tempat."))
        return capacity


class ResidentByNikField(forms.CharField):
    """A NIK typed by an officer, resolved among the residents the officer may see."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("NIK"))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class _ResidentLookupMixin:
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_nik(self):
        nik = clean_nik(self.cleaned_data["nik"])
        resident = Resident.objects.visible_to(self.user).filter(nik=nik).first()
        if resident is None:
            raise forms.ValidationError(_("NIK ini tidak ada di data penduduk wilayah Anda."))
        self.resident = resident
        return nik


class AdmitForm(_ResidentLookupMixin, forms.Form):
    nik = ResidentByNikField()
    over_capacity_reason = forms.CharField(
        label=_("Alasan melebihi kapasitas"),
        required=False,
        max_length=255,
        help_text=_("Hanya diisi bila rumah sudah penuh dan penghuni tetap harus diterima."),
    )


class DischargeForm(forms.Form):
    stay = forms.ModelChoiceField(label=_("Penghuni"), queryset=IsolationStay.objects.none())
    note = forms.CharField(label=_("Keterangan"), required=False, max_length=255)

    def __init__(self, *args, house, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stay"].queryset = (
            IsolationStay.objects.filter(house=house).current().select_related("resident")
        )
        self.fields["stay"].label_from_instance = lambda stay: stay.resident.full_name


class AffectedFields(forms.Form):
    category = forms.ChoiceField(label=_("Kategori dampak"), choices=AffectedCategory.choices)
    affected_since = forms.DateField(
        label=_("Terdampak sejak"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("Bukti"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mis. nomor surat PHK, nama tempat usaha yang tutup, keterangan RT."),
    )

    def clean_affected_since(self):
        since = self.cleaned_data["affected_since"]
        if since and since > timezone.localdate():
            raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))
        return since


class AffectedReportForm(_ResidentLookupMixin, AffectedFields):
    nik = ResidentByNikField()
    field_order = ["nik", "category", "affected_since", "description", "evidence"]


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[("verify", _("Benar terdampak")), ("reject", _("Tolak"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=255)
