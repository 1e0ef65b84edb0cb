"""Open311 GeoReport v2: read methods through the third-party ``georeport`` client against a
live server, creation with plain form-encoded HTTP, and the spec's error format."""

from __future__ import annotations

import datetime
import json
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from georeport import GeoReport

from complaints import services
from complaints.models import Category, Channel, Complaint, Open311Key, State

BASE = "/open311/v2"


def _errors(response) -> list[tuple[str, str]]:
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors"
    return [(error.findtext("code"), error.findtext("description")) for error in root]


def _post(client, fmt="xml", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def _valid(key, village, **extra):
    data = {
        "api_key": key,
        "service_code": Category.INFRASTRUCTURE,
        "lat": "-8.598",
        "long": "114.155",
        "description": "Jalan aspal amblas sepanjang dua meter dekat jembatan.",
        "attribute[village_code]": village.code,
        "first_name": "Rina",
        "phone": "081355550000",
    }
    data.update(extra)
    return data


# --------------------------------------------------------------------------- live server


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_read_methods_with_the_georeport_client(live_server, make_complaint, village_officer):
    open_one = make_complaint(latitude="-8.598000", longitude="114.155000")
    closed_one = make_complaint(category=Category.HEALTH, description="Puskesmas pembantu tutup.")
    services.transition(closed_one, user=village_officer, to_state=State.RESOLVED, note="Buka.")
    services.transition(closed_one, user=village_officer, to_state=State.CLOSED)

    for output_format in ("json", "xml"):
        client = GeoReport(
            f"{live_server.url}{BASE}",
            jurisdiction="banyuwangikab.go.id",
            output_format=output_format,
        )
        found = client.get_service_list()
        assert {service["service_code"] for service in found} == set(Category.values)

        definition = client.get_service_definition(Category.ILLEGAL_LEVY)
        attributes = definition["attributes"]
        if output_format == "xml":
            attributes = attributes["attribute"]
        codes = [attribute["code"] for attribute in attributes]
        assert codes == ["village_code", "anonymous"]

        everything = client.get_service_requests()
        everything = everything if isinstance(everything, list) else [everything]
        assert {row["service_request_id"] for row in everything} == {
            open_one.tracking_code,
            closed_one.tracking_code,
        }
        closed = client.get_service_requests(status="closed")
        closed = closed if isinstance(closed, list) else [closed]
        assert [row["service_request_id"] for row in closed] == [closed_one.tracking_code]
        by_code = client.get_service_requests(service_code=Category.INFRASTRUCTURE)
        by_code = by_code if isinstance(by_code, list) else [by_code]
        assert [row["service_request_id"] for row in by_code] == [open_one.tracking_code]

        single = client.get_service_request(open_one.tracking_code)
        assert single["status"] == "open"
        assert single["requested_datetime"].endswith("+07:00")
        assert float(single["lat"]) == pytest.approx(-8.598)
        assert "Warga Pelapor" not in json.dumps(single)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_create_with_plain_http(live_server, open311_key, village):
    body = urllib.parse.urlencode(_valid(open311_key, village)).encode()
    request = urllib.request.Request(
        f"{live_server.url}{BASE}/requests.xml",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        assert response.status == 200
        root = ElementTree.fromstring(response.read())
    code = root.find("request/service_request_id").text
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.channel == Channel.OPEN311
    assert complaint.village == village
    assert complaint.reporter_name == "Rina"

    unkeyed = urllib.request.Request(
        f"{live_server.url}{BASE}/requests.json",
        data=urllib.parse.urlencode({"service_code": "health"}).encode(),
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(unkeyed, timeout=10)  # noqa: S310 (loopback)
    assert caught.value.code == 403
    assert json.loads(caught.value.read())[0]["code"] == 403


# --------------------------------------------------------------------------- creation


pytestmark_db = pytest.mark.django_db


@pytest.mark.django_db
def test_api_keys_are_stored_hashed(open311_key):
    stored = Open311Key.objects.get()
    assert stored.key_hash != open311_key and open311_key not in stored.key_hash
    assert stored.prefix == open311_key[:8]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "status", "mentions"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "salah"}, 403, "api_key"),
        ({"service_code": "pothole"}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "200"}, 400, "lat"),
        ({"lat": "utara"}, 400, "lat"),
        ({"long": ""}, 400, "long"),
        ({"description": "x" * 10_000}, 400, "description"),
        ({"description": ""}, 400, "description"),
        ({"attribute[village_code]": "99.99"}, 400, "village_code"),
        ({"attribute[anonymous]": "true"}, 400, "anonymous"),
        ({"jurisdiction_id": "surabaya.go.id"}, 404, "jurisdiction_id"),
    ],
)
def test_bad_posts_answer_in_the_spec_error_format(
    client, open311_key, village, change, status, mentions
):
    for fmt in ("xml", "json"):
        response = _post(client, fmt, **_valid(open311_key, village, **change))
        assert response.status_code == status
        if fmt == "xml":
            errors = _errors(response)
        else:
            errors = [(str(e["code"]), e["description"]) for e in json.loads(response.content)]
        assert errors and all(code == str(status) for code, _ in errors)
        assert any(mentions in description for _, description in errors), errors
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_post_without_location_is_refused(client, open311_key, village):
    data = _valid(open311_key, village)
    for name in ("lat", "long", "attribute[village_code]"):
        del data[name]
    response = _post(client, **data)
    assert response.status_code == 400
    assert "address_string" in _errors(response)[0][1]


