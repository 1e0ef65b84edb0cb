from django import forms
from django.utils.translation import gettext_lazy as _

from economy.models import AssistanceKind, BusinessSector, BusinessSize, TrainingProgramme

DATE = forms.DateInput(attrs={"type": "date"})


class BusinessFilterForm(forms.Form):
    q = forms.CharField(label=_("Nama usaha"), required=False, max_length=100)
    sector = forms.ChoiceField(
        label=_("Bidang usaha"),
        required=False,
        choices=[("", _("Semua bidang")), *BusinessSector.choices],
    )
    warung = forms.BooleanField(label=_("Hanya warung"), required=False)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(name__icontains=data["q"].strip())
        if data.get("sector"):
            queryset = queryset.filter(sector=data["sector"])
        if data.get("warung"):
            queryset = queryset.filter(is_warung=True)
        return queryset


class BusinessForm(forms.Form):
    owner_nik = forms.CharField(
        label=_("NIK pemilik"),
        max_length=16,
        help_text=_("Pemilik harus terdaftar sebagai penduduk desa ini."),
    )
    name = forms.CharField(label=_("Nama usaha"), max_length=200)
    sector = forms.ChoiceField(label=_("Bidang usaha"), choices=BusinessSector.choices)
    size = forms.ChoiceField(label=_("Skala usaha"), choices=BusinessSize.choices)
    nib = forms.CharField(label=_("NIB (bila ada)"), max_length=13, required=False)
    address = forms.CharField(label=_("Alamat usaha"), max_length=255, required=False)
    is_warung = forms.BooleanField(label=_("Usaha ini warung/toko kelontong"), required=False)


class PermitLinkForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("Kode permohonan izin"), max_length=16, help_text=_("Misalnya SK-7GQ4-K2MX.")
    )


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Tanggal penilaian"), widget=DATE)
    score = forms.IntegerField(label=_("Skor (0-100)"), min_value=0, max_value=100)
    needs = forms.CharField(
        label=_("Kebutuhan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssistanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis bantuan"), choices=AssistanceKind.choices)
    description = forms.CharField(label=_("Uraian"), max_length=255, required=False)
    value = forms.DecimalField(label=_("Nilai (Rp)"), min_value=0, decimal_places=0, required=False)


class DeliveryForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    delivered_on = forms.DateField(label=_("Tanggal diserahkan"), widget=DATE)


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Judul pelatihan"), max_length=200)
    programme = forms.ChoiceField(label=_("Program"), choices=TrainingProgramme.choices)
    capacity = forms.IntegerField(label=_("Kapasitas"), min_value=1, max_value=500, initial=30)


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal sesi"), widget=DATE)
    topic = forms.CharField(label=_("Materi"), max_length=200)


class EnrolForm(forms.Form):
    business = forms.ModelChoiceField(label=_("Usaha"), queryset=None)

    def __init__(self, *args, businesses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = businesses


class GroceryRoundForm(forms.Form):
    name = forms.CharField(label=_("Nama kegiatan"), max_length=200)
    held_on = forms.DateField(label=_("Tanggal belanja"), widget=DATE)


class PurchaseForm(forms.Form):
    shop = forms.ModelChoiceField(label=_("Warung"), queryset=None)
    buyer = forms.CharField(label=_("ASN / instansi pembeli"), max_length=200)
    packages = forms.IntegerField(label=_("Jumlah paket"), min_value=1)
    amount = forms.DecimalField(label=_("Nilai belanja (Rp)"), min_value=0, decimal_places=0)

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops


class DistributionForm(forms.Form):
    nik = forms.CharField(label=_("NIK penerima"), max_length=16)
    packages = forms.IntegerField(label=_("Jumlah paket"), min_value=1, initial=1)
    goods = forms.CharField(label=_("Isi paket"), max_length=255, required=False)
