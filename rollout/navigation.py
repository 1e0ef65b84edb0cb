"""Menu links of the rollout app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rollout import services


def links(user) -> list[tuple[str, str]]:
    if not services.may_see_results(user):
        return []
    return [
        (reverse("rollout:overview"), _("Penerapan desa")),
        (reverse("rollout:questionnaire_list"), _("Kuesioner monev")),
    ]
