"""Demo of the deadlines and reminders (``manage.py demo_reminders``), through the real services.

On top of ``seed_demo``: the government office sets the dates no statute fixes (the next meeting of
the decisions waiting for it, an implementation report due today, an evaluation of a suspended
decision), demo people get e-mail addresses (local settings write mail to var/mail), and, when a
webhook address is given, every department posts to it (run ``python -m
demo.webhook_receiver`` to see the messages). Idempotent.
"""

from __future__ import annotations

from django.utils import timezone

from deadlines import clocks, reminders
from deadlines.models import Deadline, DeadlineKind, DepartmentNotificationSettings
from decisions import workdays
from decisions.models import Decision, DecisionState, Department, Membership, Role

PLAN = (
    # state, kind, working days from today
    (DecisionState.AWAITING_DECISION, DeadlineKind.MEETING, 3),
    (DecisionState.DEFERRED, DeadlineKind.MEETING, 1),
    (DecisionState.IMPLEMENTING, DeadlineKind.IMPLEMENTATION_REPORT, 0),
    (DecisionState.SUSPENDED, DeadlineKind.EVALUATION_DUE, 1),
)


def seed(*, webhook_url: str = "", scan: bool = False) -> dict:
    today = timezone.localdate()
    calendar = workdays.WorkCalendar()
    assigned = 0
    for state, kind, days in PLAN:
        for decision in Decision.objects.filter(state=state).select_related("government"):
            if Deadline.objects.filter(decision=decision, kind=kind, status=Deadline.Status.OPEN).exists():
                continue
            office = (
                Membership.objects.filter(department__government=decision.government, role=Role.GOVERNMENT_OFFICE)
                .select_related("user")
                .first()
            )
            if office is None:
                continue
            due = calendar.add_working_days(today, days) if days else today
            clocks.deadline_assign(decision=decision, actor=office.user, kind=kind, due_date=due, note="演示")
            assigned += 1
    for membership in Membership.objects.filter(user__email="").select_related("user"):
        membership.user.email = f"{membership.user.get_username()}@demo.invalid"
        membership.user.save(update_fields=["email"])
    if webhook_url:
        for department in Department.objects.all():
            DepartmentNotificationSettings.objects.update_or_create(
                department=department,
                defaults={
                    "webhook_url": webhook_url,
                    "webhook_kind": DepartmentNotificationSettings.WebhookKind.GENERIC,
                    "webhook_enabled": True,
                },
            )
    result = {"assigned": assigned}
    if scan:
        result.update(reminders.run_scan().as_dict())
    return result