@pytest.mark.django_db
def test_post_with_only_coordinates_waits_for_the_regent(client, open311_key, village):
    data = _valid(open311_key, village)
    del data["attribute[village_code]"]
    response = _post(client, "json", **data)
    assert response.status_code == 200
    complaint = Complaint.objects.get(
        tracking_code=json.loads(response.content)[0]["service_request_id"]
    )
    assert complaint.village is None and complaint.state == State.NEW


@pytest.mark.django_db
def test_anonymous_illegal_levy_over_open311_is_not_published(client, open311_key, village):
    response = _post(
        client,
        "json",
        **_valid(
            open311_key,
            village,
            service_code=Category.ILLEGAL_LEVY,
            description="Oknum minta uang parkir liar di kantor desa.",
            **{"attribute[anonymous]": "true"},
        ),
    )
    code = json.loads(response.content)[0]["service_request_id"]
    complaint = Complaint.objects.get(tracking_code=code)
    assert (
        complaint.is_anonymous and complaint.reporter_name == "" and complaint.reporter_phone == ""
    )
    shown = json.loads(client.get(f"{BASE}/requests/{code}.json").content)[0]
    assert shown["description"] == "" and shown["lat"] is None


# --------------------------------------------------------------------------- reading


@pytest.mark.django_db
def test_discovery_names_both_formats(client):
    data = json.loads(client.get(f"{BASE}/discovery.json").content)
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert data["endpoints"][0]["url"].endswith("/open311/v2")
    root = ElementTree.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert (
        root.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
    )


@pytest.mark.django_db
def test_unknown_service_request_and_format_are_404(client):
    assert _errors(client.get(f"{BASE}/requests/AD-XXXX-XXXX.xml"))[0][0] == "404"
    assert _errors(client.get(f"{BASE}/services/pothole.xml"))[0][0] == "404"
    assert _errors(client.get(f"{BASE}/services.yaml"))[0][0] == "404"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "kemarin"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"status": "pending"},
        {"service_code": "pothole"},
    ],
)
def test_bad_filters_are_400(client, query):
    response = client.get(f"{BASE}/requests.xml", query)
    assert response.status_code == 400
    assert _errors(response)[0][0] == "400"


