"""Schemathesis against the live schema, in-process through the WSGI app, as several roles.

Every operation of ``/api/v1/schema/`` gets valid and invalid generated requests, as a sponsor's
clerk, the legal office, the government office and an anonymous caller. The run must find no 5xx
and no response the schema does not describe (status code, content type, body). Bounded: a fixed
seed, a few examples per operation and role, no shrinking, no example database.

(Each operation is driven with ``operation.as_strategy`` and Hypothesis directly: schemathesis'
lazy ``from_fixture`` loader does not run under pytest 9.)
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from config.wsgi import application
from decisions import services
from decisions.models import Decision, DecisionState
from demo import builder as demo
from tests.api.conftest import issue_keys
from tests.factories import make_org

CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 7
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
ROLES = ["clerk", "reviewer", "secretary", None]


@pytest.fixture
def keep_test_connection():
    """Through the real WSGI app, Django would close the test's database connection (and its
    transaction) at the end of each request; the test client avoids that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_keys(settings, org, keep_test_connection):
    """Records in several states, so generated ids hit real, visible and invisible objects."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    for target in (DecisionState.PREPARING, DecisionState.IMPLEMENTING, DecisionState.PROPOSED):
        decision = services.decision_register(**org.decision_kwargs())
        demo.walk(decision, target, org)
    # One the callers may not see: another government's.
    other = make_org("另一个市人民政府")
    services.decision_register(**other.decision_kwargs())
    return issue_keys(org)


def operation_strategy(operation, decision_ids: list[int]):
    """Valid requests (half of them about real decisions, so they get past the 404) and invalid ones."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    if "{id}" in operation.path:
        strategies += [
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"id": pk}) for pk in decision_ids
        ]
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001 - an operation with nothing to negate
        pass
    return st.one_of(strategies)


def fuzz(strategy, headers: dict):
    @FUZZ
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


def test_api_answers_every_generated_request_within_its_schema(fuzz_keys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    decision_ids = list(Decision.objects.order_by("pk").values_list("pk", flat=True))
    failures = []
    # One set of records for all roles (building them is the slow part); each role fuzzes every operation.
    for role in ROLES:
        headers = {"Authorization": f"Token {fuzz_keys[role]}"} if role else {}
        for operation in operations:
            try:
                fuzz(operation_strategy(operation, decision_ids), headers)()
            except Exception as exc:  # noqa: BLE001 - collect every failure, then report them all
                failures.append(f"{role or 'anonymous'} {operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
