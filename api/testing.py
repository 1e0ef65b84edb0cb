"""The OpenAPI contract check the API's tests share: schemathesis against a live server.

Imported by tests only. Each operation is called with generated valid and invalid input and a
bearer token; an answer breaks the contract when it is a server error or has an undocumented
status, content type or body.
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def operations(base_url: str, *, prefix: str = "", skip: tuple[str, ...] = ()) -> list:
    """The operations of the server's OpenAPI document whose path starts with ``prefix``."""
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    schema.config.update(base_url=base_url)
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(prefix) and operation.path not in skip:
            found.append(operation)
    return found


def broken_contracts(operations, token: str, *, max_examples: int) -> list[str]:
    """One line per operation and generation mode whose answers broke the contract."""
    return [
        problem
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (problem := _exercise(operation, mode, token, max_examples))
    ]


def _exercise(operation, mode: GenerationMode, token: str, max_examples: int) -> str | None:
    """Run generated cases of one operation; the first broken contract, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples,
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
        # No invalid value exists for this operation's parameters (e.g. a free-text path
        # segment): there is nothing to send in this mode.
        return None
    except (Exception, FailureGroup) as failure:  # every broken contract is collected
        return f"{operation.label} ({mode.value}): {failure}"
    return None
