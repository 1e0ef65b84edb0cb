from django import forms
from django.utils.translation import gettext_lazy as _

from planning.models import MeetingLevel, Outcome, Sector, Status


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Judul usulan"), max_length=200)
    sector = forms.ChoiceField(label=_("Bidang"), choices=Sector.choices)
    location = forms.CharField(label=_("Lokasi"), max_length=255)
    hamlet = forms.CharField(label=_("Dusun"), max_length=100, required=False)
    estimated_cost = forms.DecimalField(
        label=_("Perkiraan biaya (Rp)"), min_value=0, decimal_places=0, max_digits=14
    )
    description = forms.CharField(
        label=_("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class NewProposalForm(ProposalForm):
    photo = forms.FileField(label=_("Foto (JPEG/PNG, boleh kosong)"), required=False)
    confirm = forms.BooleanField(
        label=_("Saya sudah melihat usulan yang mirip dan tetap ingin mengirim usulan baru"),
        required=False,
    )


class FilterForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *Status.choices]
    )
    level = forms.TypedChoiceField(
        label=_("Tahap"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Semua tahap")), *MeetingLevel.choices],
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("year"):
            queryset = queryset.filter(year=data["year"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("level"):
            queryset = queryset.filter(level=data["level"])
        return queryset


class MeetingForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    level = forms.TypedChoiceField(label=_("Tingkat"), coerce=int, choices=MeetingLevel.choices)
    hamlet = forms.CharField(label=_("Dusun (musyawarah dusun)"), max_length=100, required=False)
    held_on = forms.DateField(
        label=_("Tanggal rapat"), widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes = forms.CharField(label=_("Notulen"), widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Rapat"), queryset=None)
    outcome = forms.ChoiceField(label=_("Keputusan"), choices=Outcome.choices)
    funded_amount = forms.DecimalField(
        label=_("Dana disetujui (Rp, bila didanai)"), required=False, min_value=0, decimal_places=0
    )
    note = forms.CharField(label=_("Catatan"), max_length=255, required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class MergeForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        label=_("Usulan yang digabung ke usulan ini"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Alasan"), max_length=255, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = candidates


class SplitForm(forms.Form):
    title_1 = forms.CharField(label=_("Bagian 1: judul"), max_length=200)
    cost_1 = forms.DecimalField(label=_("Bagian 1: biaya (Rp)"), min_value=0, decimal_places=0)
    title_2 = forms.CharField(label=_("Bagian 2: judul"), max_length=200)
    cost_2 = forms.DecimalField(label=_("Bagian 2: biaya (Rp)"), min_value=0, decimal_places=0)
    title_3 = forms.CharField(
        label=_("Bagian 3: judul (boleh kosong)"), max_length=200, required=False
    )
    cost_3 = forms.DecimalField(
        label=_("Bagian 3: biaya (Rp)"), min_value=0, decimal_places=0, required=False
    )

    def parts(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"title": data[f"title_{n}"], "estimated_cost": data[f"cost_{n}"]}
            for n in (1, 2, 3)
            if data.get(f"title_{n}")
        ]


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Kemajuan (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Catatan"), max_length=255, required=False)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Foto (JPEG/PNG)"))
