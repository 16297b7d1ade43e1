"""A transition through the API costs a fixed, small number of SQL statements: the token, the
visibility check, the service's own (row lock, role check, update, the event in its audit chain, the
clocks and the notices its hooks write) and the relations of the answer; the row is not read again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import register

pytestmark = pytest.mark.django_db

# Measured: 23 statements before the answer reused the service's row and the lock brought the lead
# sponsor with it (the notices read it): 21; the answer's steps now carry the expert argument's
# selections from the pool (Art 20), one prefetch more.
START_STATEMENTS = 22


def _start(api, decision):
    return api.as_("secretary").post(f"/api/v1/decisions/{decision.pk}/transitions/start/", {}, format="json")


def test_a_transition_through_the_api_runs_a_fixed_number_of_statements(api):
    _start(api, register(api.org))  # the first request of the process fills its caches (rules)
    decision = register(api.org)

    with CaptureQueriesContext(connection) as statements:
        response = _start(api, decision)

    assert response.status_code == 200, response.content
    assert len(statements.captured_queries) <= START_STATEMENTS


def test_the_answer_is_the_changed_row_with_its_relations_not_a_second_read(api):
    decision = register(api.org, co_sponsors=[api.org.other_sponsor])

    with CaptureQueriesContext(connection) as statements:
        body = _start(api, decision).json()

    after_service = [q["sql"] for q in statements.captured_queries]
    after_service = after_service[next(i for i, sql in enumerate(after_service) if sql.startswith("RELEASE")) :]
    assert not any(sql.startswith('SELECT "decisions_decision"."id"') for sql in after_service)
    assert body["state"] == "preparing"
    assert body["co_sponsors"] == [api.org.other_sponsor.pk]
    assert body["registered_by"]["id"] == decision.registered_by_id
    assert len(body["steps"]) == 3 and body["lead_sponsor"]
