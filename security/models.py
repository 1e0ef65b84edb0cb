"""Second sign-in factor for staff: a TOTP authenticator (RFC 6238), secret stored encrypted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffTOTP(models.Model):
    """One authenticator app per staff account.

    ``secret_encrypted`` is the confirmed base32 secret sealed with the key of
    ``security.crypto``; the database alone does not give it away. ``last_step`` is the last
    accepted 30-second step, so a code is accepted once only (no replay within its window).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp"
    )
    secret_encrypted = models.TextField(blank=True)
    # A new secret being set up (first enrolment or a new phone); the old one stays valid until
    # a code from the new one is accepted.
    pending_secret_encrypted = models.TextField(blank=True)
    confirmed_at = models.DateTimeField(_("aktif sejak"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("autentikator dua langkah")
        verbose_name_plural = _("autentikator dua langkah")

    def __str__(self) -> str:
        return f"TOTP for {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
