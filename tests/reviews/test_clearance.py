"""The review's part of the meeting gate (Art 25, 26, 28), through decision_clear_for_meeting."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions import services as decision_services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionState
from reviews import demo as review_demo
from reviews import services
from reviews.clock import add_working_days
from reviews.models import Conclusion, ItemResponse, Stage
from tests.reviews.conftest import START
from tests.reviews.flow import accepted, issued, review_of

PDF = b"%PDF-1.4\n%revised\n%%EOF\n"


def _clear(decision, org):
    return decision_services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)


def _refused_rules(decision, org) -> list[str]:
    with pytest.raises(DecisionError) as refused:
        _clear(decision, org)
    assert refused.value.code == ErrorCode.RULE
    decision.refresh_from_db()
    assert decision.state == DecisionState.LEGALITY_REVIEW
    return [refused.value.rule]


def test_no_meeting_before_the_minimum_review_time(org, clock):
    decision = issued(org, Conclusion.LAWFUL)  # accepted and issued on START

    assert _refused_rules(decision, org) == ["review_minimum_time"]
    clock.go(add_working_days(START, 6))
    assert _refused_rules(decision, org) == ["review_minimum_time"]

    clock.go(add_working_days(START, 7))
    assert _clear(decision, org).state == DecisionState.AWAITING_DECISION


def test_minimum_review_time_refusal_names_the_article_and_the_first_possible_day(org):
    decision = issued(org, Conclusion.LAWFUL)

    with pytest.raises(DecisionError) as refused:
        _clear(decision, org)

    assert refused.value.article == "Art 26"
    assert "7" in refused.value.message


def test_minimum_review_time_may_be_shortened_by_the_office_head_with_a_reason(org, clock):
    decision = issued(org, Conclusion.LAWFUL)
    with pytest.raises(DecisionError) as by_reviewer:
        services.review_shorten_minimum(decision=decision, actor=org.reviewer, working_days=3, reason="紧急。")
    assert by_reviewer.value.code == ErrorCode.FORBIDDEN

    services.review_shorten_minimum(
        decision=decision, actor=org.legal_head, working_days=3, reason="防汛应急事项，市政府要求尽快上会。"
    )

    clock.go(add_working_days(START, 3))
    assert _clear(decision, org).state == DecisionState.AWAITING_DECISION
    assert review_of(decision).minimum_shortened_by == org.legal_head


def test_waiting_for_supplements_postpones_the_first_meeting_day(org, clock):
    decision = accepted(org)
    clock.go(dt.date(2026, 3, 4))
    services.review_request_supplement(decision=decision, actor=org.reviewer, missing="缺少风险评估报告附件。")
    clock.go(dt.date(2026, 3, 9))
    services.review_answer_supplement(decision=decision, actor=org.clerk, answer="已补充。")
    review_demo.hear_adviser(decision, org)
    services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")
    services.review_issue_opinion(decision=decision, actor=org.legal_head)

    clock.go(add_working_days(START, 7))
    assert _refused_rules(decision, org) == ["review_minimum_time"]
    clock.go(add_working_days(START, 7 + 3))  # the three working days waited do not count
    assert _clear(decision, org).state == DecisionState.AWAITING_DECISION


def _answer_all(decision, org, response=ItemResponse.ADOPTED, reason=""):
    for item in review_of(decision).items.all():
        services.review_answer_item(
            decision=decision, actor=org.clerk, item_id=item.pk, response=response, reason=reason
        )


def _revised_draft(decision, org):
    services.review_hand_in_revised_draft(
        decision=decision, actor=org.clerk, uploaded_file=SimpleUploadedFile("修改稿.pdf", PDF)
    )


def test_no_clearing_lawful_with_changes_until_every_item_is_answered_and_confirmed(org, clock):
    decision = issued(org, Conclusion.LAWFUL_WITH_CHANGES)
    clock.go(add_working_days(START, 7))
    assert review_of(decision).stage(latest=True) == Stage.AWAITING_RESPONSE
    assert _refused_rules(decision, org) == ["items_answered"]

    first = review_of(decision).items.get(number=1)
    services.review_answer_item(decision=decision, actor=org.clerk, item_id=first.pk, response=ItemResponse.ADOPTED)
    assert _refused_rules(decision, org) == ["items_answered"]

    _answer_all(decision, org)
    _revised_draft(decision, org)
    assert _refused_rules(decision, org) == ["review_changes_confirmed"]

    services.review_confirm_changes(decision=decision, actor=org.reviewer)
    assert _clear(decision, org).state == DecisionState.AWAITING_DECISION


def test_confirmation_needs_every_item_answered_and_the_revised_draft(org):
    decision = issued(org, Conclusion.LAWFUL_WITH_CHANGES)

    with pytest.raises(DecisionError) as unanswered:
        services.review_confirm_changes(decision=decision, actor=org.reviewer)
    _answer_all(decision, org)
    with pytest.raises(DecisionError) as no_draft:
        services.review_confirm_changes(decision=decision, actor=org.reviewer)

    assert (unanswered.value.rule, unanswered.value.article) == ("items_answered", "Art 28")
    assert no_draft.value.rule == "revised_draft"
    _revised_draft(decision, org)
    assert services.review_confirm_changes(decision=decision, actor=org.reviewer).changes_confirmed_by == org.reviewer


def test_item_not_fully_adopted_needs_a_reason(org):
    decision = issued(org, Conclusion.LAWFUL_WITH_CHANGES)
    item = review_of(decision).items.first()

    with pytest.raises(DecisionError) as refused:
        services.review_answer_item(
            decision=decision, actor=org.clerk, item_id=item.pk, response=ItemResponse.NOT_ADOPTED
        )

    assert refused.value.code == ErrorCode.INVALID
    answered = services.review_answer_item(
        decision=decision,
        actor=org.clerk,
        item_id=item.pk,
        response=ItemResponse.NOT_ADOPTED,
        reason="该条款已由省级规定明确，无需修改。",
    )
    assert answered.response == ItemResponse.NOT_ADOPTED


def test_only_the_sponsor_answers_the_items(org):
    decision = issued(org, Conclusion.LAWFUL_WITH_CHANGES)
    item = review_of(decision).items.first()

    with pytest.raises(DecisionError) as refused:
        services.review_answer_item(decision=decision, actor=org.reviewer, item_id=item.pk, response="adopted")

    assert refused.value.code == ErrorCode.FORBIDDEN


def test_exploratory_opinion_clears_with_its_risk_stated(org, clock):
    decision = issued(org, Conclusion.EXPLORATORY_WITH_RISK)
    clock.go(add_working_days(START, 7))

    assert _clear(decision, org).state == DecisionState.AWAITING_DECISION
    assert review_of(decision).legal_risk
