"""Every role against applications inside and outside its scope, at the queryset level."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.roles import Role
from services import services
from services.models import Application


@pytest.fixture
def elsewhere_user(make_user, resident_elsewhere):
    return make_user(Role.RESIDENT, resident=resident_elsewhere)


@pytest.fixture
def ours(submitted, village_letter):
    return submitted(village_letter)


@pytest.fixture
def theirs(elsewhere_user, resident_elsewhere, village_letter):
    """An application of another district's village (Kebalenan, Banyuwangi)."""
    application = services.start_application(
        service=village_letter,
        user=elsewhere_user,
        subject=resident_elsewhere,
        form_data={"keperluan": "Melamar pekerjaan"},
    )
    return services.submit(application, elsewhere_user)


def visible(user):
    return set(Application.objects.visible_to(user))


def test_the_regent_sees_every_application(regent, ours, theirs):
    assert visible(regent) == {ours, theirs}


def test_village_staff_see_only_their_village(village_officer, other_village_officer, ours, theirs):
    assert visible(village_officer) == {ours}
    assert visible(other_village_officer) == {theirs}


def test_a_neighbouring_village_sees_nothing_of_ours(make_user, neighbour_village, ours):
    neighbour_officer = make_user(Role.VILLAGE_OFFICER, region=neighbour_village)

    assert visible(neighbour_officer) == set()


def test_district_staff_see_their_district_only(district_head, other_district_head, ours, theirs):
    assert visible(district_head) == {ours}
    assert visible(other_district_head) == {theirs}


def test_agency_staff_see_only_what_was_forwarded_to_their_agency(
    verified, village_officer, dukcapil_officer, other_agency_head, agency_service, ours
):
    application = verified(agency_service)
    assert visible(dukcapil_officer) == set()

    services.forward(application, village_officer)

    assert visible(dukcapil_officer) == {application}
    assert visible(other_agency_head) == set()


def test_a_resident_sees_their_own_and_their_familys_applications(
    make_user, applicant_user, child, draft, village_letter, ours, theirs
):
    for_child = draft(village_letter, subject=child)
    child_user = make_user(Role.RESIDENT, resident=child)

    assert visible(applicant_user) == {ours, for_child}
    assert visible(child_user) == {ours, for_child}


def test_a_resident_of_another_family_sees_none_of_ours(elsewhere_user, ours, theirs):
    assert visible(elsewhere_user) == {theirs}


@pytest.mark.parametrize("persona", ["call_centre_operator", "kiosk"])
def test_roles_without_applications_see_none(request, persona, ours):
    assert visible(request.getfixturevalue(persona)) == set()


def test_the_task_force_sees_no_applications(make_user, ours):
    assert visible(make_user(Role.TASK_FORCE)) == set()


def test_anonymous_and_inactive_users_see_none(village_officer, ours):
    village_officer.is_active = False

    assert visible(AnonymousUser()) == set()
    assert visible(village_officer) == set()
