"""Writing and issuing the opinion (Art 25, 27, 28): who may, what it must hold, what follows."""

import pytest

from decisions import services as decision_services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionState, Role
from reviews import demo as review_demo
from reviews import services
from reviews.gates import clearance_refusals
from reviews.models import Conclusion, Stage
from tests.factories import MembershipFactory, make_org
from tests.reviews.flow import accepted, add_items, issued, review_of, submitted


@pytest.mark.parametrize("who", ["clerk", "sponsor_head", "secretary", "leader"])
def test_only_the_legal_office_can_write_an_opinion(org, who):
    decision = accepted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_record_opinion(
            decision=decision, actor=getattr(org, who), conclusion=Conclusion.LAWFUL, reasons="合法。"
        )

    assert refused.value.code == ErrorCode.FORBIDDEN
    assert review_of(decision).conclusion == ""


def test_legal_office_of_another_government_cannot_write_an_opinion(org):
    decision = accepted(org)
    other = make_org()

    with pytest.raises(DecisionError) as refused:
        services.review_record_opinion(decision=decision, actor=other.reviewer, conclusion="lawful", reasons="合法。")

    assert refused.value.code == ErrorCode.FORBIDDEN


def test_only_the_legal_office_head_can_issue(org):
    decision = accepted(org)
    review_demo.hear_adviser(decision, org)
    services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")

    with pytest.raises(DecisionError) as refused:
        services.review_issue_opinion(decision=decision, actor=org.reviewer)

    assert refused.value.code == ErrorCode.FORBIDDEN
    assert not review_of(decision).is_issued
    assert services.review_issue_opinion(decision=decision, actor=org.legal_head).is_issued


def test_opinion_is_written_only_after_acceptance(org):
    decision = submitted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")

    assert refused.value.rule == "review_accepted"


@pytest.mark.parametrize("conclusion", [Conclusion.LAWFUL_WITH_CHANGES, Conclusion.UNLAWFUL])
def test_opinion_asking_for_changes_or_finding_the_draft_unlawful_says_what_is_wrong_item_by_item(org, conclusion):
    decision = accepted(org)
    services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion=conclusion, reasons="见各项。")

    with pytest.raises(DecisionError) as refused:
        services.review_issue_opinion(decision=decision, actor=org.legal_head)

    assert (refused.value.rule, refused.value.article) == ("opinion_items", "Art 28")


def test_item_names_clause_problem_type_legal_basis_and_change(org):
    decision = accepted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_add_item(
            decision=decision,
            actor=org.reviewer,
            clause="第三条",
            problem_type="style",
            problem="",
            legal_basis="《价格法》",
            suggested_change="修改。",
        )

    assert refused.value.code == ErrorCode.INVALID
    assert set(refused.value.fields) == {"problem_type", "problem"}


def test_items_are_numbered_without_gaps(org):
    decision = accepted(org)
    first, second = add_items(decision, org, 2)
    third = add_items(decision, org, 1)[0]
    assert [first.number, second.number, third.number] == [1, 2, 3]

    services.review_delete_item(decision=decision, actor=org.reviewer, item_id=first.pk)

    assert list(review_of(decision).items.values_list("number", "pk")) == [(1, second.pk), (2, third.pk)]


def test_unlawful_opinion_returns_the_decision_to_preparing(org):
    decision = issued(org, Conclusion.UNLAWFUL)

    decision.refresh_from_db()
    review = review_of(decision)
    assert decision.state == DecisionState.PREPARING
    assert review.is_issued and review.returned_at is not None
    assert decision.events.filter(transition="return_for_revision", actor=org.legal_head).exists()


def test_no_clearing_with_an_unlawful_opinion(org):
    decision = issued(org, Conclusion.UNLAWFUL)
    decision.refresh_from_db()

    assert [r.rule for r in clearance_refusals(decision)] == ["review_not_unlawful"]
    with pytest.raises(DecisionError) as refused:
        decision_services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    assert refused.value.code == ErrorCode.WRONG_STATE
    decision.refresh_from_db()
    assert decision.state == DecisionState.PREPARING


def test_exploratory_reform_states_its_legal_risk_openly(org):
    decision = accepted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_record_opinion(
            decision=decision, actor=org.reviewer, conclusion=Conclusion.EXPLORATORY_WITH_RISK, reasons="探索性改革。"
        )

    assert (refused.value.rule, refused.value.article) == ("exploratory_states_risk", "Art 25")


def test_assigned_review_is_written_by_its_reviewer(org):
    decision = accepted(org)  # accepted by org.reviewer, who took it
    colleague = MembershipFactory(department=org.legal_office, role=Role.LEGAL_REVIEWER).user

    with pytest.raises(DecisionError) as refused:
        services.review_add_item(decision=decision, actor=colleague, **_item())
    assert refused.value.code == ErrorCode.FORBIDDEN

    services.review_assign(decision=decision, actor=org.legal_head, reviewer=colleague)
    assert services.review_add_item(decision=decision, actor=colleague, **_item()).number == 1


