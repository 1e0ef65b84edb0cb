"""Menu links of the economy app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from economy import services


def links(user) -> list[tuple[str, str]]:
    if not services.may_view(user):
        return []
    return [
        (reverse("economy:business_list"), _("UMKM")),
        (reverse("economy:grocery_report"), _("Sembako ASN")),
    ]
