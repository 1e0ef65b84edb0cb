"""A service switched on only from a rollout stage cannot be applied for in a village before it."""

import pytest

from rollout.models import ServiceRollout, Stage, VillageReadiness
from services.workflow import NotPermitted

pytestmark = pytest.mark.django_db


def test_a_village_before_the_services_stage_is_refused(draft, village_letter, applicant):
    ServiceRollout.objects.create(service=village_letter, from_stage=Stage.RUNNING)
    VillageReadiness.objects.create(village=applicant.village, stage=Stage.PILOT)

    with pytest.raises(NotPermitted, match="belum dibuka di desa Anda"):
        draft(village_letter)


def test_the_same_village_may_apply_once_it_reaches_the_stage(draft, village_letter, applicant):
    ServiceRollout.objects.create(service=village_letter, from_stage=Stage.RUNNING)
    VillageReadiness.objects.create(village=applicant.village, stage=Stage.RUNNING)

    assert draft(village_letter).service == village_letter


def test_a_service_without_a_rollout_rule_is_open_everywhere(draft, village_letter):
    assert draft(village_letter).pk is not None