def test_reviewer_cannot_assign_a_review_taken_by_someone_else(org):
    decision = accepted(org)
    colleague = MembershipFactory(department=org.legal_office, role=Role.LEGAL_REVIEWER).user

    with pytest.raises(DecisionError) as refused:
        services.review_assign(decision=decision, actor=colleague, reviewer=colleague)

    assert refused.value.code == ErrorCode.FORBIDDEN


def test_extension_needs_a_reason_and_the_office_head_and_stays_within_the_limit(org):
    decision = accepted(org)

    with pytest.raises(DecisionError) as by_reviewer:
        services.review_extend(decision=decision, actor=org.reviewer, working_days=5, reason="情况复杂。")
    with pytest.raises(DecisionError) as too_long:
        services.review_extend(decision=decision, actor=org.legal_head, working_days=11, reason="情况复杂。")
    with pytest.raises(DecisionError) as no_reason:
        services.review_extend(decision=decision, actor=org.legal_head, working_days=5, reason=" ")

    assert by_reviewer.value.code == ErrorCode.FORBIDDEN
    assert too_long.value.rule == "review_extension_limit"
    assert no_reason.value.code == ErrorCode.INVALID
    review = services.review_extend(decision=decision, actor=org.legal_head, working_days=10, reason="情况复杂。")
    assert (review.extension_working_days, review.extension_approved_by) == (10, org.legal_head)
    with pytest.raises(DecisionError) as again:
        services.review_extend(decision=decision, actor=org.legal_head, working_days=1, reason="再次延长。")
    assert again.value.rule == "review_extension_once"


def _adviser(org):
    """Another adviser of the legal office, in the government's pool (Art 28)."""
    adviser = MembershipFactory(department=org.legal_office, role=Role.LEGAL_ADVISER).user
    review_demo.add_to_pool(org.government, adviser)
    return adviser


def test_adviser_opinions_are_signed_by_their_author(org):
    decision = accepted(org)
    adviser = _adviser(org)
    request = services.review_request_adviser_opinion(
        decision=decision, actor=org.reviewer, adviser=adviser, question="第九条罚款规定是否有上位法依据？"
    )

    with pytest.raises(DecisionError) as by_other:
        services.review_sign_adviser_opinion(decision=decision, actor=org.reviewer, opinion_id=request.pk, opinion="x")
    signed = services.review_sign_adviser_opinion(
        decision=decision, actor=adviser, opinion_id=request.pk, opinion="无上位法依据，建议删除。"
    )

    assert by_other.value.code == ErrorCode.FORBIDDEN
    assert signed.signed_at is not None and signed.adviser == adviser
    assert signed.signature == services.adviser_signature(signed)
    with pytest.raises(DecisionError) as again:
        services.review_sign_adviser_opinion(decision=decision, actor=adviser, opinion_id=request.pk, opinion="改口。")
    assert again.value.code == ErrorCode.WRONG_STATE


def test_only_an_adviser_of_the_legal_office_is_asked(org):
    decision = accepted(org)

    with pytest.raises(DecisionError) as refused:
        services.review_request_adviser_opinion(decision=decision, actor=org.reviewer, adviser=org.clerk, question="？")

    assert refused.value.code == ErrorCode.INVALID


def test_opinion_waits_for_the_advisers_asked(org):
    decision = accepted(org)
    request = services.review_request_adviser_opinion(
        decision=decision, actor=org.reviewer, adviser=_adviser(org), question="是否合法？"
    )
    services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")

    with pytest.raises(DecisionError) as refused:
        services.review_issue_opinion(decision=decision, actor=org.legal_head)
    assert (refused.value.rule, refused.value.article) == ("adviser_opinions_given", "Art 28")

    services.review_withdraw_adviser_request(decision=decision, actor=org.reviewer, opinion_id=request.pk)
    review_demo.hear_adviser(decision, org)  # a withdrawn request does not count: another adviser signs
    assert services.review_issue_opinion(decision=decision, actor=org.legal_head).is_issued


def test_issued_opinion_cannot_be_rewritten(org):
    decision = issued(org, Conclusion.LAWFUL)

    with pytest.raises(DecisionError) as refused:
        services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="unlawful", reasons="改。")

    assert refused.value.code == ErrorCode.WRONG_STATE
    assert review_of(decision).stage(latest=True) == Stage.ISSUED


def test_issue_is_logged_with_the_document_number(org):
    decision = issued(org, Conclusion.LAWFUL)
    review = review_of(decision)

    event = decision.events.get(transition="review_issue")

    assert event.actor == org.legal_head
    assert review.document_number in event.comment


def _item():
    return {
        "clause": "第三条",
        "problem_type": "procedure",
        "problem": "未说明听证程序。",
        "legal_basis": "《重大行政决策程序暂行条例》第十六条",
        "suggested_change": "补充听证程序的规定。",
    }
