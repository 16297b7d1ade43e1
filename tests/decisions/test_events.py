"""The append-only event log (Art 38–41: who did what, when, and why, unalterable)."""

from __future__ import annotations

import pytest
from django.db import transaction

from decisions import services
from decisions.errors import DecisionError
from decisions.models import Decision, DecisionEvent, DecisionState, StepKind, StepState
from tests.factories import (
    TRANSITION_SOURCES,
    TRANSITION_TARGET,
    decision_in,
    issue_opinion,
    make_ready,
    meeting_values,
    national_basis,
    publication_values,
    record_risk,
    replayed_states,
    settle_steps,
    transition_payload,
    waive_step,
)

ALLOWED = [(name, source) for name, sources in TRANSITION_SOURCES.items() for source in sorted(sources)]
# Transitions whose comment is their required reason.
REASON_FIELD = {"return_for_revision", "suspend", "adjust", "withdraw"}


@pytest.mark.parametrize(("name", "source"), ALLOWED)
def test_each_transition_logs_one_event_with_actor_states_comment_and_ip(org, name, source):
    # Given a decision ready for the transition
    decision = decision_in(org, source)
    make_ready(decision, org, name)
    payload = transition_payload(org, name)
    if name in REASON_FIELD:
        payload["reason"] = "记录在案的理由。"
    else:
        payload["comment"] = "记录在案的理由。"
    before = set(decision.events.filter(step_kind="").values_list("pk", flat=True))

    # When it is fired from a request at a known address
    services.decision_transition(decision=decision, name=name, ip="203.0.113.7", **payload)

    # Then exactly one decision event holds who, from, to, why and where from
    new = decision.events.filter(step_kind="").exclude(pk__in=before)
    assert new.count() == 1
    event = new.get()
    assert (event.transition, event.actor, event.from_state, event.to_state, event.comment, event.ip_address) == (
        name,
        payload["actor"],
        source,
        TRANSITION_TARGET[name],
        "记录在案的理由。",
        "203.0.113.7",
    )
    assert event.created_at is not None


@pytest.mark.parametrize("action", ["start", "complete", "reopen"])
def test_each_step_transition_logs_one_event(org, action):
    decision = decision_in(org, DecisionState.PREPARING)
    kind = StepKind.RISK_ASSESSMENT
    if action == "complete":
        record_risk(decision, org)
    if action == "reopen":
        settle_steps(decision, org)
    payload = {
        "start": {},
        "complete": {"comment": "评估完成。"},
        "reopen": {"reason": "草案重大修改。"},
    }[action]
    count = decision.events.count()

    step = services.step_action(decision=decision, kind=kind, action=action, actor=org.clerk, ip="::1", **payload)

    assert decision.events.count() == count + 1
    event = decision.events.order_by("-id").first()
    assert (event.step_kind, event.transition, event.actor, event.to_state, event.ip_address) == (
        kind,
        action,
        org.clerk,
        step.state,
        "::1",
    )
    assert event.comment == payload.get("reason", payload.get("comment", ""))


def test_refused_transition_logs_nothing(org):
    decision = decision_in(org, DecisionState.PREPARING)
    count = DecisionEvent.objects.count()

    with pytest.raises(DecisionError):
        services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)

    assert DecisionEvent.objects.count() == count


# --------------------------------------------------------------------------- append-only


@pytest.fixture
def event(org):
    return decision_in(org, DecisionState.PREPARING).events.order_by("id").last()


def test_event_cannot_be_changed_through_save(event):
    event.comment = "改写历史"

    with pytest.raises(PermissionError):
        event.save()

    assert DecisionEvent.objects.get(pk=event.pk).comment == ""


def test_event_cannot_be_deleted_through_the_instance(event):
    with pytest.raises(PermissionError):
        event.delete()

    assert DecisionEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_changed_through_a_queryset_update(event):
    with pytest.raises(PermissionError):
        DecisionEvent.objects.filter(pk=event.pk).update(to_state="decided")

    assert DecisionEvent.objects.get(pk=event.pk).to_state == "preparing"


def test_events_cannot_be_deleted_through_a_queryset(event):
    with pytest.raises(PermissionError):
        DecisionEvent.objects.filter(pk=event.pk).delete()

    assert DecisionEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_changed_through_bulk_update(event):
    event.to_state = "decided"

    # bulk_update runs inside its own atomic block without a savepoint: give it one, so the refusal
    # does not poison the test's transaction.
    with pytest.raises(PermissionError), transaction.atomic():
        DecisionEvent.objects.bulk_update([event], ["to_state"])

    assert DecisionEvent.objects.get(pk=event.pk).to_state == "preparing"


def test_events_cannot_be_deleted_through_the_decisions_related_manager(event):
    with pytest.raises(PermissionError):
        event.decision.events.all().delete()

    assert event.decision.events.count() == 2


