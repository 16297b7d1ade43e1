"""Art 35: problems found in execution are records, each answered (measures taken, forwarded, or no
action with the reason) by the executing unit's head or the lead sponsor; an old unanswered one is on
the executing unit's to-do list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services, todo
from decisions.choices import EventType, RuleCode
from decisions.errors import DecisionError, ErrorCode
from decisions.models import DecisionEvent, DecisionState, ExecutionProblem
from tests.factories import decision_in, report_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def implementing(org):
    return decision_in(org, DecisionState.IMPLEMENTING)


def _problem(org, decision, **overrides):
    values = {
        "source": ExecutionProblem.Source.PUBLIC_FEEDBACK,
        "source_reference": "FK-2026-0001",
        "description": "部分小区未按新标准收费。",
        "reported_on": timezone.localdate(),
        **overrides,
    }
    return services.execution_problem_report(decision=decision, actor=org.clerk, **values)


def test_the_executing_unit_reports_a_problem_with_event(org, implementing):
    report = report_progress(implementing, org)

    problem = _problem(org, implementing, source=ExecutionProblem.Source.EXECUTING_UNIT, execution_report=report.pk)

    assert problem.execution_report == report
    assert not problem.is_answered
    assert DecisionEvent.objects.filter(decision=implementing, transition=EventType.REPORT_EXECUTION_PROBLEM).exists()


def test_only_the_executing_units_staff_report_a_problem(org, implementing):
    with pytest.raises(DecisionError) as exc:
        services.execution_problem_report(
            decision=implementing,
            actor=org.other_clerk,
            source=ExecutionProblem.Source.PUBLIC_FEEDBACK,
            description="问题。",
            reported_on=timezone.localdate(),
        )

    assert exc.value.code == ErrorCode.FORBIDDEN
    assert not ExecutionProblem.objects.exists()


def test_problem_answer_is_recorded_with_event(org, implementing):
    problem = _problem(org, implementing)

    services.execution_problem_answer(
        decision=implementing,
        actor=org.sponsor_head,
        problem_id=problem.pk,
        answer=ExecutionProblem.Answer.MEASURES_TAKEN,
        answer_text="已约谈物业企业并责令整改。",
    )

    problem.refresh_from_db()
    assert problem.is_answered
    assert (problem.answered_by, problem.answered_on) == (org.sponsor_head, timezone.localdate())
    event = DecisionEvent.objects.get(decision=implementing, transition=EventType.ANSWER_EXECUTION_PROBLEM)
    assert event.actor == org.sponsor_head


def test_an_answer_stays_as_given(org, implementing):
    problem = _problem(org, implementing)
    services.execution_problem_answer(
        decision=implementing, actor=org.sponsor_head, problem_id=problem.pk, answer="no_action", answer_text="不属实。"
    )

    with pytest.raises(DecisionError) as exc:
        services.execution_problem_answer(
            decision=implementing, actor=org.sponsor_head, problem_id=problem.pk, answer="forwarded", answer_text="x"
        )

    assert exc.value.rule == RuleCode.EXECUTION_PROBLEM_ANSWER
    problem.refresh_from_db()
    assert problem.answer == "no_action"


def test_a_clerk_of_the_unit_or_another_department_cannot_answer(org, implementing):
    problem = _problem(org, implementing)
    for actor in (org.other_clerk, org.secretary):
        with pytest.raises(DecisionError) as exc:
            services.execution_problem_answer(
                decision=implementing, actor=actor, problem_id=problem.pk, answer="no_action", answer_text="x"
            )
        assert exc.value.code == ErrorCode.FORBIDDEN


def test_an_answer_needs_its_content(org, implementing):
    problem = _problem(org, implementing)

    with pytest.raises(DecisionError) as exc:
        services.execution_problem_answer(
            decision=implementing, actor=org.sponsor_head, problem_id=problem.pk, answer="forwarded", answer_text=" "
        )

    assert exc.value.code == ErrorCode.INVALID
    problem.refresh_from_db()
    assert not problem.is_answered


def test_an_old_unanswered_problem_is_on_the_executing_units_todo_list(org, implementing):
    old = timezone.localdate() - dt.timedelta(days=40)
    _problem(org, implementing, reported_on=old)

    actions = {task.action for task in todo.tasks_for(org.sponsor_head)}
    secretary_actions = {task.action for task in todo.tasks_for(org.secretary)}

    assert "answer_execution_problem" in actions
    assert "answer_execution_problem" not in secretary_actions


def test_a_fresh_or_answered_problem_is_not_on_the_todo_list(org, implementing):
    _problem(org, implementing)

    assert "answer_execution_problem" not in {task.action for task in todo.tasks_for(org.sponsor_head)}


def test_open_problems_are_shown_on_the_decision_page(client, org, implementing):
    _problem(org, implementing)
    client.force_login(org.leader)

    page = client.get(reverse("decisions:detail", args=[implementing.pk])).content.decode()

    assert "部分小区未按新标准收费。" in page


def test_the_executing_units_head_answers_from_the_decision_page(client, org, implementing):
    problem = _problem(org, implementing)
    client.force_login(org.sponsor_head)

    response = client.post(
        reverse("decisions:execution_problem_answer", args=[implementing.pk]),
        {
            "ans-problem_id": problem.pk,
            "ans-answer": "measures_taken",
            "ans-answer_text": "已整改。",
            "ans-answered_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.answer == "measures_taken"
