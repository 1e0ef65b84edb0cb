"""Menu links of the resident portal, and the public pages every visitor may open."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


def links(user) -> list[tuple[str, str]]:
    if getattr(user, "role", None) == Role.RESIDENT and user.resident_id:
        return [(reverse("portal:dashboard"), _("Beranda warga"))]
    return []


def public_links() -> list[tuple[str, str]]:
    """Public pages; the complaint form appears once the complaints app provides it."""
    wanted = [
        ("services:catalogue", _("Katalog layanan")),
        ("portal:status", _("Cek status permohonan")),
        ("portal:verify", _("Periksa keaslian dokumen")),
        ("complaints:create", _("Sampaikan pengaduan")),
        ("portal:activate", _("Aktivasi akun warga")),
    ]
    found = []
    for name, label in wanted:
        try:
            found.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return found
