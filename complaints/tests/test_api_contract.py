"""The complaint endpoints keep their OpenAPI contract (schemathesis on a live server).

The API's own contract test covers every operation; this one runs just the complaint
operations, with a resident who has a complaint, so that a change here is caught by
``pytest complaints`` too.
"""

import pytest

from accounts.roles import Role
from api import services as api_services
from api.models import TokenKind
from api.testing import broken_contracts, operations
from complaints import services
from complaints.models import Category, Channel

PREFIX = "/api/v1/complaints"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_complaint_operations_keep_their_contract(live_server, make_user, resident_in_village):
    user = make_user(Role.RESIDENT, resident=resident_in_village)
    services.submit_complaint(
        services.Intake(category=Category.HEALTH, description="Posyandu tidak buka."),
        channel=Channel.APP,
        user=user,
    )
    token = api_services.issue_token(
        user, kind=TokenKind.RESIDENT, lifetime=api_services.resident_token_lifetime()
    ).secret
    found = operations(live_server.url, prefix=PREFIX)
    assert len(found) == 7
    broken = broken_contracts(found, token, max_examples=6)
    assert not broken, "\n\n".join(broken)
