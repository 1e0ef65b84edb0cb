"""The regent's audit trail: filters by action, actor and date, keyset paging, and a query
count that does not depend on the number of entries."""

import html
import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import record
from core.models import AuditEntry

AUDIT_URL = reverse("core:audit_list")


def listed_actions(response) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", response.content.decode())


def _at(entry: AuditEntry, day: str, hour: int = 12) -> None:
    """Move an entry to a given local day and hour (``at`` is set automatically on insert)."""
    moment = timezone.make_aware(datetime.fromisoformat(day).replace(hour=hour))
    AuditEntry.objects.filter(pk=entry.pk).update(at=moment)


def test_filter_by_actor(client, regent, village_officer, resident_in_village):
    record("people.resident.viewed", actor=village_officer, target=resident_in_village)
    record("people.resident.viewed", actor=regent, target=resident_in_village)
    client.force_login(regent)

    response = client.get(AUDIT_URL, {"actor": village_officer.username})

    assert listed_actions(response) == ["people.resident.viewed"]
    assert village_officer.username in response.content.decode()
    assert f"<td>{regent.username}</td>" not in response.content.decode()


def test_filter_by_date_range_counts_whole_local_days(client, regent):
    _at(record("test.before", actor=regent), "2026-03-09", 23)
    _at(record("test.first.morning", actor=regent), "2026-03-10", 0)
    _at(record("test.last.evening", actor=regent), "2026-03-11", 23)
    _at(record("test.after", actor=regent), "2026-03-12", 0)
    client.force_login(regent)

    response = client.get(AUDIT_URL, {"date_from": "2026-03-10", "date_to": "2026-03-11"})
    one_day = client.get(AUDIT_URL, {"date_from": "2026-03-11", "date_to": "2026-03-11"})

    assert listed_actions(response) == ["test.last.evening", "test.first.morning"]
    assert listed_actions(one_day) == ["test.last.evening"]


def test_filters_combine(client, regent, village_officer):
    _at(record("services.application.verified", actor=village_officer), "2026-03-10")
    _at(record("services.application.verified", actor=regent), "2026-03-10")
    _at(record("people.resident.viewed", actor=village_officer), "2026-03-10")
    _at(record("services.application.verified", actor=village_officer), "2026-04-10")
    client.force_login(regent)

    response = client.get(
        AUDIT_URL,
        {
            "action": "services.",
            "actor": village_officer.username,
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
        },
    )

    assert listed_actions(response) == ["services.application.verified"]


def test_an_end_before_the_start_is_refused_by_field(client, regent):
    record("test.anything", actor=regent)
    client.force_login(regent)

    body = html.unescape(
        client.get(AUDIT_URL, {"date_from": "2026-03-10", "date_to": "2026-03-01"}).content.decode()
    )

    assert "Sampai tanggal: “Sampai tanggal” tidak boleh sebelum “Dari tanggal”." in body
    assert "test.anything" not in body


@pytest.mark.parametrize(
    ("data", "label"),
    [
        ({"date_from": "kemarin"}, "Dari tanggal"),
        ({"actor": "x" * 5000}, "Pelaku"),
        ({"action": "'; DROP TABLE core_auditentry; --"}, None),
    ],
)
def test_bad_filter_input_gets_a_message_or_an_empty_list(client, regent, data, label):
    record("test.anything", actor=regent)
    client.force_login(regent)

    response = client.get(AUDIT_URL, data)

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "test.anything" not in body
    if label:
        assert f"{label}: " in body
    assert AuditEntry.objects.filter(action="test.anything").exists()


def test_paging_keeps_the_filters(client, regent, village_officer):
    for number in range(60):
        record(f"test.step.{number:02d}", actor=village_officer)
    record("test.step.by.regent", actor=regent)
    client.force_login(regent)

    first = client.get(AUDIT_URL, {"actor": village_officer.username})
    next_href = html.unescape(re.search(r'href="([^"]*)" rel="next"', first.content.decode())[1])
    second = client.get(AUDIT_URL + next_href)

    actions = listed_actions(first) + listed_actions(second)
    assert "actor=" in next_href
    assert len(actions) == len(set(actions)) == 60


def _count(client, params) -> int:
    """Queries of one page view, once the session's first-request writes are done."""
    client.get(AUDIT_URL, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(AUDIT_URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"action": "test."}, {"date_from": "2000-01-01"}, {"actor": "ACTOR"}],
)
def test_audit_query_count_is_the_same_for_5_and_50_entries(
    client, regent, params, django_assert_num_queries
):
    params = {key: regent.username if value == "ACTOR" else value for key, value in params.items()}
    client.force_login(regent)
    AuditEntry.objects.all().delete()

    def add(count):
        for number in range(count):
            record(f"test.entry.{number}", actor=regent)

    add(5)
    five = _count(client, params)
    add(45)
    with django_assert_num_queries(five):
        response = client.get(AUDIT_URL, params)

    assert len(listed_actions(response)) == 50


def test_a_second_page_costs_the_same_as_the_first(client, regent, django_assert_num_queries):
    for number in range(120):
        record(f"test.entry.{number}", actor=regent)
    client.force_login(regent)
    first = client.get(AUDIT_URL)
    next_href = html.unescape(re.search(r'href="([^"]*)" rel="next"', first.content.decode())[1])
    first_count = _count(client, {})

    with django_assert_num_queries(first_count + 1):  # + the cursor row
        response = client.get(AUDIT_URL + next_href)

    assert len(listed_actions(response)) == 50
