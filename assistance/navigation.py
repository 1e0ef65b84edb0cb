"""Menu links of the assistance pages (see accounts.views.navigation)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import REGISTER_ROLES, Role
from assistance.services import IMPORT_ROLES, REVIEW_ROLES


def links(user) -> list[tuple[str, str]]:
    role = getattr(user, "role", None)
    found = []
    if role in IMPORT_ROLES:
        found.append((reverse("assistance:programme_list"), _("Bantuan sosial")))
    if role in REVIEW_ROLES:
        found.append((reverse("assistance:flag_list"), _("Temuan bantuan")))
    if role in REGISTER_ROLES:
        found.append((reverse("assistance:missed"), _("Belum menerima bantuan")))
    if role == Role.RESIDENT and user.resident_id:
        found.append((reverse("assistance:my_receipts"), _("Bantuan saya")))
    return found
