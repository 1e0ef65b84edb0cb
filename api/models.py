"""API access tokens: what the Android app and the village kiosks sign in with."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    RESIDENT = "resident", _("Warga (aplikasi)")
    KIOSK = "kiosk", _("Perangkat kios")
    KIOSK_RESIDENT = "kiosk_resident", _("Warga di kios")


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def owned_by(self, user):
        """The tokens a signed-in user may list and revoke: their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)


class ApiToken(models.Model):
    """One signed-in device. Only the SHA-256 of the token is kept; the token itself is shown
    once, when it is issued.

    Tokens are 256 random bits, so a plain hash is enough: nobody can guess one to test
    against the table, and a stolen table does not give working tokens.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("pengguna"),
    )
    kind = models.CharField(_("jenis"), max_length=16, choices=TokenKind.choices)
    name = models.CharField(_("nama perangkat"), max_length=100, blank=True)
    # The first characters of the token, to tell tokens apart in lists; not enough to use one.
    prefix = models.CharField(_("awalan"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Kiosk tokens: the kiosk's village when it signed in. A resident signed in on a kiosk: the
    # kiosk session it came through, so ending that session ends the resident's too.
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan kios"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("sesi kios"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicabut oleh"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="kiosk") | models.Q(village__isnull=False),
                name="api_kiosk_token_has_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.get_kind_display()})"

    @property
    def is_kiosk_session(self) -> bool:
        """A resident signed in on a village kiosk (short-lived)."""
        return self.kind == TokenKind.KIOSK_RESIDENT

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
