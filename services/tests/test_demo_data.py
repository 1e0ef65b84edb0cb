import io

import pytest
from django.db.models import Count

from accounts.demo import DEMO_VILLAGE_CODE, ensure_demo_accounts
from regions.models import Region
from services import demo_data
from services.models import Application


@pytest.mark.django_db
def test_the_demo_village_gets_applications_in_every_state(
    settings, tmp_path, make_family, make_resident
):
    settings.VAR_DIR = tmp_path
    village = Region.objects.get(code=DEMO_VILLAGE_CODE)
    for _ in range(25):
        make_resident(village, family=make_family(village))
    ensure_demo_accounts()
    out = io.StringIO()
    demo_data.seed(seed=7, stdout=out)
    states = dict(
        Application.objects.filter(village__code=DEMO_VILLAGE_CODE)
        .values_list("state")
        .annotate(n=Count("id"))
    )
    assert states.get("issued") == 8
    assert states.get("submitted") == 6 and states.get("returned") == 2
    assert states.get("draft") == 2
    assert Application.objects.filter(state="issued", document__isnull=False).count() == 8
    demo_data.seed(seed=7, stdout=out)  # a second run adds nothing
    assert Application.objects.count() == sum(states.values())
