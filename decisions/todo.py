"""My to-do list (我的待办): what the procedure waits on a user to do, across every decision they see.

Read from the same answers as the decision's page and the API (``selectors.available_transitions``
and ``available_step_actions``: the role and the state, in the services' order), the waiver requests
naming the user as approver, and the other apps' tasks (``extensions.provide_tasks``: the legality
review). A task is what is the user's turn, not what is possible: a transition is listed in the
states its spec says the procedure waits for it (``TransitionSpec.awaits``), never a grave one; the
gates that still hold it back are shown on the decision's page. The whole list costs a fixed number
of queries, whatever the number of decisions: the user's roles are loaded once (``permissions.held_by``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from decisions import extensions, permissions, selectors
from decisions.extensions import Task
from decisions.lifecycle import STEP_ACTION_LABELS
from decisions.models import Decision, DecisionState, ProcedureStep
from decisions.rules import rules_for
from decisions.visibility import decisions_visible_to
from decisions.workdays import WorkCalendar

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User  # the project uses Django's user model

# The step actions that move a step forward; "waive" is a choice and "reopen" a correction.
_STEP_TASKS = ("start", "complete")
STEP_TASK_LABEL = _("%(action)s: %(step)s")
WAIVER_TASK_LABEL = _("Approve or refuse: %(step)s not applicable")
PROBLEM_TASK_LABEL = _("Answer the problem found in execution reported on %(date)s")


def _open_decisions(user: User) -> QuerySet[Decision]:
    return (
        decisions_visible_to(user)
        .exclude(state=DecisionState.ARCHIVED)
        .select_related("lead_sponsor", "government")
        .prefetch_related("co_sponsors", Prefetch("steps", queryset=ProcedureStep.objects.order_by("kind")))
        .order_by("-catalogue_year", "-sequence")
    )


def _decision_tasks(user: User, decision: Decision, held: permissions.Held, open_steps: set[int]) -> list[Task]:
    url = reverse("decisions:detail", args=[decision.pk])
    tasks = [
        Task(decision, option.name, option.spec.label, url + "#actions")
        for option in selectors.available_transitions(user, decision, held=held)
        if decision.state in option.spec.awaits and option.state_ok and option.role_ok
    ]
    if decision.state == DecisionState.PREPARING:
        by_step: dict[int, Task] = {}
        for step_option in selectors.available_step_actions(user, decision, held=held, open_steps=open_steps):
            step = step_option.step
            if step_option.name not in _STEP_TASKS or step.pk in by_step:
                continue
            if step_option.role_ok and step_option.state_ok and step_option.preparing and not step_option.request_open:
                label = STEP_TASK_LABEL % {
                    "action": STEP_ACTION_LABELS[step_option.name],
                    "step": step.get_kind_display(),
                }
                by_step[step.pk] = Task(decision, f"step_{step_option.name}", label, f"{url}#step-{step.kind}")
        tasks.extend(by_step.values())
    return tasks


def _execution_problem_tasks(user: User, decisions: list[Decision], held: permissions.Held) -> list[Task]:
    """Art 35: a problem found in execution left unanswered longer than the government's number of
    working days (``execution_problem_answer_working_days``) waits on the executing unit's head. One
    query for the problems, and none at all for a user who answers none."""
    mine = [
        d
        for d in decisions
        if d.state in (DecisionState.IMPLEMENTING, DecisionState.SUSPENDED)
        and permissions.may(user, "answer_execution_problem", d, held=held)
    ]
    if not mine:
        return []
    by_id = {d.pk: d for d in mine}
    calendar, today = WorkCalendar(), timezone.localdate()
    cutoffs: dict[int, dt.date] = {}
    tasks = []
    for problem in selectors.unanswered_execution_problems(mine):
        decision = by_id[problem.decision_id]
        if decision.government_id not in cutoffs:
            days = rules_for(decision.government).execution_problem_answer_working_days
            cutoffs[decision.government_id] = calendar.add_working_days(today, -days)
        if problem.reported_on <= cutoffs[decision.government_id]:
            url = reverse("decisions:detail", args=[decision.pk]) + "#execution-problems"
            label = PROBLEM_TASK_LABEL % {"date": formats.date_format(problem.reported_on)}
            tasks.append(Task(decision, "answer_execution_problem", label, url))
    return tasks


def tasks_for(user: User) -> list[Task]:
    """Every task waiting on ``user``, by decision (newest catalogue first)."""
    held = permissions.held_by(user)
    if not held.rows:
        return []
    decisions = list(_open_decisions(user))
    if not decisions:
        return []
    preparing = [d for d in decisions if d.state == DecisionState.PREPARING]
    open_steps = selectors.open_waiver_steps(preparing) if preparing else set()
    by_decision: dict[int, list[Task]] = {d.pk: _decision_tasks(user, d, held, open_steps) for d in decisions}
    for request in selectors.waiver_requests_awaiting(user, preparing):
        decision = next(d for d in preparing if d.pk == request.step.decision_id)
        url = reverse("decisions:detail", args=[decision.pk]) + f"#step-{request.step.kind}"
        label = WAIVER_TASK_LABEL % {"step": request.step.get_kind_display()}
        by_decision[decision.pk].append(Task(decision, "approve_waiver", label, url))
    for task in _execution_problem_tasks(user, decisions, held):
        by_decision[task.decision.pk].append(task)
    for task in extensions.tasks(user, decisions, held):
        by_decision[task.decision.pk].append(task)
    return [task for decision in decisions for task in by_decision[decision.pk]]