@pytest.mark.django_db
def test_date_filters_use_the_requested_time(client, make_complaint):
    old = make_complaint()
    Complaint.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    new = make_complaint()
    start = (timezone.now() - datetime.timedelta(days=10)).isoformat()
    rows = json.loads(client.get(f"{BASE}/requests.json", {"start_date": start}).content)
    assert [row["service_request_id"] for row in rows] == [new.tracking_code]
    end = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    rows = json.loads(client.get(f"{BASE}/requests.json", {"end_date": end}).content)
    assert [row["service_request_id"] for row in rows] == [old.tracking_code]
    ids = f"{old.tracking_code},{new.tracking_code}"
    rows = json.loads(client.get(f"{BASE}/requests.json", {"service_request_id": ids}).content)
    assert len(rows) == 2


@pytest.mark.django_db
def test_duplicate_shows_open_then_closed_with_its_original(
    client, make_complaint, village_officer
):
    original = make_complaint()
    copy = make_complaint(description="Jalan berlubang lagi di depan balai desa.")
    services.mark_duplicate(copy, user=village_officer, original=original)

    def status(complaint):
        row = json.loads(client.get(f"{BASE}/requests/{complaint.tracking_code}.json").content)[0]
        return row["status"], row["status_notes"]

    assert status(original)[0] == "open"
    dup_status, notes = status(copy)
    assert dup_status == "open" and original.tracking_code in notes

    services.transition(original, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    services.transition(original, user=village_officer, to_state=State.CLOSED)
    assert status(original)[0] == "closed"
    dup_status, notes = status(copy)
    assert dup_status == "closed" and original.tracking_code in notes


@pytest.mark.django_db
def test_internal_states_map_to_open_or_closed(client, make_complaint, village_officer):
    complaint = make_complaint()
    code = complaint.tracking_code
    expected = [
        (State.IN_PROGRESS, "open", {}),
        (State.REFERRED, "closed", {"note": "Urusan PLN.", "referred_to": "PLN"}),
    ]
    for state, open311, extra in expected:
        services.transition(complaint, user=village_officer, to_state=state, **extra)
        row = json.loads(client.get(f"{BASE}/requests/{code}.json").content)[0]
        assert row["status"] == open311
        assert str(State(state).label) in row["status_notes"]


@pytest.mark.django_db
def test_service_request_updates_extension(client, make_complaint, village_officer):
    complaint = make_complaint()
    services.transition(complaint, user=village_officer, to_state=State.IN_PROGRESS)
    services.post_reply(complaint, user=village_officer, body="Tim berangkat besok.")
    services.transition(complaint, user=village_officer, to_state=State.RESOLVED, note="Beres.")
    response = client.get(f"{BASE}/servicerequestupdates.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests_updates"
    updates = [
        (update.findtext("service_request_id"), update.findtext("status"))
        for update in root.findall("request_update")
    ]
    assert (complaint.tracking_code, "IN_PROGRESS") in updates
    assert (complaint.tracking_code, "FIXED") in updates
    times = [update.findtext("updated_datetime") for update in root.findall("request_update")]
    assert all(time.endswith("+07:00") for time in times)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"description": "Jalan rusak\x00 parah sekali di sini."},
        {"first_name": "Ri\x00na"},
        {"address_string": "Dusun\x00Krajan"},
        {"attribute[village_code]": "35.10\x00"},
        {"address_id": "\x00"},
        {"email": "bukan-surel"},
    ],
)
def test_control_characters_and_bad_values_are_400_not_500(client, open311_key, village, change):
    response = _post(client, **_valid(open311_key, village, **change))
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert _errors(response)[0][0] == "400"


@pytest.mark.django_db
def test_nul_in_lookups_is_a_plain_404(client):
    assert client.get(f"{BASE}/requests/AD-\x00.json").status_code == 404
    response = client.get(f"{BASE}/requests.json", {"service_request_id": "AD\x00,X"})
    assert response.status_code == 200 and json.loads(response.content) == []


@pytest.mark.django_db
def test_key_command_issues_a_working_key_and_revokes_it(client, village):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("open311_key", "create", "Aplikasi warga", stdout=out)
    raw = out.getvalue().strip().split(": ", 1)[1]
    assert _post(client, **_valid(raw, village)).status_code == 200
    call_command("open311_key", "revoke", raw[:8], stdout=out)
    assert _post(client, **_valid(raw, village)).status_code == 403
