"""Every role against residents inside and outside its scope, at the queryset level."""

import pytest

from accounts.roles import Role
from people.models import Family, Resident


@pytest.fixture
def everyone(resident_in_village, resident_elsewhere):
    return resident_in_village, resident_elsewhere


def visible(user):
    return set(Resident.objects.visible_to(user))


def test_regent_sees_the_whole_regency(regent, everyone):
    assert visible(regent) == set(everyone)


def test_district_head_sees_only_their_district(district_head, everyone):
    inside, outside = everyone

    assert visible(district_head) == {inside}


def test_village_officer_sees_only_their_village(village_officer, everyone):
    inside, outside = everyone

    assert visible(village_officer) == {inside}


def test_village_officer_of_another_village_does_not_see_ours(other_village_officer, everyone):
    inside, outside = everyone

    assert visible(other_village_officer) == {outside}


def test_village_officer_does_not_see_a_neighbouring_village(
    village_officer, make_resident, neighbour_village
):
    neighbour = make_resident(neighbour_village, full_name="TETANGGA")

    assert neighbour not in visible(village_officer)


@pytest.mark.parametrize("persona", ["agency_officer", "call_centre_operator", "kiosk"])
def test_roles_without_register_access_see_nobody(request, persona, everyone):
    user = request.getfixturevalue(persona)

    assert visible(user) == set()
    assert set(Family.objects.visible_to(user)) == set()


def test_resident_sees_themself_and_their_family_only(resident_user, make_resident, everyone):
    head, outside = everyone
    child = make_resident(head.village, family=head.family, full_name="ANAK UJI")
    stranger_same_village = make_resident(head.village, full_name="ORANG LAIN")

    assert visible(resident_user) == {head, child}
    assert stranger_same_village not in visible(resident_user)


def test_resident_without_family_sees_only_themself(make_user, make_resident, village):
    alone = make_resident(village, full_name="SENDIRI")
    other = make_resident(village, full_name="ORANG LAIN")
    user = make_user(Role.RESIDENT, resident=alone)

    assert visible(user) == {alone}
    assert other not in visible(user)


def test_anonymous_and_inactive_users_see_nobody(village_officer, everyone):
    from django.contrib.auth.models import AnonymousUser

    village_officer.is_active = False

    assert visible(AnonymousUser()) == set()
    assert visible(village_officer) == set()


def test_a_staff_role_without_its_region_sees_nobody(village_officer, everyone):
    village_officer.region = None

    assert visible(village_officer) == set()


def test_an_unknown_role_fails_closed(village_officer, everyone):
    village_officer.role = "someone_new"

    assert visible(village_officer) == set()
