"""Complaint pages: public form, list and tracking, call centre, staff triage, routing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from complaints import services
from complaints.models import Category, Channel, Complaint, ComplaintEvent, State

pytestmark = pytest.mark.django_db


def _form(place, **extra):
    data = {
        "category": Category.INFRASTRUCTURE,
        "description": "Jembatan kayu di dusun Krajan patah sebagian.",
        "village": place.pk,
        "reporter_name": "Siti Pelapor",
        "reporter_phone": "081299990000",
    }
    data.update(extra)
    return data


# --------------------------------------------------------------------------- public


def test_visitor_files_a_complaint_and_lands_on_its_tracking_page(client, village):
    response = client.post(reverse("complaints:create"), _form(village))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("complaints:track", args=[complaint.tracking_code])
        + f"?kunci={services.reporter_key(complaint)}"
    )
    assert complaint.channel == Channel.WEB
    assert complaint.reporter_phone == "081299990000"
    page = client.get(response["Location"])
    assert complaint.tracking_code in page.text
    assert "Siti Pelapor" not in page.text and "081299990000" not in page.text


def test_form_without_village_asks_for_it(client, village):
    response = client.post(reverse("complaints:create"), _form(village, village=""))
    assert response.status_code == 200
    assert "Pilih desa/kelurahan" in response.text
    assert Complaint.objects.count() == 0


def test_signed_in_resident_without_village_uses_their_own(client, resident_user, village):
    client.force_login(resident_user)
    data = _form(village, village="")
    del data["reporter_name"], data["reporter_phone"]
    response = client.post(reverse("complaints:create"), data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.village == village
    assert complaint.reporter_user == resident_user


def test_form_refuses_a_photo_that_is_not_an_image(client, village):
    fake = SimpleUploadedFile("jalan.png", b"MZ\x90\x00 a program", content_type="image/png")
    response = client.post(reverse("complaints:create"), {**_form(village), "photo": fake})
    assert response.status_code == 200
    assert "bukan foto" in response.text
    assert Complaint.objects.count() == 0


def test_kiosk_files_with_its_village_and_channel(client, kiosk, village):
    client.force_login(kiosk)
    response = client.post(reverse("complaints:create"), _form(village, village=""))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.village) == (Channel.KIOSK, village)


def test_public_list_shows_no_personal_data(client, make_complaint, resident_user):
    make_complaint(
        description="Jalan rusak, hubungi saya di 081234567890 atau budi@contoh.id.",
        reporter_name="Budi Rahasia",
    )
    services.submit_complaint(
        services.Intake(category=Category.ILLEGAL_LEVY, description="Diminta uang Rp100.000."),
        channel=Channel.WEB,
        user=resident_user,
    )
    response = client.get(reverse("complaints:public_list"))
    assert response.status_code == 200
    for secret in ("Budi Rahasia", "081234567890", "budi@contoh.id", "SUPARMAN", "Rp100.000"):
        assert secret not in response.text
    assert "Sarongan" in response.text


def test_public_list_query_count_does_not_grow(client, make_complaint, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_complaint()
    client.get(reverse("complaints:public_list"))  # warm caches
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("complaints:public_list"))
    for _ in range(6):
        make_complaint()
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("complaints:public_list"))


def test_public_list_is_keyset_paged(client, make_complaint, settings):
    from complaints import views

    codes = [make_complaint().tracking_code for _ in range(views.PAGE_SIZE + 2)]
    first = client.get(reverse("complaints:public_list"))
    assert codes[-1] in first.text and codes[0] not in first.text
    assert first.context["page"].has_next
    second = client.get(reverse("complaints:public_list") + first.context["page"].next_url)
    assert codes[0] in second.text and codes[-1] not in second.text


def test_reporter_answers_resolved_or_reopens_by_tracking_code(
    client, make_complaint, village_officer
):
    complaint = make_complaint()
    key = {"kunci": services.reporter_key(complaint)}
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    page = client.get(reverse("complaints:track", args=[complaint.tracking_code]), key)
    assert "sudah teratasi" in page.text and 'name="kunci"' in page.text
    assert "Selesai ditangani" in page.text and "resolved" not in page.text

    reopen = reverse("complaints:track_reopen", args=[complaint.tracking_code])
    client.post(reopen, {"reason": "", **key})
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED
    client.post(reopen, {"reason": "Masih berlubang.", **key})
    complaint.refresh_from_db()
    assert complaint.state == State.REOPENED

    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres 2.")
    client.post(reverse("complaints:track_confirm", args=[complaint.tracking_code]), key)
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED and complaint.reporter_confirmed


@pytest.mark.parametrize("key", ["", "AAAAA-AAAAA", "wrong"])
def test_a_stranger_with_the_public_code_cannot_close_or_reopen(
    client, make_complaint, village_officer, key
):
    """The public list shows every tracking code: the code alone answers nothing."""
    complaint = make_complaint()
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    url = reverse("complaints:track", args=[complaint.tracking_code])

    page = client.get(url, {"kunci": key} if key else {}).text
    reopened = client.post(
        reverse("complaints:track_reopen", args=[complaint.tracking_code]),
        {"reason": "Orang asing", "kunci": key},
        follow=True,
    )
    client.post(reverse("complaints:track_confirm", args=[complaint.tracking_code]), {"kunci": key})

    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED and not complaint.reporter_confirmed
    assert "Ya, sudah teratasi" not in page and "Kunci jawaban" in page
    assert "Hanya pelapor yang dapat menjawab" in reopened.text
    assert not complaint.events.filter(action__in=["reopen", "confirm"]).exists()


def test_the_reporter_key_is_given_at_filing_and_in_messages(client, village, outbox):
    response = client.post(reverse("complaints:create"), _form(village), follow=True)
    complaint = Complaint.objects.get()
    key = services.reporter_key(complaint)

    assert key in response.text and response.request["QUERY_STRING"] == f"kunci={key}"
    assert any(key in message.text for message in outbox)


def test_the_signed_in_resident_who_filed_it_answers_without_a_key(
    client, make_complaint, village_officer, resident_user
):
    complaint = make_complaint(user=resident_user)
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    client.force_login(resident_user)

    page = client.get(reverse("complaints:track", args=[complaint.tracking_code])).text
    client.post(reverse("complaints:track_confirm", args=[complaint.tracking_code]))

    complaint.refresh_from_db()
    assert "Ya, sudah teratasi" in page and complaint.state == State.CLOSED


def test_unknown_tracking_code_is_404(client):
    assert client.get(reverse("complaints:track", args=["AD-XXXX-XXXX"])).status_code == 404


# --------------------------------------------------------------------------- call centre


def test_call_centre_screen_is_for_operators_only(client, village_officer, call_centre_operator):
    client.force_login(village_officer)
    assert client.get(reverse("complaints:call_centre")).status_code == 403
    client.force_login(call_centre_operator)
    assert client.get(reverse("complaints:call_centre")).status_code == 200


def test_operator_takes_an_anonymous_illegal_levy_call(client, call_centre_operator, village):
    client.force_login(call_centre_operator)
    response = client.post(
        reverse("complaints:call_centre"),
        _form(
            village,
            category=Category.ILLEGAL_LEVY,
            anonymous="on",
            reporter_name="",
            reporter_phone="",
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.CALL_CENTRE and complaint.is_anonymous
    assert complaint.created_by == call_centre_operator
    listing = client.get(reverse("complaints:call_centre"))
    assert complaint.tracking_code in listing.text


# --------------------------------------------------------------------------- staff scope


@pytest.fixture
def complaint(make_complaint):
    return make_complaint()


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("regent", True),
        ("district_head", True),
        ("village_officer", True),
        ("other_village_officer", False),
        ("agency_officer", False),
        ("call_centre_operator", False),
        ("resident_user", False),
        ("kiosk", False),
    ],
)
def test_staff_detail_follows_role_scope(client, request, complaint, persona, sees):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("complaints:staff_detail", args=[complaint.tracking_code]))
    if sees:
        assert response.status_code == 200
        assert complaint.description in response.text
    else:
        assert response.status_code in (403, 404)
        assert complaint.description not in response.text


def test_agency_officer_sees_complaints_routed_to_their_agency(
    client, make_complaint, regent, agency, agency_officer
):
    services.save_routing_rule(
        user=regent, category=Category.HEALTH, district=None, village=None, agency=agency
    )
    routed = make_complaint(category=Category.HEALTH)
    other = make_complaint()
    client.force_login(agency_officer)
    listing = client.get(reverse("complaints:staff_list"))
    assert routed.tracking_code in listing.text and other.tracking_code not in listing.text
    assert (
        client.get(reverse("complaints:staff_detail", args=[other.tracking_code])).status_code
        == 404
    )


def test_staff_list_query_count_is_constant(
    client, make_complaint, village_officer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_complaint()
    client.force_login(village_officer)
    client.get(reverse("complaints:staff_list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("complaints:staff_list"))
    for _ in range(5):
        make_complaint()
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("complaints:staff_list"))


def test_illegal_levy_reporter_never_shown_to_the_office_complained_about(
    client, resident_user, village_officer, district_head, regent, agency, agency_officer
):
    complaint = services.submit_complaint(
        services.Intake(
            category=Category.ILLEGAL_LEVY,
            description="Kaur desa minta Rp200.000 untuk surat pindah.",
            reporter_phone="081277778888",
        ),
        channel=Channel.WEB,
        user=resident_user,
    )
    assert complaint.state == State.NEW  # no rule: never to the village office by default
    url = reverse("complaints:staff_detail", args=[complaint.tracking_code])
    client.force_login(village_officer)
    assert client.get(url).status_code == 404
    assert complaint.tracking_code not in client.get(reverse("complaints:staff_list")).text

    # The district head sends it to an agency; neither sees who reported it.
    client.force_login(district_head)
    page = client.get(url)
    assert page.status_code == 200 and "Dirahasiakan" in page.text
    client.post(
        reverse("complaints:staff_update", args=[complaint.tracking_code]),
        {"category": Category.ILLEGAL_LEVY, "village": complaint.village_id, "agency": agency.pk},
    )
    complaint.refresh_from_db()
    assert complaint.agency == agency and complaint.state == State.ASSIGNED
    client.force_login(agency_officer)
    page = client.get(url)
    assert page.status_code == 200
    for user in (district_head, agency_officer):
        client.force_login(user)
        page = client.get(url)
        assert "SUPARMAN" not in page.text and "081277778888" not in page.text
    client.force_login(regent)
    page = client.get(url)
    assert "SUPARMAN" in page.text and "081277778888" in page.text


def test_staff_sees_similar_complaints_before_triage(client, make_complaint, village_officer):
    target = make_complaint(description="Jalan berlubang besar di depan balai desa Sarongan.")
    alike = make_complaint(description="Ada lubang besar di jalan depan balai desa.")
    client.force_login(village_officer)
    page = client.get(reverse("complaints:staff_detail", args=[target.tracking_code]))
    assert alike.tracking_code in page.text


def test_staff_steps_through_the_pages(client, complaint, village_officer):
    client.force_login(village_officer)
    code = complaint.tracking_code
    client.post(
        reverse("complaints:staff_transition", args=[code]),
        {"to_state": State.RESOLVED, "note": "Sudah diperbaiki."},
    )
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED
    response = client.post(
        reverse("complaints:staff_transition", args=[code]), {"to_state": State.IN_PROGRESS}
    )
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED
    assert "Buka kembali" in client.get(response["Location"]).text

    for _ in range(2):
        client.post(reverse("complaints:staff_reply", args=[code]), {"body": "Terima kasih."})
    assert ComplaintEvent.objects.filter(complaint=complaint, is_reply=True).count() == 1


def test_edit_or_delete_without_signing_in_is_refused(client, complaint, village):
    before = (complaint.category, complaint.village_id, complaint.state)
    code = complaint.tracking_code
    update = client.post(
        reverse("complaints:staff_update", args=[code]),
        {"category": Category.HEALTH, "village": village.pk},
    )
    delete = client.post(reverse("complaints:staff_delete", args=[code]))
    transition = client.post(
        reverse("complaints:staff_transition", args=[code]), {"to_state": State.RESOLVED}
    )
    for response in (update, delete, transition):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    complaint.refresh_from_db()
    assert (complaint.category, complaint.village_id, complaint.state) == before


def test_delete_by_a_village_officer_is_refused(client, complaint, village_officer):
    client.force_login(village_officer)
    response = client.post(reverse("complaints:staff_delete", args=[complaint.tracking_code]))
    assert response.status_code == 403
    assert Complaint.objects.filter(pk=complaint.pk).exists()


def test_photo_is_served_only_within_scope(
    client, village, png_upload, village_officer, other_village_officer
):
    complaint = services.submit_complaint(
        services.Intake(
            category=Category.INFRASTRUCTURE,
            description="Lampu jalan mati sepekan.",
            village=village,
            reporter_name="Budi",
        ),
        channel=Channel.WEB,
        photo_uploads=[png_upload()],
    )
    url = reverse("complaints:photo", args=[complaint.photos.get().pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(other_village_officer)
    assert client.get(url).status_code == 404
    client.force_login(village_officer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


# --------------------------------------------------------------------------- routing page


def test_routing_page_is_the_regents(client, regent, village_officer, agency):
    client.force_login(village_officer)
    assert client.get(reverse("complaints:routing")).status_code == 403
    client.force_login(regent)
    response = client.post(
        reverse("complaints:routing"),
        {"save_rule": "1", "category": Category.HEALTH, "agency": agency.pk},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("complaints:routing"),
        {"save_level": "1", "level-category": Category.HEALTH, "level-working_days": "2"},
    )
    assert response.status_code == 302
    assert services.service_days(Category.HEALTH) == 2
    page = client.get(reverse("complaints:routing"))
    assert agency.short_name in page.text


def test_navigation_links_open_for_each_role(client, request):
    from complaints.navigation import links

    for persona in ("regent", "village_officer", "call_centre_operator", "resident_user"):
        user = request.getfixturevalue(persona)
        client.force_login(user)
        for url, _label in links(user):
            assert client.get(url).status_code == 200, (persona, url)
        assert (reverse("complaints:staff_list"), "Kelola pengaduan") in links(user) or (
            user.role not in (Role.REGENT, Role.VILLAGE_OFFICER)
        )


def test_pages_are_light_and_translated(client, complaint, village_officer):
    page = client.get(reverse("complaints:create"))
    assert len(page.content) < 150_000
    assert "<script" not in page.text and 'style="' not in page.text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("complaints:create"))
    assert "Send complaint" in english.text
    client.force_login(village_officer)
    detail = client.get(reverse("complaints:staff_detail", args=[complaint.tracking_code]))
    assert len(detail.content) < 150_000
    assert 'style="' not in detail.text


def test_the_timeline_names_who_acted_in_the_readers_language(
    client, make_complaint, village_officer
):
    complaint = make_complaint()
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    services.confirm_resolved(complaint)
    url = reverse("complaints:track", args=[complaint.tracking_code])

    indonesian = client.get(url).text
    client.cookies["django_language"] = "en"
    english = client.get(url).text

    office = village_officer.region.name
    assert f"Petugas desa / kelurahan {office}" in indonesian and "Pelapor" in indonesian
    assert f"Village officer {office}" in english and "Reporter" in english
    assert "Pelapor" not in english and "Petugas desa" not in english


def test_the_tracking_page_spells_out_the_agency(client, make_complaint, agency, regent):
    services.save_routing_rule(
        user=regent, category=Category.INFRASTRUCTURE, district=None, village=None, agency=agency
    )
    complaint = make_complaint(category=Category.INFRASTRUCTURE)

    page = client.get(reverse("complaints:track", args=[complaint.tracking_code])).text

    assert "Dinas Kependudukan dan Pencatatan Sipil (Dispendukcapil)" in page
