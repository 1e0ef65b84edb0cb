"""Menu links of the planning app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from planning.views import may_browse


def links(user) -> list[tuple[str, str]]:
    if not may_browse(user):
        return []
    return [(reverse("planning:proposal_list"), _("Musrenbang"))]
