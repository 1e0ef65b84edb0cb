"""The complaint endpoints keep their OpenAPI contract (schemathesis on a live server).

The API's own contract test covers every operation; this one runs just the complaint
operations, with a resident who has a complaint, so that a change here is caught by
``pytest complaints`` too.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import Role
from api import services as api_services
from api.models import TokenKind
from complaints import services
from complaints.models import Category, Channel

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PREFIX = "/api/v1/complaints"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _check(operation, mode, token):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, timeout=30
        )

    try:
        run()
    except Unsatisfiable:
        return None
    except Exception as failure:  # every broken contract is collected
        return f"{operation.label} ({mode.value}): {failure}"
    return None


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
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    schema.config.update(base_url=live_server.url)
    operations = [
        result.ok() for result in schema.get_all_operations() if result.ok().path.startswith(PREFIX)
    ]
    assert len(operations) == 7
    broken = [
        problem
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (problem := _check(operation, mode, token))
    ]
    assert not broken, "\n\n".join(broken)
