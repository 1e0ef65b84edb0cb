"""The queue endpoints of the API (/api/v1/queues/)."""

import json

import pytest

from accounts.roles import Role
from api import services as api_services
from api.models import TokenKind
from queues import services
from queues.models import PointKind, ServiceLine, ServicePoint, Ticket, TicketChannel

pytestmark = pytest.mark.django_db

BASE = "/api/v1/queues"


def bearer(user, kind):
    token = api_services.issue_token(
        user,
        kind=kind,
        lifetime=api_services.resident_token_lifetime(),
        village=user.region if kind == TokenKind.KIOSK else None,
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}


def post(client, path, payload, headers):
    return client.post(
        f"{BASE}{path}", json.dumps(payload), content_type="application/json", **headers
    )


@pytest.fixture
def kiosk_headers(kiosk):
    return bearer(kiosk, TokenKind.KIOSK)


@pytest.fixture
def resident_headers(resident_user):
    return bearer(resident_user, TokenKind.RESIDENT)


def test_points_and_priority_groups_are_public_lists(client, point, letters, complaints_line):
    points = client.get(f"{BASE}/points").json()
    groups = client.get(f"{BASE}/priority-groups").json()

    assert points["count"] == 1
    assert points["items"][0]["code"] == point.code
    assert [line["prefix"] for line in points["items"][0]["lines"]] == ["A", "B"]
    assert [group["code"] for group in groups["items"]] == ["lansia", "disabilitas", "ibu-hamil"]


def test_the_point_list_costs_the_same_queries_for_more_points(
    client, village, django_assert_num_queries
):
    def add(index):
        point = ServicePoint.objects.create(
            code=f"t-{index}", name=f"T {index}", kind=PointKind.VILLAGE_OFFICE, region=village
        )
        ServiceLine.objects.create(point=point, prefix="A", name="Surat")

    add(0)
    with django_assert_num_queries(3):
        client.get(f"{BASE}/points")
    for index in range(1, 6):
        add(index)
    with django_assert_num_queries(3):
        assert client.get(f"{BASE}/points").json()["count"] == 6


def test_a_kiosk_takes_a_ticket_and_anyone_follows_it_by_token(
    client, point, letters, kiosk_headers, elderly
):
    response = post(
        client,
        f"/points/{point.code}/tickets",
        {"line_id": letters.pk, "priority_group": "lansia"},
        kiosk_headers,
    )

    body = response.json()
    assert response.status_code == 201, body
    assert (body["code"], body["is_priority"], body["ahead"]) == ("A-001", True, 0)
    assert Ticket.objects.get().channel == TicketChannel.KIOSK
    followed = client.get(f"{BASE}/tickets/{body['token']}").json()
    assert followed["status"] == "waiting"


def test_a_resident_takes_a_ticket_in_the_app(client, point, letters, resident_headers):
    response = post(
        client, f"/points/{point.code}/tickets", {"line_id": letters.pk}, resident_headers
    )

    assert response.status_code == 201
    assert Ticket.objects.get().channel == TicketChannel.APP


def test_a_kiosk_of_another_village_gets_404(client, point, letters, make_user, other_village):
    headers = bearer(make_user(Role.KIOSK, region=other_village), TokenKind.KIOSK)

    response = post(client, f"/points/{point.code}/tickets", {"line_id": letters.pk}, headers)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_input_names_the_field(client, point, letters, mall_point, kiosk_headers):
    path = f"/points/{point.code}/tickets"
    foreign_line = mall_point.lines.get()

    wrong_line = post(client, path, {"line_id": foreign_line.pk}, kiosk_headers)
    wrong_group = post(
        client, path, {"line_id": letters.pk, "priority_group": "vip"}, kiosk_headers
    )
    wrong_code = post(
        client, path, {"line_id": letters.pk, "reference": "SK-ZZZZ-ZZZZ"}, kiosk_headers
    )

    assert wrong_line.status_code == 422 and "line_id" in wrong_line.json()["fields"]
    assert wrong_group.status_code == 422 and "priority_group" in wrong_group.json()["fields"]
    assert wrong_code.status_code == 422 and "reference" in wrong_code.json()["fields"]
    assert not Ticket.objects.exists()


def test_taking_a_ticket_needs_a_token(client, point, letters):
    response = post(client, f"/points/{point.code}/tickets", {"line_id": letters.pk}, {})

    assert response.status_code == 401


def test_the_board_is_public(client, point, letters, counter_two, village_officer):
    services.take_ticket(point=point, line=letters, channel=TicketChannel.KIOSK)
    services.call_next(counter_two, user=village_officer)

    board = client.get(f"{BASE}/points/{point.code}/board").json()

    assert board["calls"][0]["code"] == "A-001"
    assert board["calls"][0]["counter"] == "Loket 2"
    assert client.get(f"{BASE}/points/tidak-ada/board").status_code == 404
