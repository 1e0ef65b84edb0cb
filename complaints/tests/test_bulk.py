"""The regency-sized complaint table of the load benchmark."""

import random

import pytest

from complaints.demo_data import generate_bulk
from complaints.models import Category, Complaint
from people.demo import seed_population


@pytest.mark.django_db
def test_bulk_complaints_belong_to_registered_residents_and_their_villages():
    seed_population(residents=500, seed=11)

    assert generate_bulk(count=120, rng=random.Random(5)) == 120

    complaints = Complaint.objects.select_related("reporter_resident")
    assert complaints.count() == 120
    assert len({complaint.tracking_code for complaint in complaints}) == 120
    assert all(c.village_id == c.reporter_resident.village_id for c in complaints)
    assert not complaints.filter(category=Category.ILLEGAL_LEVY).exists()
