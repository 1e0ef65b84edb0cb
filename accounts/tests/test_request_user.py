"""The signed-in user of a request costs one query, whatever the page asks of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from security import twofactor


@pytest.mark.parametrize("persona", ["resident_user", "village_officer"])
def test_a_signed_in_request_reads_its_session_and_user_once(db, client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    client.get("/healthz")  # the first request of a session writes its last-seen time

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert response.status_code == 200
    tables = [query["sql"].split(" FROM ")[1].split()[0] for query in queries.captured_queries]
    assert tables == ['"django_session"', '"accounts_user"']


def test_the_second_step_check_uses_the_authenticator_loaded_with_the_user(db, village_officer):
    from accounts.backends import UsernameBackend

    user = UsernameBackend().get_user(village_officer.pk)
    twofactor.start_enrolment(village_officer)

    with CaptureQueriesContext(connection) as queries:
        assert twofactor.confirmed_device(user, of_request=True) is None
    assert queries.captured_queries == []
    # Confirmed since: the next request's user sees it, and so does any other copy.
    device = village_officer.totp
    device.confirmed_at = village_officer.date_joined
    device.save()
    assert twofactor.confirmed_device(user) is not None
    assert twofactor.confirmed_device(
        UsernameBackend().get_user(village_officer.pk), of_request=True
    )
