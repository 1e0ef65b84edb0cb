"""The audit trail page, keyset paging, and who may enter the admin."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from core.admin_site import RegentOnlyAdminSite
from core.audit import record
from core.models import AuditEntry
from people.nik import mask_nik

AUDIT_URL = reverse("core:audit_list")
PERSONAS = [
    "regent",
    "district_head",
    "village_officer",
    "other_village_officer",
    "agency_officer",
    "call_centre_operator",
    "kiosk",
    "resident_user",
]


def listed_actions(response) -> list[str]:
    return re.findall(r"<td><code>([^<]*)</code></td>", response.content.decode())


# --------------------------------------------------------------------------- audit trail


@pytest.mark.parametrize("persona", [name for name in PERSONAS if name != "regent"])
def test_only_the_regent_may_browse_the_audit_trail(client, request, persona, regent):
    record("people.resident.viewed", actor=regent, summary="rahasia audit")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(AUDIT_URL)

    assert response.status_code == 403
    assert "rahasia audit" not in response.content.decode()


def test_anonymous_visitor_of_the_audit_trail_is_sent_to_sign_in(client):
    response = client.get(AUDIT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_regent_sees_who_did_what_newest_first(
    client, regent, village_officer, resident_in_village
):
    record("accounts.user.created", actor=regent, target=village_officer)
    record("people.resident.viewed", actor=village_officer, target=resident_in_village)
    client.force_login(regent)

    response = client.get(AUDIT_URL)

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert listed_actions(response) == ["people.resident.viewed", "accounts.user.created"]
    assert village_officer.username in body
    assert f"#{resident_in_village.pk}" in body


def test_audit_trail_filters_by_action_prefix_and_by_target(
    client, regent, village_officer, resident_in_village, resident_elsewhere
):
    record("people.resident.viewed", actor=village_officer, target=resident_in_village)
    record("people.resident.viewed", actor=regent, target=resident_elsewhere)
    record("accounts.user.created", actor=regent, target=village_officer)
    client.force_login(regent)

    by_prefix = client.get(AUDIT_URL, {"action": "people.resident"})
    by_target = client.get(
        AUDIT_URL, {"target_type": "people.resident", "target_id": resident_elsewhere.pk}
    )

    assert listed_actions(by_prefix) == ["people.resident.viewed"] * 2
    assert listed_actions(by_target) == ["people.resident.viewed"]
    assert f"#{resident_elsewhere.pk}" in by_target.content.decode()
    assert f"#{resident_in_village.pk}" not in by_target.content.decode()


def test_record_page_links_the_regent_to_its_access_history(client, regent, resident_in_village):
    client.force_login(regent)
    detail = client.get(reverse("people:resident_detail", args=[resident_in_village.pk]))
    link = re.search(r'href="([^"]*target_id=[^"]*)"', detail.content.decode()).group(1)

    history = client.get(html.unescape(link))

    assert listed_actions(history) == ["people.resident.viewed"]


def test_audit_trail_is_paged_by_keyset_without_repeats(client, regent, resident_in_village):
    for number in range(57):
        record(f"test.action.{number:02d}", actor=regent, target=resident_in_village)
    client.force_login(regent)

    first = client.get(AUDIT_URL)
    next_href = re.search(r'href="([^"]*)" rel="next"', first.content.decode()).group(1)
    second = client.get(AUDIT_URL + html.unescape(next_href))

    actions = listed_actions(first) + listed_actions(second)
    assert len(listed_actions(first)) == 50
    assert len(actions) == len(set(actions)) == 57
    assert actions[0] == "test.action.56"
    assert actions[-1] == "test.action.00"


def test_audit_page_query_count_does_not_grow(
    client, regent, resident_in_village, django_assert_max_num_queries
):
    for number in range(60):
        record("people.resident.viewed", actor=regent, target=resident_in_village, n=number)
    client.force_login(regent)
    client.get(AUDIT_URL)  # the first request of a session also writes the session

    # Session, user, the staff second-factor check, the page of entries.
    with django_assert_max_num_queries(4):
        response = client.get(AUDIT_URL)

    assert len(listed_actions(response)) == 50


# --------------------------------------------------------------------------- admin site


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_site_admits_only_an_active_staff_regent(db, request, persona):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even when marked staff, only the regent's role may enter
    http_request = RequestFactory().get("/admin/")
    http_request.user = user

    assert RegentOnlyAdminSite().has_permission(http_request) is (persona == "regent")


def test_admin_site_refuses_an_inactive_regent_and_anonymous_visitors(regent):
    site = RegentOnlyAdminSite()
    regent.is_active = False
    inactive = RequestFactory().get("/admin/")
    inactive.user = regent
    anonymous = RequestFactory().get("/admin/")
    anonymous.user = AnonymousUser()

    assert site.has_permission(inactive) is False
    assert site.has_permission(anonymous) is False


def test_admin_is_the_regent_only_site():
    assert isinstance(admin.site, RegentOnlyAdminSite)


def test_admin_turns_away_a_staff_account_of_another_role(client, village_officer, regent):
    village_officer.is_staff = True
    village_officer.save()
    client.force_login(village_officer)
    refused = client.get("/admin/")
    client.force_login(regent)
    admitted = client.get("/admin/")

    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")
    assert admitted.status_code == 200


@pytest.fixture
def superuser_regent(regent):
    regent.is_superuser = True
    regent.save()
    return regent


def test_admin_resident_list_masks_the_nik(client, superuser_regent, resident_in_village):
    client.force_login(superuser_regent)

    response = client.get(reverse("admin:people_resident_changelist"))

    body = response.content.decode()
    assert response.status_code == 200
    assert mask_nik(resident_in_village.nik) in body
    assert resident_in_village.nik not in body


def test_opening_a_resident_in_the_admin_is_audited(client, superuser_regent, resident_in_village):
    client.force_login(superuser_regent)

    response = client.get(reverse("admin:people_resident_change", args=[resident_in_village.pk]))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="people.resident.viewed")
    assert entry.target_id == str(resident_in_village.pk)
    assert entry.detail == {"via": "admin"}


def test_audit_entries_cannot_be_added_changed_or_deleted_in_the_admin(client, superuser_regent):
    entry = record("people.resident.viewed", actor=superuser_regent)
    client.force_login(superuser_regent)

    listing = client.get(reverse("admin:core_auditentry_changelist"))
    add = client.get(reverse("admin:core_auditentry_add"))
    change = client.post(
        reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "forged"}
    )
    delete = client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"})

    assert listing.status_code == 200
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "people.resident.viewed"


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:people_family_changelist",
        "admin:people_populationimport_changelist",
        "admin:people_possibleduplicate_changelist",
    ],
)
def test_admin_pages_of_the_register_and_accounts_open(client, superuser_regent, url_name):
    client.force_login(superuser_regent)

    assert client.get(reverse(url_name)).status_code == 200


def test_admin_user_page_shows_role_and_scope_fields(client, superuser_regent, village_officer):
    client.force_login(superuser_regent)

    body = client.get(reverse("admin:accounts_user_change", args=[village_officer.pk])).content

    for name in (b'name="role"', b'name="region"', b'name="agency"', b'name="resident"'):
        assert name in body


def test_the_favicon_address_leads_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
