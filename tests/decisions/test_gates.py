"""Every gate of the lifecycle (decisions.gates, reviews.gates), driven through the services.

Each test names the rule it pins; a refusal is checked for its outcome (nothing moved) and for
its code, rule and article.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_fsm import TransitionNotAllowed

from decisions import gates, services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import (
    Decision,
    DecisionState,
    ExecutionReport,
    ProcedureStep,
    Publication,
    RuleSettings,
    StepKind,
    StepState,
)
from reviews import services as review_services
from tests.factories import (
    add_expert_opinion,
    answer_changes,
    complete,
    decision_in,
    issue_opinion,
    make_org,
    meeting_values,
    other_sponsor_head,
    publication_values,
    record_participation,
    record_risk,
    report_progress,
    settle_steps,
    snapshot,
    start_step,
    today,
    waive_step,
    write_opinion,
)

PP, EA, RA = StepKind.PUBLIC_PARTICIPATION, StepKind.EXPERT_ARGUMENT, StepKind.RISK_ASSESSMENT


@pytest.fixture
def preparing(org):
    return decision_in(org, DecisionState.PREPARING)


@pytest.fixture
def under_review(org):
    return decision_in(org, DecisionState.LEGALITY_REVIEW)


def step_state(decision, kind):
    return ProcedureStep.objects.get(decision=decision, kind=kind).state


def state_of(decision):
    return Decision.objects.get(pk=decision.pk).state


def assert_rule(error: DecisionError, rule: str, article: str, code: ErrorCode = ErrorCode.RULE) -> None:
    assert (error.code, error.rule, error.article) == (code, rule, article)


def refused_completion(decision, kind, org) -> DecisionError:
    """Try to complete a step; it must be refused and stay in progress."""
    with pytest.raises(DecisionError) as exc:
        complete(decision, kind, org)
    assert step_state(decision, kind) == StepState.IN_PROGRESS
    return exc.value


# --------------------------------------------------------------------------- submit_for_review


@pytest.mark.parametrize(("unsettled", "article"), [(PP, "Art 14"), (EA, "Art 19"), (RA, "Art 22")])
def test_submit_for_review_refused_until_all_three_steps_settled(org, preparing, unsettled, article):
    # Given two steps settled and one left in progress
    for kind in (PP, EA, RA):
        if kind != unsettled:
            waive_step(preparing, kind, org)
    start_step(preparing, unsettled, org)
    before = snapshot(preparing)

    # When the sponsor's head submits
    with pytest.raises(DecisionError) as exc:
        services.decision_submit_for_review(decision=preparing, actor=org.sponsor_head)

    # Then it is refused by the step's own article and nothing changed
    assert_rule(exc.value, "steps_settled", article)
    assert snapshot(preparing) == before


def test_submit_for_review_refused_with_no_step_started(org, preparing):
    with pytest.raises(DecisionError) as exc:
        services.decision_submit_for_review(decision=preparing, actor=org.sponsor_head)

    assert (exc.value.code, exc.value.rule) == (ErrorCode.RULE, "steps_settled")
    refusals = gates.refusals("submit_for_review", Decision.objects.get(pk=preparing.pk))
    assert sorted(r.article for r in refusals) == ["Art 14", "Art 19", "Art 22"]
    assert state_of(preparing) == DecisionState.PREPARING
    assert not preparing.reviews.exists()


def test_submit_for_review_allowed_with_steps_done_or_waived(org, preparing):
    # Given one step done and two marked not applicable
    record_participation(preparing, org)
    complete(preparing, PP, org)
    waive_step(preparing, EA, org)
    waive_step(preparing, RA, org)

    services.decision_submit_for_review(decision=preparing, actor=org.sponsor_head)

    assert state_of(preparing) == DecisionState.LEGALITY_REVIEW
    assert preparing.reviews.get().round == 1


def test_submit_for_review_refused_while_risk_judged_uncontrollable(org, preparing):
    # Given every step done, the risk judged high and uncontrollable (Art 24)
    record_participation(preparing, org)
    complete(preparing, PP, org)
    add_expert_opinion(preparing, org)
    complete(preparing, EA, org)
    record_risk(preparing, org, level="high", controllable=False)
    complete(preparing, RA, org)

    with pytest.raises(DecisionError) as exc:
        services.decision_submit_for_review(decision=preparing, actor=org.sponsor_head)

    assert_rule(exc.value, "risk_controllable", "Art 24")
    assert state_of(preparing) == DecisionState.PREPARING


def test_uncontrollable_risk_not_bypassed_by_marking_the_step_not_applicable(org, preparing):
    # Given the risk was judged uncontrollable, then the step reopened and marked not applicable
    # without reassessing: the judgement on the record still blocks (Art 24)
    settle_steps(preparing, org)
    services.step_reopen(decision=preparing, kind=RA, actor=org.clerk, reason="重新评估。")
    services.risk_update(decision=preparing, actor=org.clerk, level="high", controllable=False)
    complete(preparing, RA, org)
    services.step_reopen(decision=preparing, kind=RA, actor=org.clerk, reason="改为不适用。")
    waive_step(preparing, RA, org)

    with pytest.raises(DecisionError) as exc:
        services.decision_submit_for_review(decision=preparing, actor=org.sponsor_head)

    assert_rule(exc.value, "risk_controllable", "Art 24")
    assert state_of(preparing) == DecisionState.PREPARING


def test_uncontrollable_risk_stops_blocking_once_reassessed_as_controllable(org, preparing):
    settle_steps(preparing, org)
    services.step_reopen(decision=preparing, kind=RA, actor=org.clerk, reason="草案调整。")
    services.risk_update(decision=preparing, actor=org.clerk, level="high", controllable=False)
    complete(preparing, RA, org)
    services.step_reopen(decision=preparing, kind=RA, actor=org.clerk, reason="草案已调整，重新评估。")
    services.risk_update(decision=preparing, actor=org.clerk, controllable=True)
    complete(preparing, RA, org)

    services.decision_submit_for_review(decision=preparing, actor=org.sponsor_head)

    assert state_of(preparing) == DecisionState.LEGALITY_REVIEW


def test_submit_for_review_gate_holds_in_the_model_layer(org, preparing):
    # Calling the transition method directly, bypassing the services, is refused as well.
    decision = Decision.objects.get(pk=preparing.pk)

    with pytest.raises(TransitionNotAllowed):
        decision.submit_for_review()

    assert decision.state == DecisionState.PREPARING


# --------------------------------------------------------------------------- public participation


def test_participation_refused_without_a_record(org, preparing):
    start_step(preparing, PP, org)

    assert_rule(refused_completion(preparing, PP, org), "participation_recorded", "Art 15")


@pytest.mark.parametrize(
    ("missing", "rule", "article"),
    [
        ({"methods": []}, "participation_methods", "Art 14"),
        ({"call_published_on": None}, "participation_call_published", "Art 15"),
        ({"period_start": None, "period_end": None}, "comment_period_set", "Art 15"),
    ],
)
def test_participation_refused_without_its_call_and_period(org, preparing, missing, rule, article):
    record_participation(preparing, org, **missing)

    assert_rule(refused_completion(preparing, PP, org), rule, article)


def test_comment_period_shorter_than_minimum_needs_a_published_reason(org, preparing):
    # Given a 20-day comment period (national minimum 30) and no reason for the shorter period
    record_participation(preparing, org, days=20)

    error = refused_completion(preparing, PP, org)

    assert_rule(error, "comment_period_minimum", "Art 15")


def test_comment_period_shorter_than_minimum_accepted_with_its_reason(org, preparing):
    record_participation(preparing, org, days=20, shortened_period_reason="防汛紧急，理由已随公告公布。")

    complete(preparing, PP, org)

    assert step_state(preparing, PP) == StepState.DONE


def test_comment_period_of_exactly_the_minimum_needs_no_reason(org, preparing):
    record_participation(preparing, org, days=30)

    complete(preparing, PP, org)

    assert step_state(preparing, PP) == StepState.DONE


def test_comment_period_shorter_than_minimum_refused_with_a_blank_reason(org, preparing):
    record_participation(preparing, org, days=20, shortened_period_reason="   ")

    assert_rule(refused_completion(preparing, PP, org), "comment_period_minimum", "Art 15")


def test_comment_period_shorter_than_a_tightened_minimum_accepted_with_its_reason(org, preparing):
    # Given the government tightened Art 15 to 45 days (a government may not loosen it: test_floors)
    RuleSettings.objects.create(government=org.government, min_comment_period_days=45)
    reason = "防汛紧急，理由已随公告公布。"
    # The single case of Art 15: a shorter period for a legitimate reason stated publicly, recorded
    # through the service with the rest of the consultation
    record_participation(preparing, org, days=20, shortened_period_reason=reason)

    complete(preparing, PP, org)

    assert step_state(preparing, PP) == StepState.DONE
    assert preparing.steps.get(kind=PP).participation.shortened_period_reason == reason


def test_comment_period_minimum_raised_by_government_setting(org, preparing):
    # Given the government requires 45 days: the national 30 are now too short
    RuleSettings.objects.create(government=org.government, min_comment_period_days=45)
    record_participation(preparing, org, days=30)

    error = refused_completion(preparing, PP, org)

    assert_rule(error, "comment_period_minimum", "Art 15")
    assert "45" in error.message


def test_participation_refused_while_comment_period_not_ended(org, preparing):
    # Given a period that ends today
    end = today()
    record_participation(
        preparing,
        org,
        period_start=end - dt.timedelta(days=29),
        call_published_on=end - dt.timedelta(days=29),
        period_end=end,
    )

    assert_rule(refused_completion(preparing, PP, org), "comment_period_closed", "Art 15")


def test_participation_refused_without_adoption_summary(org, preparing):
    record_participation(preparing, org, adoption_summary="  ")

    assert_rule(refused_completion(preparing, PP, org), "comments_answered", "Art 18")


# The hearing's rules (Art 16–17): tests/decisions/test_hearings.py.


# --------------------------------------------------------------------------- expert argument


def test_expert_argument_refused_without_any_opinion(org, preparing):
    start_step(preparing, EA, org)

    assert_rule(refused_completion(preparing, EA, org), "expert_opinions_present", "Art 20")


def test_unsigned_expert_opinion_refused(org, preparing):
    add_expert_opinion(preparing, org, signed_on=None)

    assert_rule(refused_completion(preparing, EA, org), "expert_opinion_signed", "Art 19")


def test_expert_with_declared_interest_not_counted(org, preparing):
    # Given the only opinion comes from an expert who declared a direct interest
    add_expert_opinion(preparing, org, declared_interest=True, interest_detail="系相关企业股东。")

    assert_rule(refused_completion(preparing, EA, org), "expert_opinions_present", "Art 20")


def test_expert_with_declared_interest_kept_on_record_beside_counted_ones(org, preparing):
    # An interested expert's opinion stays on the record unhandled; a neutral one carries the step.
    add_expert_opinion(preparing, org, declared_interest=True, interest_detail="系相关企业股东。", handling="")
    add_expert_opinion(preparing, org, expert_name="李晓梅")

    complete(preparing, EA, org)

    assert step_state(preparing, EA) == StepState.DONE
    assert preparing.steps.get(kind=EA).expert_opinions.count() == 2


def test_declared_interest_needs_its_detail(org, preparing):
    start_step(preparing, EA, org)

    with pytest.raises(DecisionError) as exc:
        add_expert_opinion(preparing, org, declared_interest=True, interest_detail="")

    assert exc.value.code == ErrorCode.INVALID
    assert "interest_detail" in exc.value.fields
    assert not preparing.steps.get(kind=EA).expert_opinions.exists()


@pytest.mark.parametrize("reason", ["", "已研究。"])
def test_expert_opinion_must_be_handled(org, preparing, reason):
    # A reason alone does not say whether the opinion was adopted.
    add_expert_opinion(preparing, org, handling="", handling_reason=reason)

    assert_rule(refused_completion(preparing, EA, org), "expert_opinion_handled", "Art 29")


@pytest.mark.parametrize("handling", ["partly", "not_adopted"])
def test_expert_opinion_not_fully_adopted_needs_a_reason(org, preparing, handling):
    add_expert_opinion(preparing, org, handling=handling, handling_reason="")

    assert_rule(refused_completion(preparing, EA, org), "expert_opinion_handled", "Art 29")


def test_expert_opinion_handled_with_reason_lets_the_step_be_done(org, preparing):
    opinion = add_expert_opinion(preparing, org, handling="")
    services.expert_opinion_handle(
        decision=preparing, actor=org.clerk, opinion_id=opinion.pk, handling="partly", handling_reason="超出范围。"
    )

    complete(preparing, EA, org)

    assert step_state(preparing, EA) == StepState.DONE


# --------------------------------------------------------------------------- risk assessment


def test_risk_assessment_refused_without_a_record(org, preparing):
    start_step(preparing, RA, org)

    assert_rule(refused_completion(preparing, RA, org), "risk_recorded", "Art 23")


def test_risk_assessment_names_its_assessor(org, preparing):
    record_risk(preparing, org, assessor="")

    assert_rule(refused_completion(preparing, RA, org), "risk_assessor", "Art 22")


@pytest.mark.parametrize("missing", [{"risk_points": ""}, {"level": ""}])
def test_risk_assessment_records_points_and_level(org, preparing, missing):
    record_risk(preparing, org, **missing)

    assert_rule(refused_completion(preparing, RA, org), "risk_points", "Art 23")


@pytest.mark.parametrize("level", ["medium", "high"])
@pytest.mark.parametrize("missing", [{"measures": ""}, {"contingency_plan": ""}])
def test_risk_above_low_needs_measures_and_contingency_plan(org, preparing, level, missing):
    record_risk(preparing, org, level=level, **missing)

    assert_rule(refused_completion(preparing, RA, org), "risk_measures", "Art 23")


def test_low_risk_needs_no_measures(org, preparing):
    record_risk(preparing, org, level="low", measures="", contingency_plan="", controllable=None)

    complete(preparing, RA, org)

    assert step_state(preparing, RA) == StepState.DONE


def test_high_risk_needs_a_controllable_judgement(org, preparing):
    record_risk(preparing, org, level="high", controllable=None)

    assert_rule(refused_completion(preparing, RA, org), "risk_controllable_judged", "Art 24")


# --------------------------------------------------------------------------- waivers


@pytest.mark.parametrize(
    ("missing", "field"), [({"reason": " "}, "reason"), ({"basis": None}, "basis"), ({"approver": None}, "approver")]
)
def test_waiver_request_needs_reason_basis_and_approver(org, preparing, missing, field):
    before = snapshot(preparing)

    with pytest.raises(DecisionError) as exc:
        waive_step(preparing, RA, org, **missing)

    assert exc.value.code == ErrorCode.INVALID
    assert field in exc.value.fields
    assert snapshot(preparing) == before


@pytest.mark.parametrize("approver", ["reviewer", "secretary", "other_sponsor_head"])
def test_waiver_approver_must_be_sponsor_head_or_leader(org, preparing, approver):
    person = other_sponsor_head(org) if approver == "other_sponsor_head" else getattr(org, approver)
    before = snapshot(preparing)

    with pytest.raises(DecisionError) as exc:
        waive_step(preparing, RA, org, approver=person)

    assert_rule(exc.value, "waiver_approver", "Art 22")
    assert "approver" in exc.value.fields
    assert snapshot(preparing) == before


def test_the_requester_cannot_name_themselves_as_approver(org, preparing):
    before = snapshot(preparing)

    with pytest.raises(DecisionError) as exc:
        waive_step(preparing, RA, org, approver=org.clerk)

    assert exc.value.code == ErrorCode.INVALID and "approver" in exc.value.fields
    assert snapshot(preparing) == before


@pytest.mark.parametrize("approver", ["sponsor_head", "leader"])
def test_waiver_approved_by_sponsor_head_or_leader_is_on_the_record(org, preparing, approver):
    waive_step(preparing, RA, org, reason="不涉及社会稳定风险。", approver=getattr(org, approver))

    step = preparing.steps.get(kind=RA)
    assert step.state == StepState.WAIVED
    assert (step.waiver_reason, step.waiver_article, step.waiver_approved_by) == (
        "不涉及社会稳定风险。",
        "Art 22",
        getattr(org, approver),
    )


def test_leader_of_another_government_cannot_approve_a_waiver(org, preparing):
    stranger = make_org().leader

    with pytest.raises(DecisionError) as exc:
        waive_step(preparing, RA, org, approver=stranger)

    assert exc.value.rule == "waiver_approver"
    assert step_state(preparing, RA) == StepState.PENDING


def test_waiver_gate_holds_in_the_model_layer(org, preparing):
    step = ProcedureStep.objects.get(decision=preparing, kind=RA)

    refusal = gates.step_refusals("waive", step)[0]
    with pytest.raises(TransitionNotAllowed):
        step.waive()

    assert (refusal.rule, refusal.article) == ("waiver_complete", "Art 22")
    assert step.state == StepState.PENDING


# --------------------------------------------------------------------------- legality review gate


def test_clear_for_meeting_refused_without_an_opinion(org, under_review):
    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert_rule(exc.value, "review_issued", "Art 25")
    assert state_of(under_review) == DecisionState.LEGALITY_REVIEW


def test_clear_for_meeting_refused_with_an_opinion_written_but_not_issued(org, under_review):
    write_opinion(under_review, org, "lawful")

    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert_rule(exc.value, "review_issued", "Art 25")
    assert state_of(under_review) == DecisionState.LEGALITY_REVIEW


def test_unlawful_opinion_sends_the_draft_back_and_never_clears(org, under_review):
    # Given the legal office issued an opinion finding the draft unlawful
    issue_opinion(under_review, org, "unlawful")

    # Then the draft is back with the sponsor (Art 25), clearing it is not possible,
    assert state_of(under_review) == DecisionState.PREPARING
    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)
    assert exc.value.code == ErrorCode.WRONG_STATE
    # and the gate itself still names the unlawful opinion as the reason.
    refusals = gates.refusals("clear_for_meeting", Decision.objects.get(pk=under_review.pk))
    assert [(r.rule, r.article) for r in refusals] == [("review_not_unlawful", "Art 25")]


def test_clear_for_meeting_refused_until_the_changes_asked_for_are_answered(org, under_review):
    issue_opinion(under_review, org, "lawful_with_changes", confirm=False)

    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert_rule(exc.value, "items_answered", "Art 28")
    assert state_of(under_review) == DecisionState.LEGALITY_REVIEW


def test_clear_for_meeting_refused_until_changes_asked_for_are_confirmed(org, under_review):
    # Given the sponsor answered every item and handed in the revised draft, unconfirmed
    issue_opinion(under_review, org, "lawful_with_changes", confirm=False)
    answer_changes(under_review, org)

    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert_rule(exc.value, "review_changes_confirmed", "Art 28")
    assert state_of(under_review) == DecisionState.LEGALITY_REVIEW


def test_clear_for_meeting_allowed_once_changes_are_confirmed(org, under_review):
    issue_opinion(under_review, org, "lawful_with_changes", confirm=False)
    answer_changes(under_review, org)
    review_services.review_confirm_changes(decision=under_review, actor=org.reviewer)

    services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert state_of(under_review) == DecisionState.AWAITING_DECISION


def issue_without_shortening(decision, org) -> None:
    write_opinion(decision, org, "lawful")
    review_services.review_issue_opinion(decision=decision, actor=org.legal_head)


def test_clear_for_meeting_refused_before_the_minimum_review_time(org, under_review):
    # Given an opinion issued on the day the submission was accepted (7 working days by default)
    issue_without_shortening(under_review, org)

    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert_rule(exc.value, "review_minimum_time", "Art 26")
    assert state_of(under_review) == DecisionState.LEGALITY_REVIEW


def test_clear_for_meeting_allowed_once_the_minimum_review_time_has_passed(org, under_review):
    issue_without_shortening(under_review, org)

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=30)):
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert state_of(under_review) == DecisionState.AWAITING_DECISION


def test_minimum_review_time_read_from_government_setting(org):
    # Given the government gives the legal office 20 working days (tightening Art 26's 7)
    RuleSettings.objects.create(government=org.government, min_review_working_days=20)
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    issue_without_shortening(decision, org)

    # Two calendar weeks later the national minimum is over, the government's is not
    with (
        time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=14)),
        pytest.raises(DecisionError) as exc,
    ):
        services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)

    assert_rule(exc.value, "review_minimum_time", "Art 26")
    assert "20" in exc.value.message
    assert state_of(decision) == DecisionState.LEGALITY_REVIEW


def test_clear_for_meeting_allowed_with_a_lawful_opinion(org, under_review):
    issue_opinion(under_review, org, "lawful")

    services.decision_clear_for_meeting(decision=under_review, actor=org.legal_head)

    assert state_of(under_review) == DecisionState.AWAITING_DECISION


def test_exploratory_reform_clears_with_its_legal_risk_stated(org, under_review):
    issue_opinion(under_review, org, "exploratory_with_risk")

    services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert state_of(under_review) == DecisionState.AWAITING_DECISION
    assert under_review.reviews.get().legal_risk


def test_exploratory_reform_must_state_its_legal_risk(org, under_review):
    with pytest.raises(DecisionError) as exc:
        write_opinion(under_review, org, "exploratory_with_risk", legal_risk=" ")

    assert_rule(exc.value, "exploratory_states_risk", "Art 25", code=ErrorCode.INVALID)
    assert under_review.reviews.get().conclusion == ""


def test_new_submission_round_needs_a_new_issued_opinion(org, under_review):
    # Given round 1 was cleared by an issued opinion, then the draft was returned and resubmitted
    issue_opinion(under_review, org, "lawful")
    services.decision_return_for_revision(decision=under_review, actor=org.reviewer, reason="补充材料。")
    services.decision_submit_for_review(decision=under_review, actor=org.sponsor_head)

    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=under_review, actor=org.reviewer)

    assert_rule(exc.value, "review_issued", "Art 25")
    assert list(under_review.reviews.values_list("round", flat=True)) == [1, 2]
    assert state_of(under_review) == DecisionState.LEGALITY_REVIEW


def test_meeting_sent_back_for_revision_needs_a_new_issued_opinion(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values("revise"))
    services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)

    with pytest.raises(DecisionError) as exc:
        services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)

    assert_rule(exc.value, "review_issued", "Art 25")


def test_clear_for_meeting_gate_holds_in_the_model_layer(org, under_review):
    decision = Decision.objects.get(pk=under_review.pk)

    with pytest.raises(TransitionNotAllowed):
        decision.clear_for_meeting()

    assert decision.state == DecisionState.LEGALITY_REVIEW


# --------------------------------------------------------------------------- the meeting


@pytest.fixture
def awaiting(org):
    return decision_in(org, DecisionState.AWAITING_DECISION)


# The members' positions and the head against the majority (Art 30): tests/decisions/test_meeting.py.


@pytest.mark.parametrize("missing", ["positions", "head_final_statement"])
def test_outcome_recorded_only_from_a_complete_meeting_record(org, awaiting, missing):
    before = snapshot(awaiting)
    blank = [] if missing == "positions" else ""

    with pytest.raises(DecisionError) as exc:
        services.decision_record_outcome(decision=awaiting, actor=org.secretary, **meeting_values(**{missing: blank}))

    assert exc.value.code == ErrorCode.INVALID
    assert missing in exc.value.fields
    assert snapshot(awaiting) == before


def test_meeting_cannot_be_recorded_before_it_is_held(org, awaiting):
    with pytest.raises(DecisionError) as exc:
        services.decision_record_outcome(
            decision=awaiting, actor=org.secretary, **meeting_values(held_on=today() + dt.timedelta(days=1))
        )

    assert exc.value.code == ErrorCode.INVALID
    assert "held_on" in exc.value.fields
    assert state_of(awaiting) == DecisionState.AWAITING_DECISION


def test_outcome_needs_a_meeting_record_in_the_model_layer(org, awaiting):
    decision = Decision.objects.get(pk=awaiting.pk)

    refusal = gates.refusals("record_outcome", decision)
    with pytest.raises(TransitionNotAllowed):
        decision.record_outcome("approved")

    assert [(r.rule, r.article) for r in refusal] == [("meeting_recorded", "Art 30")]
    assert decision.state == DecisionState.AWAITING_DECISION


# --------------------------------------------------------------------------- after the decision


def test_publication_needs_a_channel(org):
    decision = decision_in(org, DecisionState.DECIDED)

    with pytest.raises(DecisionError) as exc:
        services.decision_publish(
            decision=decision, actor=org.secretary, **publication_values(in_gazette=False, website_url="")
        )

    assert exc.value.code == ErrorCode.INVALID
    assert state_of(decision) == DecisionState.DECIDED
    assert not Publication.objects.filter(decision=decision).exists()


def test_publication_needs_its_document_number(org):
    decision = decision_in(org, DecisionState.DECIDED)

    with pytest.raises(DecisionError) as exc:
        services.decision_publish(decision=decision, actor=org.secretary, **publication_values(document_number=" "))

    assert exc.value.code == ErrorCode.INVALID
    assert "document_number" in exc.value.fields
    assert state_of(decision) == DecisionState.DECIDED


def test_publish_needs_a_publication_record_in_the_model_layer(org):
    decision = Decision.objects.get(pk=decision_in(org, DecisionState.DECIDED).pk)

    refusal = gates.refusals("publish", decision)
    with pytest.raises(TransitionNotAllowed):
        decision.publish()

    assert [(r.rule, r.article) for r in refusal] == [("publication_recorded", "Art 32")]


def test_executing_unit_must_belong_to_the_same_government(org):
    decision = decision_in(org, DecisionState.PUBLISHED)
    foreign_unit = make_org().sponsor

    with pytest.raises(DecisionError) as exc:
        services.decision_begin_implementation(decision=decision, actor=org.secretary, executing_unit=foreign_unit)

    assert exc.value.code == ErrorCode.INVALID
    assert "executing_unit" in exc.value.fields
    decision.refresh_from_db()
    assert (decision.state, decision.executing_unit) == (DecisionState.PUBLISHED, None)


def test_begin_implementation_needs_an_executing_unit(org):
    decision = decision_in(org, DecisionState.PUBLISHED)

    with pytest.raises(DecisionError) as exc:
        services.decision_begin_implementation(decision=decision, actor=org.secretary, executing_unit=None)

    assert exc.value.code == ErrorCode.INVALID
    assert state_of(decision) == DecisionState.PUBLISHED


def test_begin_implementation_needs_an_executing_unit_in_the_model_layer(org):
    decision = Decision.objects.get(pk=decision_in(org, DecisionState.PUBLISHED).pk)

    refusal = gates.refusals("begin_implementation", decision)
    with pytest.raises(TransitionNotAllowed):
        decision.begin_implementation()

    assert [(r.rule, r.article) for r in refusal] == [("executing_unit_named", "Art 34")]


def test_archive_of_an_implementing_decision_needs_a_progress_report(org):
    decision = decision_in(org, DecisionState.IMPLEMENTING)

    with pytest.raises(DecisionError) as exc:
        services.decision_archive(decision=decision, actor=org.secretary)

    assert_rule(exc.value, "progress_reported", "Art 34")
    assert state_of(decision) == DecisionState.IMPLEMENTING


def test_archive_of_an_implementing_decision_with_a_progress_report(org):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    report_progress(decision, org)

    services.decision_archive(decision=decision, actor=org.secretary)

    assert state_of(decision) == DecisionState.ARCHIVED


@pytest.mark.parametrize("state", [DecisionState.REJECTED, DecisionState.WITHDRAWN])
def test_archive_of_a_decision_never_implemented_needs_no_progress_report(org, state):
    decision = decision_in(org, state)

    services.decision_archive(decision=decision, actor=org.secretary)

    assert state_of(decision) == DecisionState.ARCHIVED
    assert not ExecutionReport.objects.filter(decision=decision).exists()
