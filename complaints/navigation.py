"""Menu links of the complaints app for the signed-in user."""

from django.urls import reverse
from django.utils.translation import gettext as _

from complaints import services


def links(user) -> list[tuple[str, str]]:
    found = [(reverse("complaints:create"), _("Pengaduan"))]
    if services.may_take_calls(user):
        found.append((reverse("complaints:call_centre"), _("Call center 112")))
    if services.is_staff(user):
        found.append((reverse("complaints:staff_list"), _("Kelola pengaduan")))
    if services.may_edit_routing(user):
        found.append((reverse("complaints:routing"), _("Aturan pengaduan")))
    return found
