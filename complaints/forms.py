"""Forms of the complaint pages. They only parse input; the rules are in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from complaints.models import Category, State
from complaints.services import DESCRIPTION_MAX, DESCRIPTION_MIN, Intake
from regions.models import Region


def _village_choices():
    return Region.objects.villages().select_related("parent").order_by("parent__name", "name")


class VillageField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.parent.name}"


class ComplaintForm(forms.Form):
    """The public form (web, kiosk); the call-centre form adds the caller's details."""

    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    description = forms.CharField(
        label=_("Isi pengaduan"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang terjadi, kapan, dan di mana. Jangan menulis NIK."),
    )
    village = VillageField(
        label=_("Desa/kelurahan kejadian"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Jika kosong, dipakai desa/kelurahan tempat Anda terdaftar."),
    )
    address = forms.CharField(
        label=_("Lokasi (jalan, dusun, RT/RW)"), required=False, max_length=255
    )
    latitude = forms.CharField(label=_("Lintang (opsional)"), required=False, max_length=20)
    longitude = forms.CharField(label=_("Bujur (opsional)"), required=False, max_length=20)
    photo = forms.FileField(
        label=_("Foto (opsional)"),
        required=False,
        help_text=_("JPEG atau PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    anonymous = forms.BooleanField(
        label=_("Laporkan tanpa identitas (hanya untuk pungutan liar)"), required=False
    )
    reporter_name = forms.CharField(label=_("Nama pelapor"), required=False, max_length=150)
    reporter_phone = forms.CharField(
        label=_("Nomor HP pelapor"),
        required=False,
        max_length=20,
        help_text=_("Untuk kabar perkembangan pengaduan."),
    )

    def __init__(self, *args, ask_identity: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = _village_choices()
        if not ask_identity:
            del self.fields["reporter_name"]
            del self.fields["reporter_phone"]

    def intake(self) -> Intake:
        data = self.cleaned_data
        return Intake(
            category=data["category"],
            description=data["description"],
            village=data.get("village"),
            latitude=data.get("latitude") or None,
            longitude=data.get("longitude") or None,
            address=data.get("address", ""),
            anonymous=data.get("anonymous", False),
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
        )


class TrackForm(forms.Form):
    kode = forms.CharField(label=_("Kode lacak"), max_length=16, help_text="AD-XXXX-XXXX")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(
        label=_("Ubah status menjadi"),
        choices=[
            (State.IN_PROGRESS, State.IN_PROGRESS.label),
            (State.RESOLVED, State.RESOLVED.label),
            (State.REFERRED, State.REFERRED.label),
            (State.CLOSED, State.CLOSED.label),
        ],
    )
    note = forms.CharField(
        label=_("Catatan untuk pelapor"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referred_to = forms.CharField(label=_("Dirujuk ke"), required=False, max_length=200)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Balasan untuk pelapor"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("Kode pengaduan asal"), max_length=16)


class UpdateForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    village = VillageField(label=_("Desa/kelurahan"), queryset=Region.objects.none())
    agency = forms.ModelChoiceField(
        label=_("Teruskan ke instansi"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text=_("Kosongkan untuk mengikuti aturan penerusan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = _village_choices()


class StaffFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua"))] + State.choices
    )
    category = forms.ChoiceField(
        label=_("Kategori"), required=False, choices=[("", _("Semua"))] + Category.choices
    )
    overdue = forms.BooleanField(label=_("Hanya yang terlambat"), required=False)


class PublicFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kategori"), required=False, choices=[("", _("Semua"))] + Category.choices
    )


class RoutingRuleForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    district = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Region.objects.districts().order_by("name"),
        required=False,
        help_text=_("Kosongkan untuk seluruh kabupaten."),
    )
    village = VillageField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("Kosongkan untuk seluruh kecamatan atau kabupaten."),
    )
    agency = forms.ModelChoiceField(
        label=_("Instansi tujuan"),
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text=_("Kosongkan untuk meneruskan ke kantor desa/kelurahan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = _village_choices()


class ServiceLevelForm(forms.Form):
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    working_days = forms.IntegerField(label=_("Hari kerja"), min_value=1, max_value=90)
