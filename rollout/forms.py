from django import forms
from django.utils.translation import gettext_lazy as _

from rollout.models import QuestionKind, Stage, Standard


class ChecklistForm(forms.Form):
    """One checkbox and one note per standard."""

    def __init__(self, *args, entries=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        entries = entries or {}
        for standard in Standard:
            entry = entries.get(standard.value)
            self.fields[standard.value] = forms.BooleanField(
                label=standard.label, required=False, initial=bool(entry and entry.met)
            )
            self.fields[f"{standard.value}__note"] = forms.CharField(
                label=_("Catatan: %(standard)s") % {"standard": standard.label},
                required=False,
                max_length=255,
                initial=entry.note if entry else "",
            )

    def values(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        met = {s.value: data[s.value] for s in Standard}
        notes = {s.value: data[f"{s.value}__note"] for s in Standard}
        return met, notes


class StageForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Tahap penerapan"), coerce=int, choices=Stage.choices)


class ServiceStageForm(forms.Form):
    service = forms.CharField(widget=forms.HiddenInput)
    from_stage = forms.TypedChoiceField(
        label=_("Aktif mulai tahap"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Semua desa")), *Stage.choices],
    )


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionRowForm(forms.Form):
    key = forms.SlugField(label=_("Kode (tetap antarputaran)"), max_length=60, required=False)
    text = forms.CharField(label=_("Pertanyaan"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Jenis"), choices=QuestionKind.choices, required=False)
    choices = forms.CharField(
        label=_("Pilihan jawaban (satu per baris)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scale_max = forms.IntegerField(
        label=_("Skala maksimum"), min_value=2, max_value=10, initial=5, required=False
    )
    required = forms.BooleanField(label=_("Wajib dijawab"), required=False, initial=True)


QuestionFormSet = forms.formset_factory(QuestionRowForm, extra=3, max_num=40)


def questions_from(formset) -> list[dict]:
    """The filled rows of the question formset, as service input (empty rows skipped)."""
    questions = []
    for form in formset:
        data = form.cleaned_data
        if not data or not (data.get("text") or "").strip():
            continue
        questions.append(
            {
                "key": data.get("key") or "",
                "text": data["text"],
                "kind": data.get("kind"),
                "choices": (data.get("choices") or "").splitlines(),
                "scale_max": data.get("scale_max") or 5,
                "required": data.get("required", False),
            }
        )
    return questions


class SendRoundForm(forms.Form):
    name = forms.CharField(
        label=_("Nama putaran"), max_length=100, help_text=_("Misalnya Triwulan I 2026.")
    )
    everyone = forms.BooleanField(
        label=_("Kirim ke semua desa/kelurahan"), required=False, initial=True
    )
    villages = forms.ModelMultipleChoiceField(
        label=_("Atau pilih desa/kelurahan"), queryset=None, required=False
    )

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages

    def clean(self):
        data = super().clean()
        if not data.get("everyone") and not data.get("villages"):
            raise forms.ValidationError(_("Pilih desa tujuan atau kirim ke semua desa."))
        return data
