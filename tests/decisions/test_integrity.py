"""The rules of the record (decisions.integrity) and ``manage.py check_integrity``: honest data has
no finding, and each kind of damage done behind the application's back is found and named."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import integrity, services
from decisions.choices import RuleCode
from decisions.models import Decision, DecisionEvent, DecisionState, RiskAssessmentRecord, StepKind
from demo import builder as demo
from tests.factories import make_org, risk_values
from tests.guards import disable_triggers

pytestmark = pytest.mark.django_db


def run_check(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_integrity", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def raw(sql: str, *params) -> None:
    """A write behind the application's back, as a hand edit of the database would make it."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def walked(org, state: str) -> Decision:
    return demo.walk(services.decision_register(**org.decision_kwargs()), state, org)


def rules(decision: Decision) -> set[str]:
    return {finding.rule for finding in integrity.findings_for(decision)}


# --------------------------------------------------------------------------- honest data


def test_the_demo_data_has_no_finding():
    call_command("seed_demo", verbosity=0)

    status, output = run_check()

    assert status == 0, output
    assert f"{Decision.objects.count()}" in output


@pytest.mark.parametrize("state", [s for s in DecisionState.values if s not in (DecisionState.WITHDRAWN,)])
def test_a_decision_walked_through_the_services_breaks_no_rule(org, state):
    assert integrity.findings_for(walked(org, state)) == []


def test_an_adjusted_decision_back_in_preparation_breaks_no_rule(org):
    decision = walked(org, DecisionState.IMPLEMENTING)
    services.decision_adjust(decision=decision, actor=org.leader, reason="重大调整。")

    assert integrity.findings_for(decision) == []


# --------------------------------------------------------------------------- damage found


def test_a_state_set_by_sql_does_not_replay_from_the_log(org):
    decision = walked(org, DecisionState.PROPOSED)
    # The database refuses it (migration 0016's trigger); a copy restored without the triggers would not.
    disable_triggers("decisions_decision", "decision_state_follows_lifecycle")
    raw("UPDATE decisions_decision SET state = 'decided' WHERE id = %s", decision.pk)

    status, output = run_check()

    assert status == 1
    assert decision.code in output and RuleCode.EVENTS_REPLAY in output
    # ... and the gates it never passed are named too.
    assert {RuleCode.EVENTS_REPLAY, RuleCode.STEPS_SETTLED, RuleCode.REVIEW_ALLOWS} <= rules(decision)


def test_a_risk_made_uncontrollable_by_sql_past_the_submission_is_found(org):
    decision = walked(org, DecisionState.DECIDED)
    raw(
        "UPDATE decisions_riskassessmentrecord SET controllable = false WHERE step_id IN "
        "(SELECT id FROM decisions_procedurestep WHERE decision_id = %s)",
        decision.pk,
    )

    status, output = run_check("--decision", decision.code)

    assert status == 1
    assert RuleCode.RISK_CONTROLLABLE in output and "Art 24" in output


def test_a_lead_sponsor_moved_to_another_governments_department_is_found(org):
    decision = walked(org, DecisionState.PREPARING)
    stranger = make_org("另一个县人民政府").sponsor
    # The database refuses it (migration 0008's trigger); a copy restored without the triggers would not.
    disable_triggers("decisions_decision", "decision_sponsor_within_government")
    raw("UPDATE decisions_decision SET lead_sponsor_id = %s WHERE id = %s", stranger.pk, decision.pk)

    status, output = run_check("--government", str(org.government.pk))

    assert status == 1
    assert RuleCode.SPONSORS_OF_GOVERNMENT in output and decision.code in output


def test_a_deleted_event_breaks_the_replay(org):
    decision = walked(org, DecisionState.AWAITING_DECISION)
    clearance = decision.events.get(transition="clear_for_meeting")
    disable_triggers("decisions_decisionevent", "decision_event_append_only")
    # The notices of the event go with it, as they would for whoever deletes it by hand.
    raw("DELETE FROM decisions_delivery WHERE event_id = %s", clearance.pk)
    raw("DELETE FROM decisions_notification WHERE event_id = %s", clearance.pk)
    raw("DELETE FROM decisions_decisionevent WHERE id = %s", clearance.pk)

    status, output = run_check()

    assert status == 1
    assert RuleCode.EVENTS_REPLAY in output


