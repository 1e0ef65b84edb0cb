"""Menu links of the health app for a signed-in user (only pages that would not answer 403)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role
from health.services import is_staff_with_scope


def links(user) -> list[tuple[str, str]]:
    if getattr(user, "role", None) == Role.RESIDENT and user.resident_id:
        return [(reverse("health:self_report"), _("Lapor terdampak pandemi"))]
    if not is_staff_with_scope(user):
        return []
    return [
        (reverse("health:dashboard"), _("Kesehatan")),
        (reverse("health:places"), _("Rumah isolasi")),
        (reverse("health:affected_list"), _("Warga terdampak")),
    ]
