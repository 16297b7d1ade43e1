"""The API of the report to the Party committee (Art 31) and of execution problems (Art 35): the
same services as the page, the same refusals."""

from __future__ import annotations

import pytest
from django.utils import timezone

from decisions.models import DecisionState, ExecutionProblem, PartyCommitteeReport
from tests.factories import decision_in

pytestmark = pytest.mark.django_db


def test_the_government_office_records_the_party_committee_report_through_the_api(client, org):
    decision = decision_in(org, DecisionState.DECIDED)
    client.force_login(org.secretary)
    url = f"/api/v1/decisions/{decision.pk}/party-committee-reports/"

    response = client.post(
        url,
        {"reported_on": timezone.localdate().isoformat(), "document_number": "测委办〔2026〕3号"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert PartyCommitteeReport.objects.get().document_number == "测委办〔2026〕3号"
    assert client.get(url).json()[0]["document_number"] == "测委办〔2026〕3号"


def test_an_execution_problem_reported_and_answered_through_the_api(client, org):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    base = f"/api/v1/decisions/{decision.pk}/execution-problems/"
    client.force_login(org.clerk)
    created = client.post(
        base,
        {"source": "public_feedback", "description": "收费不规范。", "reported_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content

    client.force_login(org.secretary)
    refused = client.post(
        base + f"{created.json()['id']}/answer/",
        {"answer": "forwarded", "answer_text": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(org.sponsor_head)
    answered = client.post(
        base + f"{created.json()['id']}/answer/",
        {"answer": "forwarded", "answer_text": "已转市场监管局处理。"},
        content_type="application/json",
    )

    assert answered.status_code == 200, answered.content
    assert ExecutionProblem.objects.get().answer == "forwarded"
