"""A waiver is never final on the sponsor's word alone: the legal office checks each one."""

import pytest

from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionState, StepKind, StepState
from reviews import demo as review_demo
from reviews import services
from reviews.models import Stage, WaiverVerdict
from tests.reviews.flow import review_of, submitted_with_waiver


def test_waived_steps_are_put_to_the_reviewer_with_reason_article_and_approver(org):
    decision = submitted_with_waiver(org)

    checks = list(review_of(decision).waiver_checks.select_related("step"))

    assert [(c.step.kind, c.verdict) for c in checks] == [(StepKind.EXPERT_ARGUMENT, WaiverVerdict.PENDING)]
    assert checks[0].waiver_reason == "事项专业技术性不强，有成熟标准可循。"
    assert checks[0].waiver_article == "Art 19"
    assert checks[0].waiver_approved_by == org.sponsor_head


def test_rejected_waiver_returns_the_decision_to_preparing_with_that_step_reopened(org):
    decision = submitted_with_waiver(org)

    services.review_check_waiver(
        decision=decision,
        actor=org.reviewer,
        step_kind=StepKind.EXPERT_ARGUMENT,
        confirmed=False,
        reason="涉及收费标准测算，专业性强，应组织专家论证。",
    )

    decision.refresh_from_db()
    step = decision.steps.get(kind=StepKind.EXPERT_ARGUMENT)
    review = review_of(decision)
    assert decision.state == DecisionState.PREPARING
    assert step.state == StepState.IN_PROGRESS
    assert review.stage(latest=True) == Stage.RETURNED
    assert review.waiver_checks.get().verdict == WaiverVerdict.REJECTED
    assert decision.events.filter(step_kind=StepKind.EXPERT_ARGUMENT, transition="reopen", actor=org.reviewer).exists()
    assert decision.events.filter(transition="return_for_revision").exists()


def test_rejecting_a_waiver_needs_a_reason(org):
    decision = submitted_with_waiver(org)

    with pytest.raises(DecisionError) as refused:
        services.review_check_waiver(
            decision=decision, actor=org.reviewer, step_kind=StepKind.EXPERT_ARGUMENT, confirmed=False
        )

    assert refused.value.code == ErrorCode.INVALID
    decision.refresh_from_db()
    assert decision.state == DecisionState.LEGALITY_REVIEW


def test_opinion_cannot_be_issued_before_every_waiver_is_checked(org):
    decision = submitted_with_waiver(org)
    review_demo.complete_materials(decision, org)
    services.review_accept(decision=decision, actor=org.reviewer)
    review_demo.hear_adviser(decision, org)
    services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")

    with pytest.raises(DecisionError) as refused:
        services.review_issue_opinion(decision=decision, actor=org.legal_head)
    assert refused.value.rule == "waivers_checked"

    services.review_check_waiver(
        decision=decision, actor=org.reviewer, step_kind=StepKind.EXPERT_ARGUMENT, confirmed=True
    )
    assert services.review_issue_opinion(decision=decision, actor=org.legal_head).is_issued
