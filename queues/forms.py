"""Forms of the queue pages: choosing a point, taking a ticket, and the counter's actions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from queues import services
from queues.models import PriorityGroup, ServiceLine, ServicePoint


class PointChoiceForm(forms.Form):
    titik = forms.ModelChoiceField(
        label=_("Titik layanan"),
        queryset=ServicePoint.objects.none(),
        to_field_name="code",
        empty_label=_("Pilih kantor atau loket"),
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["titik"].queryset = points


class LineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceLine) -> str:
        return f"{obj.prefix} · {obj.display_name}"


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PriorityGroup) -> str:
        return obj.display_name


class TicketForm(forms.Form):
    """What a visitor chooses at the kiosk, at the door or in the app."""

    line = LineChoiceField(
        label=_("Layanan"),
        queryset=ServiceLine.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    priority_group = PriorityChoiceField(
        label=_("Kelompok prioritas (jika termasuk)"),
        queryset=PriorityGroup.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        empty_label=_("Tidak termasuk"),
        help_text=_("Kelompok ini dipanggil lebih dahulu. Petugas dapat memeriksanya di loket."),
    )
    reference = forms.CharField(
        label=_("Kode permohonan atau pengaduan (jika ada)"),
        required=False,
        max_length=20,
        help_text=_("Misalnya SK-7GQ4-K2MX atau AD-7GQ4-K2MX."),
    )

    def __init__(self, *args, point: ServicePoint, **kwargs):
        super().__init__(*args, **kwargs)
        self.point = point
        self.fields["line"].queryset = point.lines.filter(is_active=True).order_by(
            "position", "prefix"
        )
        self.fields["priority_group"].queryset = PriorityGroup.objects.filter(is_active=True)
        self.application = None
        self.complaint = None

    def clean_reference(self) -> str:
        code = self.cleaned_data["reference"]
        try:
            self.application, self.complaint = services.find_reference(self.point, code)
        except services.QueueError as error:
            raise ValidationError(error.message) from error
        return code


class CounterActionForm(forms.Form):
    ACTIONS = ("call_next", "recall", "finish", "skip", "transfer")

    action = forms.ChoiceField(choices=[(name, name) for name in ACTIONS])
    line = LineChoiceField(
        label=_("Alihkan ke layanan"), queryset=ServiceLine.objects.none(), required=False
    )

    def __init__(self, *args, counter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = counter.point.lines.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("action") == "transfer" and not data.get("line"):
            self.add_error("line", _("Pilih layanan tujuan."))
        return data
