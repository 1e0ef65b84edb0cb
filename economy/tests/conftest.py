import pytest

from economy import services


@pytest.fixture
def warung(village_officer, resident_in_village):
    return services.register_business(
        village_officer,
        owner_nik=resident_in_village.nik,
        name="Warung Bu Sri",
        sector="retail",
        size="micro",
        is_warung=True,
    )


@pytest.fixture
def grocery_round(village_officer):
    return services.create_grocery_round(
        village_officer, name="Belanja ASN Mei", held_on="2026-05-10"
    )
