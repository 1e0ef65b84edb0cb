"""Forms of the public pages, the resident activation, the kiosk and the rating."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import SignInForm
from core.workdays import regency_today
from documents.forms import VerifyUploadForm
from people.nik import InvalidIdentifier, normalise_identifier


def _sixteen_digits(value: str, label) -> str:
    try:
        digits = normalise_identifier(value).value
    except InvalidIdentifier as error:
        raise ValidationError(
            _("%(label)s harus 16 angka, seperti tertulis pada kartu.") % {"label": label}
        ) from error
    if len(digits) != 16 or not digits.isdigit():
        raise ValidationError(
            _("%(label)s harus 16 angka, seperti tertulis pada kartu.") % {"label": label}
        )
    return digits


def _numeric_input(**attrs):
    return forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", **attrs}
    )


class ActivationForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("16 angka pada KTP atau Kartu Keluarga."),
        widget=_numeric_input(),
    )
    no_kk = forms.CharField(
        label=_("No. KK"),
        max_length=40,
        help_text=_("16 angka Nomor Kartu Keluarga."),
        widget=_numeric_input(),
    )
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        help_text=_("Sesuai Kartu Keluarga."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )

    def clean_nik(self) -> str:
        return _sixteen_digits(self.cleaned_data["nik"], _("NIK"))

    def clean_no_kk(self) -> str:
        return _sixteen_digits(self.cleaned_data["no_kk"], _("No. KK"))

    def clean_birth_date(self) -> date:
        born = self.cleaned_data["birth_date"]
        if born > regency_today() or born.year < 1900:
            raise ValidationError(_("Tanggal lahir tidak masuk akal. Periksa lagi."))
        return born


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode dari SMS"),
        max_length=12,
        help_text=_("6 angka yang dikirim ke nomor HP yang terdaftar di data kependudukan."),
        widget=_numeric_input(autocomplete="one-time-code"),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise ValidationError(_("Kode terdiri dari 6 angka."))
        return code


class SecretForm(forms.Form):
    secret = forms.CharField(
        label=_("PIN baru"),
        max_length=128,
        help_text=_("6 angka yang mudah Anda ingat tetapi sulit ditebak orang lain."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "inputmode": "numeric"}),
    )
    secret_again = forms.CharField(
        label=_("Ulangi PIN baru"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("secret") and cleaned.get("secret") != cleaned.get("secret_again"):
            self.add_error("secret_again", _("Kedua PIN tidak sama. Ketik ulang."))
        return cleaned


class KioskSignInForm(SignInForm):
    """NIK and PIN only, with big numeric inputs for a touch screen."""

    # Residents only: no user names or passwords on this screen (the same answer whether or
    # not the NIK exists, as on the main sign-in page).
    error_messages = {
        key: _(
            "NIK atau PIN tidak cocok. Periksa keduanya lalu coba lagi. Jika lupa PIN, "
            "mintalah bantuan petugas desa/kelurahan dengan membawa KTP."
        )
        for key in ("invalid_login", "inactive")
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("NIK")
        username.help_text = _("16 angka pada KTP.")
        username.error_messages["required"] = _("Isi NIK Anda.")
        username.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        password = self.fields["password"]
        password.label = _("PIN")
        password.error_messages["required"] = _("Isi PIN Anda.")
        password.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})


class KioskDeviceForm(SignInForm):
    """The kiosk device account's user name and password, to bind or unbind a browser."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Nama pengguna perangkat kios")
        self.fields["username"].help_text = ""
        self.fields["password"].label = _("Kata sandi perangkat kios")


class StatusForm(forms.Form):
    code = forms.CharField(
        label=_("Kode permohonan"),
        max_length=40,
        help_text=_("Contoh: SK-7GQ4-K2MX. Tertulis pada bukti pengajuan dan di SMS."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode verifikasi atau alamat dari kode QR"),
        max_length=300,
        help_text=_("Tertulis di bawah kode QR pada dokumen."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )


class VerifyPdfForm(VerifyUploadForm):
    pass


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Nilai layanan"),
        coerce=int,
        choices=[
            (5, _("5 — sangat baik")),
            (4, _("4 — baik")),
            (3, _("3 — cukup")),
            (2, _("2 — kurang")),
            (1, _("1 — buruk")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Komentar (tidak wajib)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
