from django.db.models import Count

from regions.loading import load_regions
from regions.models import Level, Region


def test_migration_loads_every_banyuwangi_region(db):
    counts = dict(Region.objects.values_list("level").annotate(n=Count("id")))

    assert counts == {
        Level.PROVINCE: 1,
        Level.REGENCY: 1,
        Level.DISTRICT: 25,
        Level.VILLAGE: 189,
        Level.URBAN_VILLAGE: 28,
    }


def test_loading_twice_changes_nothing(db):
    before = list(Region.objects.values_list("id", "code", "name", "parent_id", "postal_code"))

    counts = load_regions()

    assert counts == {"created": 0, "updated": 0, "total": 244}
    assert list(Region.objects.values_list("id", "code", "name", "parent_id", "postal_code")) == (
        before
    )


def test_a_renamed_village_is_updated_in_place(db):
    village = Region.objects.get(code="35.10.22.2004")
    Region.objects.filter(pk=village.pk).update(name="Sineporejo")

    counts = load_regions()

    assert counts["updated"] == 1
    assert Region.objects.get(pk=village.pk).name == "Seneporejo"


def test_villages_with_the_same_name_are_told_apart_by_code(db):
    karangrejo = Region.objects.villages().filter(name="Karangrejo")

    assert sorted(karangrejo.values_list("code", "level", "parent__name")) == [
        ("35.10.16.1007", Level.URBAN_VILLAGE, "Banyuwangi"),
        ("35.10.25.2008", Level.VILLAGE, "Blimbingsari"),
    ]


def test_codes_are_kept_with_and_without_dots(db):
    village = Region.objects.get(digits="3510012001")

    assert village.code == "35.10.01.2001"
    assert village.name == "Sarongan"
    assert village.postal_code == "68488"
    assert village.parent.code == "35.10.01"
    assert village.parent.parent.name == "Kabupaten Banyuwangi"


def test_every_village_has_a_postal_code_and_a_district_parent(db):
    villages = Region.objects.villages().select_related("parent")

    assert villages.count() == 217
    assert all(v.postal_code and v.parent.level == Level.DISTRICT for v in villages)
