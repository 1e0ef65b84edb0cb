"""Menu links of the queues app (collected by ``accounts.views.navigation``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from queues.views import OPERATOR_ROLES


def links(user) -> list[tuple[str, str]]:
    role = getattr(user, "role", None)
    if role in OPERATOR_ROLES:
        return [(reverse("queues:point_list"), _("Loket antrean"))]
    if role in (Role.KIOSK, Role.RESIDENT):
        return [(reverse("queues:take_ticket"), _("Ambil nomor antrean"))]
    return []
