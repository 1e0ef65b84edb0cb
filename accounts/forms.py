"""Sign-in form: one box for a resident's NIK or a staff username, one for the PIN or password."""

import re

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

# Separators people type or copy from an ID card between the groups of a NIK.
_NIK_SEPARATORS = re.compile(r"[\s.\-]")


class SignInForm(AuthenticationForm):
    """Django's AuthenticationForm with wording for NIK + PIN and staff username + password.

    The error for a failed sign-in is the same whether or not the NIK or username exists, so
    the form never tells anyone who is registered.
    """

    error_messages = {
        "invalid_login": _(
            "NIK/nama pengguna atau PIN/kata sandi tidak cocok. Periksa keduanya lalu coba "
            "lagi. Jika lupa PIN, datanglah ke kantor desa/kelurahan dengan membawa KTP."
        ),
        "inactive": _(
            "NIK/nama pengguna atau PIN/kata sandi tidak cocok. Periksa keduanya lalu coba "
            "lagi. Jika lupa PIN, datanglah ke kantor desa/kelurahan dengan membawa KTP."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("NIK atau nama pengguna")
        username.help_text = _("Warga: 16 angka NIK pada KTP. Petugas: nama pengguna.")
        username.error_messages["required"] = _("Isi NIK atau nama pengguna Anda.")
        username.widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        username.widget.attrs.pop("autofocus", None)
        password = self.fields["password"]
        password.label = _("PIN atau kata sandi")
        password.error_messages["required"] = _("Isi PIN atau kata sandi Anda.")
        password.widget.attrs["autocomplete"] = "current-password"

    def clean_username(self) -> str:
        """Accept a NIK typed with spaces, dots or hyphens, as printed on some cards.

        Normalising here also makes the lockout count "3510 0115..." and "35100115..." as
        the same name.
        """
        username = self.cleaned_data["username"].strip()
        compact = _NIK_SEPARATORS.sub("", username)
        if compact.isdigit() and compact.isascii():
            return compact
        return username
