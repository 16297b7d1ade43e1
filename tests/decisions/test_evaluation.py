"""Art 36: the post-decision evaluation is done by someone who did not do the main argument or
assessment work before the decision, checked in every case: by the department chosen, by the name
of the evaluator alone (a third party has no department), on the page and over the API alike."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from decisions import integrity, services
from decisions.choices import RuleCode
from decisions.errors import DecisionError
from decisions.models import DecisionState, Evaluation
from tests.api.conftest import Api, issue_keys
from tests.factories import decision_in, expert_values, risk_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def implementing(org):
    return decision_in(org, DecisionState.IMPLEMENTING)


def evaluate(decision, org, **values):
    return services.evaluation_record(
        decision=decision, actor=org.secretary, trigger=Evaluation.Trigger.BODY_REQUEST, **values
    )


def refused(decision, org, **values) -> DecisionError:
    with pytest.raises(DecisionError) as refusal:
        evaluate(decision, org, **values)
    assert refusal.value.rule == RuleCode.EVALUATOR_INDEPENDENT
    assert refusal.value.article == "Art 36"
    assert not decision.evaluations.exists()
    return refusal.value


def test_the_department_that_prepared_the_decision_cannot_evaluate_it(org, implementing):
    refusal = refused(implementing, org, evaluator="评估组", evaluator_department=org.sponsor)

    assert "evaluator_department" in refusal.fields


def test_the_risk_assessor_named_without_a_department_cannot_evaluate(org, implementing):
    refusal = refused(implementing, org, evaluator=risk_values()["assessor"], third_party=True)

    assert "evaluator" in refusal.fields


def test_an_organisation_whose_expert_argued_the_decision_cannot_evaluate(org, implementing):
    refused(implementing, org, evaluator=f" {expert_values()['organisation']} ", third_party=True)


def test_the_sponsor_named_in_words_cannot_evaluate(org, implementing):
    refused(implementing, org, evaluator=org.sponsor.name)


def test_a_third_party_is_no_department(org, implementing):
    refusal = refused(
        implementing, org, evaluator="市决策评估中心", third_party=True, evaluator_department=org.other_sponsor
    )

    assert "evaluator_department" in refusal.fields


def test_the_database_refuses_a_third_party_with_a_department(org, implementing):
    evaluation = evaluate(implementing, org, evaluator="市决策评估中心", third_party=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(evaluator_department=org.other_sponsor)


def test_an_independent_evaluation_is_recorded_with_the_publics_views_and_its_proposal(org, implementing):
    evaluation = evaluate(
        implementing,
        org,
        evaluator="市决策评估中心",
        third_party=True,
        public_views="问卷调查1200份，座谈会2场。",
        conclusion="目标基本实现，部分条款需调整。",
        proposal=Evaluation.Proposal.ADJUST,
    )

    assert evaluation.proposal == Evaluation.Proposal.ADJUST
    changes = {c["field"]: c["after"] for c in implementing.events.latest("id").details["changes"]}
    assert changes["proposal"] == Evaluation.Proposal.ADJUST
    assert changes["third_party"] is True
    assert changes["public_views"] == "问卷调查1200份，座谈会2场。"


def test_the_page_refuses_the_risk_assessor_and_keeps_the_typed_text(org, implementing, client):
    client.force_login(org.secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(
        reverse("decisions:evaluation_record", args=[implementing.pk]),
        {
            "ev-trigger": Evaluation.Trigger.BODY_REQUEST,
            "ev-evaluator": risk_values()["assessor"],
            "ev-third_party": "on",
            "ev-conclusion": "评估结论草稿",
            "ev-proposal": Evaluation.Proposal.CONTINUE,
        },
    )

    assert not implementing.evaluations.exists()
    page = response.content.decode()
    assert "评估结论草稿" in page
    assert "第三十六条" in page


def test_the_api_refuses_the_sponsor_department(org, implementing):
    response = (
        Api(org, issue_keys(org))
        .as_("secretary")
        .post(
            f"/api/v1/decisions/{implementing.pk}/evaluations/",
            {"trigger": "body_request", "evaluator": "评估组", "evaluator_department": org.sponsor.pk},
            format="json",
        )
    )

    assert response.status_code in (400, 409), response.content
    assert response.json()["rule"] == RuleCode.EVALUATOR_INDEPENDENT
    assert not implementing.evaluations.exists()


def test_an_evaluation_rewritten_in_the_database_to_the_risk_assessor_is_found_by_the_record_check(org, implementing):
    evaluation = evaluate(implementing, org, evaluator="市决策评估中心", third_party=True)
    assert integrity.findings_for(implementing) == []

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_evaluation SET evaluator = %s WHERE id = %s", [risk_values()["assessor"], evaluation.pk]
        )

    [found] = integrity.findings_for(implementing)
    assert (found.rule, found.article) == (RuleCode.EVALUATOR_INDEPENDENT, "Art 36")
