"""The regency-sized lists of the load benchmark: memberships, and flags only for real overlaps."""

import random

import pytest

from assistance.demo_data import BULK_PERIOD, generate_bulk
from assistance.models import Flag, Membership
from people.demo import seed_population


@pytest.mark.django_db
def test_bulk_lists_flag_exactly_the_families_with_forbidden_combinations():
    seed_population(residents=2000, seed=11)

    written = generate_bulk(rng=random.Random(5))

    memberships = Membership.objects.filter(period=BULK_PERIOD)
    assert written == memberships.count() > 0
    village_fund = set(
        memberships.filter(programme__code="BLT-DD").values_list("family_id", flat=True)
    )
    others = set(
        memberships.filter(programme__code__in=["PKH", "BPNT", "BST"]).values_list(
            "family_id", flat=True
        )
    )
    flagged = set(Flag.objects.filter(period=BULK_PERIOD).values_list("family_id", flat=True))
    assert flagged == village_fund & others
