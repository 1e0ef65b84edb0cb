from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from security import twofactor


def links(user) -> list[tuple[str, str]]:
    if user.role == Role.RESIDENT and user.resident_id:
        return [(reverse("security:access_history"), _("Siapa membuka data saya"))]
    if twofactor.is_staff(user):
        return [(reverse("security:enrol"), _("Masuk dua langkah"))]
    return []
