"""The resident portal: my applications (keyset pages), revision, download, rating; scope."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditEntry
from portal import services as portal
from portal.models import ServiceRating


def test_dashboard_lists_my_applications_with_the_next_step(client, application_in_state):
    returned = application_in_state("returned")
    issued = application_in_state("issued")
    client.force_login(returned.created_by)

    response = client.get(reverse("portal:dashboard"))
    body = response.content.decode()

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert reverse("services:application_edit", args=[returned.tracking_code]) in body
    assert "Lampirkan surat pengantar RT" in body
    assert reverse("documents:download", args=[issued.document_id]) in body
    assert reverse("portal:rate", args=[issued.tracking_code]) in body
    assert reverse("people:my_data") in body


@pytest.mark.parametrize("persona", ["village_officer", "regent", "kiosk"])
def test_dashboard_is_for_residents_only(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("portal:dashboard")).status_code == 403


def test_dashboard_needs_sign_in(client, db):
    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dashboard_pages_run_the_same_queries_whatever_the_rows(
    client, application_in_state, resident_with_pin, django_assert_num_queries, settings
):
    client.force_login(resident_with_pin)
    application_in_state("draft")
    client.get(reverse("portal:dashboard"))  # warm the session and the site caches
    with django_assert_num_queries(3) as small:
        client.get(reverse("portal:dashboard"))
    for _row in range(portal.PAGE_SIZE + 3):
        application_in_state("draft")
    with django_assert_num_queries(len(small.captured_queries)):
        first = client.get(reverse("portal:dashboard"))
    cursor = first.context["next_cursor"]
    assert cursor is not None
    with django_assert_num_queries(len(small.captured_queries)):
        second = client.get(reverse("portal:dashboard"), {"sebelum": cursor})
    assert len(first.context["applications"]) == portal.PAGE_SIZE
    assert len(second.context["applications"]) == 4
    assert second.context["next_cursor"] is None


def test_rating_a_finished_application_once(client, application_in_state, resident_with_pin):
    application = application_in_state("issued")
    client.force_login(resident_with_pin)
    url = reverse("portal:rate", args=[application.tracking_code])

    assert client.get(url).status_code == 200
    first = client.post(url, {"score": "5", "comment": "Cepat dan ramah"}, follow=True)
    twice = client.post(url, {"score": "1", "comment": "lagi"}, follow=True)

    rating = ServiceRating.objects.get(application=application)
    assert (rating.score, rating.comment) == (5, "Cepat dan ramah")
    assert "Terima kasih atas penilaian Anda." in first.content.decode()
    assert "sudah Anda nilai" in twice.content.decode()
    assert AuditEntry.objects.filter(action="portal.rating.created").count() == 1


def test_an_unfinished_application_cannot_be_rated(client, application_in_state, resident_with_pin):
    application = application_in_state("submitted")
    client.force_login(resident_with_pin)

    response = client.post(
        reverse("portal:rate", args=[application.tracking_code]), {"score": "4"}, follow=True
    )

    assert "setelah permohonan selesai" in response.content.decode()
    assert not ServiceRating.objects.exists()


def test_a_score_outside_one_to_five_is_refused_by_the_form(
    client, application_in_state, resident_with_pin
):
    application = application_in_state("issued")
    client.force_login(resident_with_pin)

    response = client.post(reverse("portal:rate", args=[application.tracking_code]), {"score": "9"})

    assert response.status_code == 200
    assert "Nilai layanan" in response.content.decode()
    assert not ServiceRating.objects.exists()


def test_another_resident_cannot_rate_or_see_my_application(
    client, application_in_state, make_user, resident_elsewhere
):
    application = application_in_state("issued")
    other = make_user(Role.RESIDENT, resident=resident_elsewhere)
    client.force_login(other)

    response = client.post(reverse("portal:rate", args=[application.tracking_code]), {"score": "1"})
    listing = client.get(reverse("portal:dashboard")).content.decode()

    assert response.status_code == 404
    assert application.tracking_code not in listing
    assert not ServiceRating.objects.exists()


@pytest.mark.parametrize("persona", ["village_officer", "other_village_officer", "regent"])
def test_staff_cannot_rate_for_a_resident(client, request, persona, application_in_state):
    application = application_in_state("issued")
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("portal:rate", args=[application.tracking_code]), {"score": "1"})

    assert response.status_code == 403
    assert not ServiceRating.objects.exists()


def test_navigation_offers_the_resident_portal_to_residents_only(
    client, resident_with_pin, village_officer
):
    from portal.navigation import links

    assert links(resident_with_pin) == [(reverse("portal:dashboard"), "Beranda warga")]
    assert links(village_officer) == []


def test_demo_ratings_are_added_once(application_in_state):
    import io

    from portal import demo_data
    from portal.models import ServiceRating

    for _ in range(3):
        application_in_state("issued")
    demo_data.seed(seed=1, stdout=io.StringIO())
    application_in_state("issued")  # finished since the first run
    again = io.StringIO()
    demo_data.seed(seed=1, stdout=again)

    assert ServiceRating.objects.count() == 3
    assert "already present" in again.getvalue()
