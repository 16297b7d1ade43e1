"""我的待办: each user's to-do list is what the pages offer them, and its cost does not grow with the record."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions import services, todo
from decisions.models import DecisionState, StepKind
from demo import builder as demo
from reviews import demo as review_demo
from reviews import services as review_services
from tests.reviews import flow

pytestmark = pytest.mark.django_db


def _register(org, **overrides):
    return services.decision_register(**org.decision_kwargs(**overrides))


def _preparing(org, **overrides):
    return services.decision_start(decision=_register(org, **overrides), actor=org.secretary)


def _actions(user, decision=None):
    return sorted(t.action for t in todo.tasks_for(user) if decision is None or t.decision.pk == decision.pk)


def test_a_proposed_decision_waits_on_the_government_office_to_start_it(org):
    decision = _register(org)
    assert _actions(org.secretary, decision) == ["start"]
    assert _actions(org.leader, decision) == ["start"]
    assert _actions(org.clerk, decision) == []
    assert _actions(org.reviewer, decision) == []


def test_preparation_waits_on_the_sponsor_and_submission_on_its_head(org):
    decision = _preparing(org)
    steps = ["step_start"] * 3
    assert _actions(org.clerk, decision) == steps
    assert _actions(org.sponsor_head, decision) == sorted([*steps, "submit_for_review"])
    assert _actions(org.other_clerk, decision) == []
    assert _actions(org.secretary, decision) == []  # withdrawing is a choice, never a task


def test_a_waiver_request_waits_on_its_approver_and_holds_the_step(org):
    decision = _preparing(org)
    services.waiver_request(
        decision=decision,
        kind=StepKind.RISK_ASSESSMENT,
        actor=org.clerk,
        reason="不涉及社会稳定",
        basis=demo.waiver_basis(decision, StepKind.RISK_ASSESSMENT, "Art 22"),
        approver=org.sponsor_head,
    )
    assert _actions(org.sponsor_head, decision).count("approve_waiver") == 1
    assert _actions(org.leader, decision) == []  # the request names the head, who alone decides it
    assert _actions(org.clerk, decision) == ["step_start", "step_start"]  # the risk step waits on the approver


def test_the_review_passes_from_the_legal_office_to_its_head_and_back_to_clearing(org):
    decision = flow.submitted(org)
    assert _actions(org.reviewer, decision) == ["review_accept"]
    assert _actions(org.legal_head, decision) == ["review_accept"]
    assert _actions(org.clerk, decision) == []
    decision = flow.accepted(org)
    review_demo.hear_adviser(decision, org)
    assert _actions(org.reviewer, decision) == ["review_record_opinion"]
    review_services.review_record_opinion(decision=decision, actor=org.reviewer, conclusion="lawful", reasons="合法。")
    assert _actions(org.reviewer, decision) == []
    assert _actions(org.legal_head, decision) == ["review_issue"]
    review_services.review_issue_opinion(decision=decision, actor=org.legal_head)
    assert _actions(org.reviewer, decision) == ["clear_for_meeting"]


def test_an_opinion_asking_for_changes_waits_on_the_sponsors_answer(org):
    decision = flow.issued(org, conclusion="lawful_with_changes")
    assert _actions(org.clerk, decision) == ["review_answer_item"]
    assert _actions(org.reviewer, decision) == []


def test_after_the_review_the_government_office_holds_the_meeting_and_publishes(org):
    decision = demo.walk(_register(org), DecisionState.AWAITING_DECISION, org)
    assert _actions(org.secretary, decision) == ["record_outcome"]
    assert _actions(org.leader, decision) == []  # the office records the meeting
    demo.hold_meeting(decision, org)
    assert _actions(org.secretary, decision) == ["publish"]


@override_settings(LANGUAGE_CODE="zh-hans")
def test_the_page_lists_the_tasks_in_chinese_and_the_navigation_counts_them(client, org):
    decision = _preparing(org, title="中心城区停车收费调整")
    client.force_login(org.sponsor_head)
    page = client.get(reverse("decisions:todo")).content.decode()
    assert decision.title in page
    assert 'data-task="submit_for_review"' in page
    assert page.count("data-task=") == 4
    assert "我的待办" in page
    assert "提交合法性审查" in page  # the transition's label
    assert client.get(reverse("decisions:todo_count")).json() == {"count": 4}


def test_the_api_answers_the_same_list(client, org):
    decision = _register(org)
    client.force_login(org.secretary)
    rows = client.get("/api/v1/todo/").json()
    assert [(row["decision"], row["action"]) for row in rows] == [(decision.pk, "start")]


def test_the_list_costs_the_same_queries_whatever_the_number_of_decisions(org, django_assert_max_num_queries):
    def queries(user) -> int:
        with CaptureQueriesContext(connection) as ctx:
            todo.tasks_for(user)
        return len(ctx.captured_queries)

    flow.accepted(org)
    _preparing(org)
    few = {user: queries(user) for user in (org.leader, org.reviewer, org.sponsor_head)}
    for _ in range(3):
        _register(org)
        _preparing(org)
        flow.submitted(org)
    demo.walk(_register(org), DecisionState.AWAITING_DECISION, org)
    for user, count in few.items():
        with django_assert_max_num_queries(count):
            assert todo.tasks_for(user)
    assert max(few.values()) <= 9, few
