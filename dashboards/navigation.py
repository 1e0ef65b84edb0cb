from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dashboards.services import allowed


def links(user) -> list[tuple[str, str]]:
    if allowed(user):
        return [(reverse("dashboards:home"), _("Dasbor"))]
    return []