def test_decision_with_history_cannot_be_deleted(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Decision.objects.get(pk=event.decision_id).delete()

    assert DecisionEvent.objects.filter(pk=event.pk).exists()


# --------------------------------------------------------------------------- replay


@pytest.mark.parametrize("state", ["archived", "suspended", "withdrawn", "rejected", "deferred"])
def test_event_log_replays_to_the_current_state(org, state):
    decision = decision_in(org, state)

    replayed = replayed_states(decision)

    decision.refresh_from_db()
    assert replayed[""] == decision.state
    for step in decision.steps.all():
        assert replayed.get(step.kind, "pending") == step.state


def test_event_log_replays_through_revision_rounds_and_an_adjustment(org):
    # Given a decision returned once, sent back by the meeting once, implemented, then adjusted
    decision = decision_in(org, DecisionState.LEGALITY_REVIEW)
    services.decision_return_for_revision(decision=decision, actor=org.reviewer, reason="补充材料。")
    services.step_reopen(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=org.clerk, reason="补充论证。")
    services.step_complete(decision=decision, kind=StepKind.EXPERT_ARGUMENT, actor=org.clerk)
    services.step_reopen(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=org.clerk, reason="改为不适用。")
    waive_step(decision, StepKind.RISK_ASSESSMENT, org)
    services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    issue_opinion(decision, org, "lawful_with_changes")
    services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values("revise"))
    services.decision_submit_for_review(decision=decision, actor=org.sponsor_head)
    issue_opinion(decision, org)
    services.decision_clear_for_meeting(decision=decision, actor=org.reviewer)
    for outcome in ("deferred", None, "approved"):
        if outcome is None:
            services.decision_resume(decision=decision, actor=org.secretary)
        else:
            services.decision_record_outcome(decision=decision, actor=org.secretary, **meeting_values(outcome))
    services.decision_publish(decision=decision, actor=org.secretary, **publication_values())
    services.decision_begin_implementation(decision=decision, actor=org.secretary, executing_unit=org.other_sponsor)
    services.decision_adjust(decision=decision, actor=org.leader, reason="重大调整。")

    replayed = replayed_states(decision)

    decision.refresh_from_db()
    assert replayed[""] == decision.state == DecisionState.PREPARING
    assert {kind: replayed[kind] for kind in StepKind.values} == dict(decision.steps.values_list("kind", "state"))


def test_replay_detects_a_log_that_does_not_chain(org):
    # The replay used by these tests is itself a check: an event that starts from the wrong state fails it.
    decision = decision_in(org, DecisionState.PREPARING)
    DecisionEvent.objects.create(
        decision=decision, transition="clear_for_meeting", from_state="legality_review", to_state="awaiting_decision"
    )

    with pytest.raises(AssertionError):
        replayed_states(decision)


def test_a_waiver_logs_its_request_by_the_clerk_and_its_approval_by_the_approver(org):
    decision = decision_in(org, DecisionState.PREPARING)
    kind = StepKind.RISK_ASSESSMENT
    count = decision.events.count()

    services.step_action(
        decision=decision,
        kind=kind,
        action="waive",
        actor=org.clerk,
        ip="::1",
        reason="不涉及稳定风险。",
        basis=national_basis(kind),
        approver=org.leader,
    )
    services.waiver_approve(decision=decision, kind=kind, actor=org.leader, ip="::2")

    requested, approved = decision.events.order_by("id")[count:]
    assert (requested.transition, requested.actor, requested.from_state, requested.to_state) == (
        "request_waiver",
        org.clerk,
        StepState.PENDING,
        StepState.PENDING,
    )
    assert (approved.transition, approved.actor, approved.to_state, approved.ip_address) == (
        "waive",
        org.leader,
        StepState.WAIVED,
        "::2",
    )
    assert (approved.details["requested_by"], approved.details["approved_by"]) == (org.clerk.pk, org.leader.pk)


def test_reopening_a_waived_step_withdraws_the_waiver_and_the_log_keeps_what_it_said(org):
    decision = decision_in(org, DecisionState.PREPARING)
    kind = StepKind.RISK_ASSESSMENT
    waive_step(decision, kind, org, reason="不涉及稳定风险。")

    step = services.step_reopen(decision=decision, kind=kind, actor=org.clerk, reason="草案重大修改。")

    step.refresh_from_db()
    assert (step.waiver_reason, step.waiver_article, step.waiver_approved_by, step.waiver_request) == (
        "",
        "",
        None,
        None,
    )
    waived, reopened = decision.events.filter(step_kind=kind, transition__in=["waive", "reopen"]).order_by("id")
    expected = {
        "reason": "不涉及稳定风险。",
        "article": "Art 22",
        "approved_by": org.sponsor_head.pk,
        "requested_by": org.clerk.pk,
    }
    assert {k: waived.details[k] for k in expected} == expected
    assert {k: reopened.details["withdrawn_waiver"][k] for k in expected} == expected


def test_an_address_that_is_not_an_ip_is_dropped_not_fatal(org):
    decision = decision_in(org, DecisionState.PROPOSED)

    services.decision_start(decision=decision, actor=org.secretary, ip="not-an-address")

    assert decision.events.order_by("-id").first().ip_address is None
