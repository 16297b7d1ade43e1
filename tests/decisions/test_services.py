"""The lifecycle contract (DESIGN.md) through the services: every transition from every state it
may start in, ``wrong_state`` from every other, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from decisions import gates, services
from decisions.errors import DecisionError, ErrorCode
from decisions.models import Decision, DecisionState, Meeting, StepKind, StepState
from tests.factories import (
    ALL_STATES,
    TRANSITION_SOURCES,
    TRANSITION_TARGET,
    decision_in,
    issue_opinion,
    make_org,
    make_ready,
    meeting_values,
    national_basis,
    publication_values,
    register,
    settle_steps,
    snapshot,
    today,
    transition_payload,
    waive_step,
)

ALLOWED = [(name, source) for name, sources in TRANSITION_SOURCES.items() for source in sorted(sources)]
# withdraw has its own tests below, named after its rule.
WRONG = {
    state: [name for name, sources in TRANSITION_SOURCES.items() if name != "withdraw" and state not in sources]
    for state in ALL_STATES
}


def state_of(decision) -> str:
    return Decision.objects.get(pk=decision.pk).state


# --------------------------------------------------------------------------- the contract


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_transition_moves_from_each_allowed_source_state(org, name, source):
    # Given a decision in a state the transition may start from, its gates open
    decision = decision_in(org, source)
    make_ready(decision, org, name)

    # When the right person fires it by its contract name
    services.decision_transition(decision=decision, name=name, **transition_payload(org, name))

    # Then the decision is in the contract's target state
    assert state_of(decision) == TRANSITION_TARGET[name]


@pytest.mark.parametrize("state", ALL_STATES)
def test_transitions_refused_from_a_wrong_state(org, subtests, state):
    # Given a decision in ``state`` (one walk, then every transition that may not start there)
    decision = decision_in(org, state)
    before = snapshot(decision)

    for name in WRONG[state]:
        with subtests.test(transition=name):
            # When the right person fires it with a valid payload
            with pytest.raises(DecisionError) as exc:
                services.decision_transition(decision=decision, name=name, **transition_payload(org, name))

            # Then it is refused for the state, and nothing changed
            assert exc.value.code == ErrorCode.WRONG_STATE
            assert snapshot(decision) == before


@pytest.mark.parametrize(
    "state",
    [
        DecisionState.PROPOSED,
        DecisionState.PREPARING,
        DecisionState.LEGALITY_REVIEW,
        DecisionState.AWAITING_DECISION,
        DecisionState.DEFERRED,
    ],
)
def test_withdraw_allowed_from_every_state_before_decided(org, state):
    decision = decision_in(org, state)

    services.decision_withdraw(decision=decision, actor=org.leader, reason="情况变化，不再推进。")

    assert state_of(decision) == DecisionState.WITHDRAWN
    assert decision.events.last().comment == "情况变化，不再推进。"


@pytest.mark.parametrize(
    "state",
    [
        DecisionState.DECIDED,
        DecisionState.REJECTED,
        DecisionState.PUBLISHED,
        DecisionState.IMPLEMENTING,
        DecisionState.SUSPENDED,
        DecisionState.WITHDRAWN,
        DecisionState.ARCHIVED,
    ],
)
def test_withdraw_refused_once_decided(org, state):
    decision = decision_in(org, state)
    before = snapshot(decision)

    with pytest.raises(DecisionError) as exc:
        services.decision_withdraw(decision=decision, actor=org.leader, reason="情况变化。")

    assert exc.value.code == ErrorCode.WRONG_STATE
    assert snapshot(decision) == before


@pytest.mark.parametrize(
    ("outcome", "target"),
    [
        ("approved", DecisionState.DECIDED),
        ("rejected", DecisionState.REJECTED),
        ("deferred", DecisionState.DEFERRED),
        ("revise", DecisionState.PREPARING),
        ("discuss_again", DecisionState.AWAITING_DECISION),
    ],
)
def test_record_outcome_moves_to_the_outcomes_state(org, outcome, target):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(outcome))

    assert state_of(decision) == target
    assert Meeting.objects.get(decision=decision).outcome == outcome
    event = decision.events.last()
    assert (event.transition, event.from_state, event.to_state) == ("record_outcome", "awaiting_decision", target)


def test_discussed_again_decision_takes_a_second_meeting(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values("discuss_again"))

    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values("approved"))

    assert state_of(decision) == DecisionState.DECIDED
    assert decision.meetings.count() == 2


def test_deferral_date_kept_while_deferred_and_cleared_on_resume(org):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)
    # The meeting sat the day after the clearance and is recorded two days later
    held = today() + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=3)):
        services.decision_record_outcome(
            decision=decision, actor=org.secretary, **meeting_values("deferred", held_on=held)
        )
    assert Decision.objects.get(pk=decision.pk).deferred_on == held

    services.decision_resume(decision=decision, actor=org.secretary)

    decision.refresh_from_db()
    assert (decision.state, decision.deferred_on) == (DecisionState.AWAITING_DECISION, None)


def test_adjust_reopens_settled_steps(org):
    # Given an implementing decision whose steps were done and not applicable
    decision = register(org)
    services.decision_start(decision=decision, actor=org.secretary)
    settle_steps(decision, org)
    services.step_reopen(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=org.clerk, reason="改为不适用。")
    waive_step(decision, StepKind.RISK_ASSESSMENT, org)
    decision = decision_in_from_preparing(org, decision, DecisionState.IMPLEMENTING)

    # When a leader orders a major adjustment (Art 37)
    services.decision_adjust(decision=decision, actor=org.leader, reason="调整收费标准。")

    # Then the procedure repeats: back to preparing, every step open again, each reopening logged
    assert state_of(decision) == DecisionState.PREPARING
    assert set(decision.steps.values_list("state", flat=True)) == {StepState.IN_PROGRESS}
    reopened = decision.events.filter(transition="reopen", comment="调整收费标准。")
    assert sorted(reopened.values_list("step_kind", flat=True)) == sorted(StepKind.values)


def test_adjusted_decision_must_settle_its_steps_again_before_review(org):
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    services.decision_adjust(decision=decision, actor=org.leader, reason="调整收费标准。")

    with pytest.raises(DecisionError) as exc:
        services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)

    assert (exc.value.code, exc.value.rule) == (ErrorCode.RULE, "steps_settled")


def decision_in_from_preparing(org, decision, state):
    """Take a preparing decision with settled steps on to ``state`` along the main path."""
    services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    issue_opinion(decision, org)
    services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())
    services.decision_publish(decision=decision, actor=org.secretary, **publication_values())
    decision = services.decision_begin_implementation(
        decision=decision, actor=org.secretary, executing_unit=org.sponsor
    )
    assert decision.state == state
    return decision


def test_suspension_and_resumption_of_implementation(org):
    decision = decision_in(org, DecisionState.SUSPENDED)

    services.decision_resume_implementation(decision=decision, actor=org.leader)

    assert state_of(decision) == DecisionState.IMPLEMENTING


# --------------------------------------------------------------------------- codes


def test_decision_codes_are_sequential_per_government_and_year(org):
    year = today().year

    codes = [register(org).code for _ in range(3)]

    assert codes == [f"{year}-001", f"{year}-002", f"{year}-003"]


def test_decision_codes_restart_for_another_government(org):
    register(org)
    other = make_org()

    assert register(other).code == f"{today().year}-001"


def test_decision_codes_restart_for_another_catalogue_year(org):
    register(org, catalogue_year=2030)
    register(org, catalogue_year=2030)

    assert register(org, catalogue_year=2031).code == "2031-001"


def test_decision_code_sequence_counts_withdrawn_and_archived_decisions(org):
    decision_in(org, DecisionState.ARCHIVED)
    decision_in(org, DecisionState.WITHDRAWN)

    assert register(org).code == f"{today().year}-003"


@pytest.mark.parametrize(
    "bad",
    [{"title": " "}, {"category": "unknown"}, {"decision_body": ""}, {"catalogue_year": 1800}],
)
def test_registration_with_bad_input_creates_nothing(org, bad):
    with pytest.raises(DecisionError) as exc:
        register(org, **bad)

    assert exc.value.code == ErrorCode.INVALID
    assert not Decision.objects.filter(government=org.government).exists()


def test_registration_creates_the_three_pending_steps_and_its_event(org):
    decision = register(org)

    assert sorted(decision.steps.values_list("kind", "state")) == sorted(
        (kind, StepState.PENDING) for kind in StepKind.values
    )
    event = decision.events.get()
    assert (event.transition, event.from_state, event.to_state, event.actor) == (
        "register",
        "",
        DecisionState.PROPOSED,
        org.clerk,
    )


# --------------------------------------------------------------------------- bad input changes nothing


def assert_invalid_and_unchanged(decision, call) -> DecisionError:
    before = snapshot(decision)
    with pytest.raises(DecisionError) as exc:
        call()
    assert exc.value.code == ErrorCode.INVALID
    assert snapshot(decision) == before
    return exc.value


@pytest.mark.parametrize("name", ["approve", "", "STATE", "_transition", "save"])
def test_unknown_transition_name_is_invalid(org, name):
    decision = decision_in(org, DecisionState.PREPARING)

    error = assert_invalid_and_unchanged(
        decision, lambda: services.decision_transition(decision=decision, name=name, actor=org.leader)
    )

    assert "transition" in error.fields


def test_unexpected_transition_input_is_invalid(org):
    decision = decision_in(org, DecisionState.PROPOSED)

    assert_invalid_and_unchanged(
        decision,
        lambda: services.decision_transition(decision=decision, name="start", actor=org.secretary, state="decided"),
    )


@pytest.mark.parametrize(("action", "payload"), [("start", {}), ("complete", {}), ("reopen", {"reason": "改稿。"})])
def test_unknown_step_kind_is_invalid(org, action, payload):
    decision = decision_in(org, DecisionState.PREPARING)

    error = assert_invalid_and_unchanged(
        decision,
        lambda: services.step_action(
            decision=decision, kind="legality_review", action=action, actor=org.clerk, **payload
        ),
    )

    assert "kind" in error.fields


def test_unknown_step_action_is_invalid(org):
    decision = decision_in(org, DecisionState.PREPARING)

    error = assert_invalid_and_unchanged(
        decision,
        lambda: services.step_action(decision=decision, kind=StepKind.EXPERT_ARGUMENT, action="done", actor=org.clerk),
    )

    assert "action" in error.fields


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_waiver_without_reason_is_invalid(org, reason):
    decision = decision_in(org, DecisionState.PREPARING)

    error = assert_invalid_and_unchanged(
        decision,
        lambda: services.waiver_request(
            decision=decision,
            kind=StepKind.EXPERT_ARGUMENT,
            actor=org.clerk,
            reason=reason,
            basis=national_basis(StepKind.EXPERT_ARGUMENT),
            approver=org.sponsor_head,
        ),
    )

    assert "reason" in error.fields


def test_waiver_with_its_reason_missing_entirely_is_invalid(org):
    decision = decision_in(org, DecisionState.PREPARING)

    assert_invalid_and_unchanged(
        decision,
        lambda: services.step_action(
            decision=decision,
            kind=StepKind.EXPERT_ARGUMENT,
            action="waive",
            actor=org.clerk,
            basis=national_basis(StepKind.EXPERT_ARGUMENT),
            approver=org.sponsor_head,
        ),
    )


@pytest.mark.parametrize("outcome", ["approve", "", "APPROVED", "postponed"])
def test_unknown_meeting_outcome_is_invalid(org, outcome):
    decision = decision_in(org, DecisionState.AWAITING_DECISION)

    error = assert_invalid_and_unchanged(
        decision,
        lambda: services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(outcome)),
    )

    assert "outcome" in error.fields


@pytest.mark.parametrize("reason", ["", "  "])
def test_return_for_revision_without_reason_is_invalid(org, reason):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)

    error = assert_invalid_and_unchanged(
        decision,
        lambda: services.decision_return_for_revision(decision=decision, actor=org.reviewer, reason=reason),
    )

    assert "reason" in error.fields


def test_return_for_revision_with_reason_missing_entirely_is_invalid(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)

    assert_invalid_and_unchanged(
        decision,
        lambda: services.decision_transition(decision=decision, name="return_for_revision", actor=org.reviewer),
    )


@pytest.mark.parametrize(
    ("name", "state"), [("suspend", "implementing"), ("adjust", "implementing"), ("withdraw", "preparing")]
)
def test_transitions_that_need_a_reason_refuse_a_blank_one(org, name, state):
    decision = decision_in(org, state)
    payload = {**transition_payload(org, name), "reason": " "}

    error = assert_invalid_and_unchanged(
        decision, lambda: services.decision_transition(decision=decision, name=name, **payload)
    )

    assert "reason" in error.fields


def test_unknown_consultation_method_is_invalid(org):
    decision = decision_in(org, DecisionState.PREPARING)
    services.step_start(decision=decision, kind=StepKind.PUBLIC_PARTICIPATION, actor=org.clerk)

    error = assert_invalid_and_unchanged(
        decision, lambda: services.participation_update(decision=decision, actor=org.clerk, methods=["telepathy"])
    )

    assert "methods" in error.fields


def test_unknown_record_field_is_invalid(org):
    decision = decision_in(org, DecisionState.PREPARING)
    services.step_start(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=org.clerk)

    error = assert_invalid_and_unchanged(
        decision, lambda: services.risk_update(decision=decision, actor=org.clerk, state="done")
    )

    assert "state" in error.fields


def test_comment_period_ending_before_it_starts_is_invalid(org):
    decision = decision_in(org, DecisionState.PREPARING)
    services.step_start(decision=decision, kind=StepKind.PUBLIC_PARTICIPATION, actor=org.clerk)
    start = today() - dt.timedelta(days=40)

    assert_invalid_and_unchanged(
        decision,
        lambda: services.participation_update(
            decision=decision, actor=org.clerk, period_start=start, period_end=start - dt.timedelta(days=1)
        ),
    )


def test_settled_step_record_cannot_change_until_reopened(org):
    decision = decision_in(org, DecisionState.PREPARING)
    settle_steps(decision, org)
    before = snapshot(decision)

    with pytest.raises(DecisionError) as exc:
        services.risk_update(decision=decision, actor=org.clerk, level="low")

    assert exc.value.code == ErrorCode.WRONG_STATE
    assert snapshot(decision) == before


def test_steps_change_only_while_preparing(org):
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    before = snapshot(decision)

    with pytest.raises(DecisionError) as exc:
        services.step_reopen(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=org.clerk, reason="改稿。")

    assert exc.value.code == ErrorCode.WRONG_STATE
    assert snapshot(decision) == before


@pytest.mark.parametrize(
    ("action", "from_state"),
    [
        ("start", StepState.DONE),
        ("complete", StepState.PENDING),
        ("reopen", StepState.PENDING),
        ("waive", StepState.DONE),
    ],
)
def test_step_transition_refused_from_a_wrong_step_state(org, action, from_state):
    decision = decision_in(org, DecisionState.PREPARING)
    if from_state == StepState.DONE:
        settle_steps(decision, org)
    payload = (
        {"reason": "理由。", "basis": national_basis(StepKind.RISK_ASSESSMENT), "approver": org.sponsor_head}
        if action == "waive"
        else {}
    )
    if action == "reopen":
        payload = {"reason": "改稿。"}
    before = snapshot(decision)

    with pytest.raises(DecisionError) as exc:
        services.step_action(
            decision=decision, kind=StepKind.RISK_ASSESSMENT, action=action, actor=org.clerk, **payload
        )

    assert exc.value.code == ErrorCode.WRONG_STATE
    assert snapshot(decision) == before


def test_unknown_decision_is_not_found(org):
    decision = register(org)
    missing = Decision(pk=decision.pk + 1000)

    with pytest.raises(DecisionError) as exc:
        services.decision_start(decision=missing, actor=org.secretary)

    assert exc.value.code == ErrorCode.NOT_FOUND


def test_a_type_error_inside_a_service_is_not_reported_as_bad_input(org, monkeypatch):
    decision = decision_in(org, DecisionState.PROPOSED)

    def broken(*, decision, actor, comment="", ip=None):
        raise TypeError("a bug, not bad input")

    monkeypatch.setitem(services.TRANSITION_SERVICES, "start", broken)

    with pytest.raises(TypeError, match="a bug"):
        services.decision_transition(decision=decision, name="start", actor=org.secretary)


def test_unexpected_input_to_a_transition_is_bad_input(org):
    decision = decision_in(org, DecisionState.PROPOSED)

    with pytest.raises(DecisionError) as refused:
        services.decision_transition(decision=decision, name="start", actor=org.secretary, colour="red")

    assert refused.value.code == ErrorCode.INVALID
    decision.refresh_from_db()
    assert decision.state == DecisionState.PROPOSED


def test_a_decision_made_again_after_a_major_adjustment_is_published_again_and_the_first_publication_stays(org):
    # Given a decision published, then adjusted (Art 37) and decided again at a second meeting
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    first = decision.publications.get()
    services.decision_adjust(decision=decision, actor=org.leader, reason="调整收费标准。")
    settle_steps(decision, org)
    services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    issue_opinion(decision, org)
    services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())

    # When it is published again (Art 32)
    services.decision_publish(
        decision=decision, actor=org.secretary, **publication_values(document_number="测政发〔2026〕9号")
    )

    # Then both publications are on the record, the new one is the decision's current one
    assert state_of(decision) == DecisionState.PUBLISHED
    assert list(decision.publications.values_list("document_number", flat=True)) == [
        first.document_number,
        "测政发〔2026〕9号",
    ]
    assert Decision.objects.get(pk=decision.pk).publication.document_number == "测政发〔2026〕9号"


def test_a_second_publish_needs_its_own_publication_record(org):
    # Given a decision published once, adjusted and decided again
    decision = decision_in(org, DecisionState.IMPLEMENTING)
    services.decision_adjust(decision=decision, actor=org.leader, reason="调整收费标准。")
    settle_steps(decision, org)
    services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    issue_opinion(decision, org)
    services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values())
    decision.refresh_from_db()

    # Then the first publication does not open the gate a second time (Art 32)
    refusals = gates.refusals("publish", decision)
    assert [r.rule for r in refusals] == ["publication_recorded"]