def test_an_event_the_lifecycle_does_not_allow_is_found(org):
    decision = walked(org, DecisionState.PREPARING)
    DecisionEvent.objects.create(
        decision=decision, transition="publish", from_state=DecisionState.PREPARING, to_state=DecisionState.PREPARING
    )

    assert RuleCode.TRANSITION_ALLOWED in rules(decision)


def test_a_step_event_outside_the_preparation_is_found(org):
    decision = walked(org, DecisionState.DECIDED)
    DecisionEvent.objects.create(
        decision=decision,
        step_kind=StepKind.RISK_ASSESSMENT,
        transition="reopen",
        from_state="done",
        to_state="in_progress",
    )
    raw(
        "UPDATE decisions_procedurestep SET state = 'in_progress' WHERE decision_id = %s AND kind = %s",
        decision.pk,
        StepKind.RISK_ASSESSMENT,
    )

    assert {RuleCode.TRANSITION_ALLOWED, RuleCode.STEPS_SETTLED} <= rules(decision)
    assert RuleCode.EVENTS_REPLAY not in rules(decision)


def test_a_deleted_meeting_record_is_found(org):
    decision = walked(org, DecisionState.DECIDED)
    raw(
        "DELETE FROM decisions_meetingposition WHERE meeting_id IN "
        "(SELECT id FROM decisions_meeting WHERE decision_id = %s)",
        decision.pk,
    )
    raw("DELETE FROM decisions_meeting WHERE decision_id = %s", decision.pk)

    assert rules(decision) == {RuleCode.MEETING_RECORDED}


def test_a_deleted_publication_is_found(org):
    decision = walked(org, DecisionState.IMPLEMENTING)
    raw("DELETE FROM decisions_publication WHERE decision_id = %s", decision.pk)

    assert rules(decision) == {RuleCode.PUBLICATION_RECORDED}


def test_an_opinion_withdrawn_by_sql_past_the_clearance_is_found_by_the_review_app(org):
    decision = walked(org, DecisionState.AWAITING_DECISION)
    disable_triggers("reviews_legalityreview", "legality_review_final_once_issued")
    raw("UPDATE reviews_legalityreview SET conclusion = 'unlawful' WHERE decision_id = %s", decision.pk)

    findings = integrity.findings_for(decision)

    assert [(f.rule, f.article) for f in findings] == [(RuleCode.REVIEW_ALLOWS, "Art 25")]


def test_a_step_waived_without_its_approvers_approval_is_found(org):
    decision = walked(org, DecisionState.PREPARING)
    step = decision.steps.get(kind=StepKind.EXPERT_ARGUMENT)
    raw(
        "UPDATE decisions_procedurestep SET state = 'waived', waiver_reason = '不涉及。', waiver_article = 'Art 19',"
        " waiver_approved_by_id = %s WHERE id = %s",
        org.sponsor_head.pk,
        step.pk,
    )
    raw(
        "INSERT INTO decisions_decisionevent (decision_id, actor_id, step_kind, transition, from_state, to_state,"
        " comment, details, created_at) VALUES (%s, %s, %s, 'waive', 'pending', 'waived', '', '{}', now())",
        decision.pk,
        org.clerk.pk,
        StepKind.EXPERT_ARGUMENT,
    )

    assert RuleCode.WAIVER_APPROVED in rules(decision)


def test_an_uncontrollable_risk_before_the_submission_is_no_finding(org):
    decision = walked(org, DecisionState.PREPARING)
    services.step_start(decision=decision, kind=StepKind.RISK_ASSESSMENT, actor=org.clerk)
    services.risk_update(decision=decision, actor=org.clerk, **risk_values(level="high", controllable=False))

    assert RiskAssessmentRecord.objects.filter(step__decision=decision, controllable=False).exists()
    assert integrity.findings_for(decision) == []


def _queries_to_check(queryset) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert list(integrity.check_integrity(queryset)) == []
    return len(queries)


def test_the_checks_cost_the_same_queries_for_a_batch_of_any_size():
    org = make_org()
    for _ in range(5):
        walked(org, DecisionState.IMPLEMENTING)
    first_two = list(Decision.objects.order_by("pk").values_list("pk", flat=True)[:2])
    few = _queries_to_check(Decision.objects.filter(pk__in=first_two))
    many = _queries_to_check(Decision.objects.all())

    assert few == many


def test_a_large_queryset_is_checked_in_batches(org):
    for _ in range(3):
        walked(org, DecisionState.PREPARING)
    batches = list(integrity.batches(Decision.objects.all(), size=2))

    assert [len(batch) for batch in batches] == [2, 1]
