"""Queue pages through the test client: taking a ticket, the ticket, the board, the counter."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from queues import services
from queues.models import (
    Counter,
    PointKind,
    ServiceLine,
    ServicePoint,
    Ticket,
    TicketChannel,
    TicketStatus,
)
from queues.navigation import links

from .conftest import wib

pytestmark = pytest.mark.django_db

TAKE = reverse("queues:take_ticket")


def take_url(point):
    return f"{TAKE}?titik={point.code}"


def counter_url(counter):
    return reverse("queues:counter_screen", args=[counter.pk])


def assert_no_inline_script(page: str) -> None:
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
    assert 'style="' not in page


# --------------------------------------------------------------------------- taking a ticket


def test_a_visitor_at_the_door_chooses_the_point_then_takes_a_number(
    client, point, letters, elderly
):
    chooser = client.get(TAKE).content.decode()
    assert point.name in chooser

    form = client.get(take_url(point)).content.decode()
    assert "Surat keterangan" in form and "Lansia" in form
    assert_no_inline_script(form)

    response = client.post(take_url(point), {"line": letters.pk, "priority_group": elderly.pk})

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("queues:ticket_detail", args=[ticket.token])
    assert (ticket.code, ticket.channel, ticket.is_priority) == ("A-001", TicketChannel.DOOR, True)
    assert ticket.taken_by is None


def test_one_browser_holds_one_waiting_number_per_point(client, point, letters):
    client.post(take_url(point), {"line": letters.pk})

    response = client.post(take_url(point), {"line": letters.pk})

    held = Ticket.objects.get()
    assert response["Location"] == reverse("queues:ticket_detail", args=[held.token])


def test_an_unknown_point_is_a_form_error(client, point):
    response = client.get(f"{TAKE}?titik=tidak-ada")

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_a_wrong_reference_code_is_shown_on_its_field(client, point, letters):
    response = client.post(take_url(point), {"line": letters.pk, "reference": "SK-ZZZZ-ZZZZ"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Kode permohonan atau pengaduan (jika ada)" in page
    assert "SK-ZZZZ-ZZZZ tidak ditemukan" in page
    assert not Ticket.objects.exists()


def test_a_missing_line_is_refused(client, point, letters):
    response = client.post(take_url(point), {})

    assert "error-summary" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_kiosk_goes_straight_to_its_village_office_and_prints_many(client, kiosk, point, letters):
    client.force_login(kiosk)

    assert "Surat keterangan" in client.get(TAKE).content.decode()
    client.post(TAKE, {"line": letters.pk})
    client.post(TAKE, {"line": letters.pk})

    assert list(Ticket.objects.order_by("number").values_list("code", "channel")) == [
        ("A-001", TicketChannel.KIOSK),
        ("A-002", TicketChannel.KIOSK),
    ]


def test_a_kiosk_cannot_print_for_another_village(client, kiosk, point, other_village):
    elsewhere = ServicePoint.objects.create(
        code="kantor-desa-lain",
        name="Kantor Desa Lain",
        kind=PointKind.VILLAGE_OFFICE,
        region=other_village,
    )
    line = ServiceLine.objects.create(point=elsewhere, prefix="A", name="Surat")
    client.force_login(kiosk)

    response = client.post(take_url(elsewhere), {"line": line.pk})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_resident_takes_a_number_in_the_app(client, resident_user, point, letters):
    client.force_login(resident_user)

    client.post(take_url(point), {"line": letters.pk})

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.resident) == (TicketChannel.APP, resident_user.resident)


def test_the_ticket_page_shows_the_number_and_who_is_ahead_but_no_person(
    client, point, letters, resident_user
):
    services.take_ticket(point=point, line=letters, channel=TicketChannel.KIOSK)
    mine = services.take_ticket(
        point=point, line=letters, channel=TicketChannel.APP, user=resident_user
    )

    page = client.get(reverse("queues:ticket_detail", args=[mine.token])).content.decode()

    assert "A-002" in page and "1 orang" in page
    assert resident_user.resident.full_name not in page
    assert "queues/refresh.js" in page
    assert client.get(reverse("queues:ticket_detail", args=["tebakan"])).status_code == 404


# --------------------------------------------------------------------------- display board


def test_the_display_board_refreshes_itself_from_a_static_script(
    client, point, letters, counter_two, village_officer
):
    services.take_ticket(point=point, line=letters, channel=TicketChannel.KIOSK)
    services.call_next(counter_two, user=village_officer)

    page = client.get(reverse("queues:display_board", args=[point.code])).content.decode()
    data = client.get(reverse("queues:board_data", args=[point.code])).json()

    assert "queues/board.js" in page and "A-001" in page
    assert reverse("queues:board_data", args=[point.code]) in page
    assert_no_inline_script(page)
    assert data["calls"][0]["code"] == "A-001"
    assert data["calls"][0]["counter"] == "Loket 2"
    assert data["lines"][0] == {"prefix": "A", "name": "Surat keterangan", "waiting": 0}


def test_the_board_data_is_never_cached(client, point):
    response = client.get(reverse("queues:board_data", args=[point.code]))

    assert "no-cache" in response["Cache-Control"]


# --------------------------------------------------------------------------- counter screen


def test_an_officer_calls_recalls_transfers_and_finishes_at_the_counter(
    client, village_officer, point, letters, complaints_line, counter_two
):
    at = wib(2026, 12, 4, 8, 0)
    first = services.take_ticket(point=point, line=letters, channel="kiosk", now=at)
    client.force_login(village_officer)
    url = counter_url(counter_two)

    assert "A-001" in client.get(url).content.decode()
    client.post(url, {"action": "call_next"})
    client.post(url, {"action": "recall"})
    screen = client.get(url).content.decode()
    client.post(url, {"action": "transfer", "line": complaints_line.pk})

    first.refresh_from_db()
    assert "Panggil ulang" in screen and "A-001" in screen
    assert_no_inline_script(screen)
    assert (first.recalls, first.line, first.status) == (1, complaints_line, TicketStatus.WAITING)


def test_a_transfer_without_a_line_says_which_field(client, village_officer, point, counter_two):
    client.force_login(village_officer)

    response = client.post(counter_url(counter_two), {"action": "transfer"}, follow=True)

    assert "Pilih layanan tujuan." in response.content.decode()


def test_an_empty_queue_is_said_plainly(client, village_officer, counter_two):
    client.force_login(village_officer)

    response = client.post(counter_url(counter_two), {"action": "call_next"}, follow=True)

    assert "Tidak ada yang menunggu." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_village_officer", 404),
        ("agency_officer", 404),
        ("call_centre_operator", 403),
        ("kiosk", 403),
        ("resident_user", 403),
    ],
)
def test_a_counter_outside_the_scope_is_refused(client, request, counter_one, persona, status):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(counter_url(counter_one)).status_code == status
    assert client.post(counter_url(counter_one), {"action": "call_next"}).status_code == status


def test_a_district_head_of_another_district_gets_404(
    client, make_user, other_village, counter_one
):
    client.force_login(make_user(Role.DISTRICT_HEAD, region=other_village.parent))

    assert client.get(counter_url(counter_one)).status_code == 404


def test_signing_in_is_required_for_the_counter(client, counter_one):
    response = client.get(counter_url(counter_one))

    assert response.status_code == 302 and "masuk" in response["Location"]


# --------------------------------------------------------------------------- point list


def make_points(region, count, start=0):
    for index in range(start, start + count):
        point = ServicePoint.objects.create(
            code=f"titik-{index}", name=f"Titik {index:02d}", kind="village_office", region=region
        )
        line = ServiceLine.objects.create(point=point, prefix="A", name="Surat")
        counter = Counter.objects.create(point=point, name="Loket 1")
        counter.lines.set([line])
        services.take_ticket(point=point, line=line, channel=TicketChannel.KIOSK)


def test_the_point_list_costs_the_same_queries_for_more_points(
    client, village_officer, village, django_assert_num_queries
):
    client.force_login(village_officer)
    make_points(village, 2)
    url = reverse("queues:point_list")
    client.get(url)  # warm the session and the user

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    make_points(village, 5, start=2)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()

    assert page.count("Loket 1") == 7
    assert "Titik 06" in page


def test_the_point_list_shows_only_points_in_scope(client, other_village_officer, point):
    client.force_login(other_village_officer)

    page = client.get(reverse("queues:point_list")).content.decode()

    assert point.name not in page
    assert "Tidak ada titik layanan" in page


def test_the_menu_offers_each_role_its_queue_page(
    village_officer, kiosk, resident_user, call_centre_operator
):
    assert links(village_officer)[0][0] == reverse("queues:point_list")
    assert links(kiosk)[0][0] == TAKE
    assert links(resident_user)[0][0] == TAKE
    assert links(call_centre_operator) == []


def test_waiting_times_show_on_the_counter_screen(
    client, village_officer, point, letters, counter_two
):
    from django.utils import timezone

    now = timezone.now()
    services.take_ticket(
        point=point, line=letters, channel="kiosk", now=now - timedelta(minutes=12)
    )
    services.call_next(counter_two, user=village_officer, now=now)
    client.force_login(village_officer)

    page = client.get(counter_url(counter_two)).content.decode()

    assert "Menunggu 12 menit" in page


def test_a_resident_at_a_kiosk_bound_browser_takes_a_kiosk_number(
    rf, kiosk, resident_user, point, letters
):
    from django.contrib.sessions.middleware import SessionMiddleware

    from queues.views import take_ticket

    request = rf.post(TAKE, {"line": letters.pk})
    SessionMiddleware(lambda request: None).process_request(request)
    request.user = resident_user
    request.kiosk = kiosk  # what the portal's kiosk middleware sets on a bound browser

    response = take_ticket(request)

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.channel, ticket.resident) == (TicketChannel.KIOSK, resident_user.resident)
