"""Who a reminder goes to, what it says, and the bell. How it gets there: ``deadlines.channels``.

The texts are built from the reminder (its kind and day) and its deadline, never stored: the bell
shows them in the reader's language, e-mails and robots get them in the site's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from deadlines.batches import AmongIds
from deadlines.clocks import basis
from deadlines.models import (
    Deadline,
    Delivery,
    DepartmentNotificationSettings,
    Notification,
    Reminder,
    ReminderKind,
)
from decisions import extensions, workdays
from decisions.models import DecisionEvent, Department, Membership, Role, StepKind
from decisions.presentation import article_label
from reviews.choices import ReviewEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

# What a delivery or a bell notification tells of: a reminder, or an event that hands on a task.
Source = Reminder | DecisionEvent

# Who does the work in each kind of department, and who heads it.
WORKER_ROLES: dict[str, tuple[str, ...]] = {
    Department.Kind.SPONSOR: (Role.SPONSOR_CLERK,),
    Department.Kind.LEGAL_OFFICE: (Role.LEGAL_REVIEWER,),
    Department.Kind.GOVERNMENT_OFFICE: (Role.GOVERNMENT_OFFICE,),
}
HEAD_ROLES: dict[str, tuple[str, ...]] = {
    Department.Kind.SPONSOR: (Role.SPONSOR_HEAD,),
    Department.Kind.LEGAL_OFFICE: (Role.LEGAL_HEAD,),
    Department.Kind.GOVERNMENT_OFFICE: (Role.LEADER,),
}


# --------------------------------------------------------------------------- recipients


class Person(NamedTuple):
    """Someone a message reaches: the user's id, and the address e-mail goes to ("" for none)."""

    pk: int
    email: str


class ChannelSettings(NamedTuple):
    """What the channels read of a department's ``DepartmentNotificationSettings``."""

    email_enabled: bool
    webhook_enabled: bool
    webhook_url: str

    @classmethod
    def of_departments(cls, department_ids: Iterable[int]) -> dict[int, ChannelSettings]:
        """The settings of those departments that have any, by department id, in one query."""
        rows = DepartmentNotificationSettings.objects.filter(AmongIds(F("department_id"), department_ids)).values_list(
            "department_id", "email_enabled", "webhook_enabled", "webhook_url"
        )
        return {department_id: cls(email, webhook, url) for department_id, email, webhook, url in rows}


@dataclass
class Recipients:
    """Who a message reaches: the people, and the department whose settings (its robot, whether it
    takes e-mail) the channels read."""

    users: list[Person]
    department_id: int
    settings: ChannelSettings | None


class DueReminder(NamedTuple):
    """A reminder the dispatch claimed, with what its recipients and its state depend on."""

    pk: int
    kind: str
    deadline_open: bool
    government_id: int
    department_id: int
    department_kind: str


def recipients_for(reminders: Sequence[DueReminder]) -> list[Recipients]:
    """Who each reminder reaches, in order. Ordinary reminders go to the people doing the work in the
    responsible department (its head when it has nobody else); the first escalation to its head; the
    second to the government's leaders. The webhook is the responsible department's robot (the
    government office's for leaders).

    In a fixed number of queries whatever the number of reminders (the dispatch's batch), reading
    values, not model objects: the government offices the leaders' escalations go to, the members
    of every department reached, and those departments' settings, one query each."""
    leader_governments = {
        reminder.government_id for reminder in reminders if reminder.kind == ReminderKind.ESCALATE_LEADER
    }
    offices: dict[int, tuple[int, str]] = {}
    if leader_governments:
        # In the model's order (by name), the first office of each government.
        found = Department.objects.filter(
            government_id__in=leader_governments, kind=Department.Kind.GOVERNMENT_OFFICE
        ).values_list("government_id", "pk", "kind")
        for government_id, pk, kind in found:
            offices.setdefault(government_id, (pk, kind))
    # Per reminder: the department it reaches, and the roles asked there in turn (the next ones only
    # when nobody holds the first).
    wanted: list[tuple[int, tuple[tuple[str, ...], ...]]] = []
    for reminder in reminders:
        department = (reminder.department_id, reminder.department_kind)
        if reminder.kind == ReminderKind.ESCALATE_LEADER:
            leaders = offices.get(reminder.government_id) or department
            wanted.append((leaders[0], ((Role.LEADER,),)))
        elif reminder.kind == ReminderKind.ESCALATE_HEAD:
            wanted.append((department[0], (HEAD_ROLES[department[1]],)))
        else:
            wanted.append((department[0], (WORKER_ROLES[department[1]], HEAD_ROLES[department[1]])))
    if not wanted:
        return []
    department_ids = {target for target, _roles in wanted}
    all_roles = {role for _target, tries in wanted for roles in tries for role in roles}
    members: dict[tuple[int, str], list[Person]] = {}
    memberships = Membership.objects.filter(
        AmongIds(F("department_id"), department_ids), role__in=all_roles, user__is_active=True
    ).values_list("department_id", "role", "user_id", "user__email")
    for department_id, role, user_id, email in memberships:
        members.setdefault((department_id, role), []).append(Person(user_id, email))
    settings_rows = ChannelSettings.of_departments(department_ids)
    out = []
    for target, tries in wanted:
        users: dict[int, Person] = {}
        for roles in tries:
            for role in roles:
                for user in members.get((target, role), []):
                    users.setdefault(user.pk, user)
            if users:
                break
        out.append(
            Recipients(
                users=[users[pk] for pk in sorted(users)], department_id=target, settings=settings_rows.get(target)
            )
        )
    return out


# --------------------------------------------------------------------------- texts


@dataclass
class Message:
    subject: str
    text: str
    url: str
    headline: str


def deadline_url(deadline: Deadline) -> str:
    return reverse("deadlines:decision", args=[deadline.decision_id])


def message(reminder: Reminder, *, calendar: workdays.WorkCalendar | None = None) -> Message:
    """The reminder's text in the active language, as of the reminder's day."""
    calendar = calendar or workdays.WorkCalendar()
    deadline = reminder.deadline
    decision = deadline.decision
    calendar.take_fallback_years()
    days = abs(calendar.working_days_left(reminder.due_day, deadline.due_date))
    values = {"kind": deadline.get_kind_display(), "date": deadline.due_date.isoformat(), "days": days}
    if reminder.kind == ReminderKind.BEFORE:
        headline = ngettext(
            "%(kind)s in %(days)s working day, on %(date)s", "%(kind)s in %(days)s working days, on %(date)s", days
        )
    elif reminder.kind == ReminderKind.DUE_DAY:
        headline = _("%(kind)s today, %(date)s")
    elif reminder.kind == ReminderKind.OVERDUE:
        headline = ngettext(
            "%(kind)s overdue by %(days)s working day (due %(date)s)",
            "%(kind)s overdue by %(days)s working days (due %(date)s)",
            days,
        )
    elif reminder.kind == ReminderKind.ESCALATE_HEAD:
        headline = ngettext(
            "Escalated to the department head: %(kind)s overdue by %(days)s working day (due %(date)s)",
            "Escalated to the department head: %(kind)s overdue by %(days)s working days (due %(date)s)",
            days,
        )
    else:
        headline = ngettext(
            "Escalated to the leaders: %(kind)s overdue by %(days)s working day (due %(date)s)",
            "Escalated to the leaders: %(kind)s overdue by %(days)s working days (due %(date)s)",
            days,
        )
    headline = headline % values
    note = workdays.fallback_note(set(deadline.fallback_years) | set(calendar.take_fallback_years()))
    url = deadline_url(deadline)
    lines = [
        headline,
        _("Decision: %(code)s %(title)s") % {"code": decision.code, "title": decision.title},
        _("Responsible: %(department)s") % {"department": deadline.department},
        _("Basis: %(basis)s") % {"basis": basis(deadline)},
    ]
    if note:
        lines.append(_("Note: %(note)s") % {"note": note})
    lines.append(settings.DT_SITE_URL.rstrip("/") + url)
    return Message(subject=f"[{decision.code}] {headline}", text="\n".join(lines), url=url, headline=headline)


# --------------------------------------------------------------------------- events that ask someone
# (who is told: deadlines.arrivals)

WAIVER_HEADLINES = {
    "request_waiver": _lazy("%(person)s asks you to approve marking %(step)s not applicable"),
    "waive": _lazy("%(person)s approved your request: %(step)s is not applicable"),
    "refuse_waiver": _lazy("%(person)s refused your request to mark %(step)s not applicable"),
    "withdraw_waiver_request": _lazy("%(person)s withdrew the request to mark %(step)s not applicable"),
}


def _event_url(event: DecisionEvent) -> str:
    if event.step_kind:
        return reverse("decisions:detail", args=[event.decision_id]) + f"#step-{event.step_kind}"
    if event.transition == "submit_for_review" or event.transition in ReviewEvent.values:
        return reverse("reviews:decision", args=[event.decision_id])
    return reverse("decisions:detail", args=[event.decision_id])


def event_message(event: DecisionEvent) -> Message:
    """The text of an event's notification, in the active language: a waiver request or its outcome
    (to the one person it names), or a task the event hands on (``deadlines.arrivals``)."""
    decision = event.decision
    details = event.details or {}
    person = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else _("system")
    url = _event_url(event)
    if event.transition in WAIVER_HEADLINES:
        headline = WAIVER_HEADLINES[event.transition] % {"step": StepKind(event.step_kind).label, "person": person}
        lines = [
            headline,
            _("Decision: %(code)s %(title)s") % {"code": decision.code, "title": decision.title},
            _("Reason: %(reason)s") % {"reason": details.get("reason", "")},
            _("Legal basis: %(article)s") % {"article": article_label(details.get("article", ""))},
        ]
        if event.transition == "refuse_waiver" and event.comment:
            lines.append(_("Why refused: %(reason)s") % {"reason": event.comment})
    else:
        label = extensions.event_labels().get(event.transition, event.transition)
        headline = _("%(person)s: %(event)s. Now waiting on you.") % {"person": person, "event": label}
        lines = [
            headline,
            _("Decision: %(code)s %(title)s") % {"code": decision.code, "title": decision.title},
            _("State: %(state)s") % {"state": decision.get_state_display()},
        ]
        if event.comment:
            lines.append(_("Comment: %(comment)s") % {"comment": event.comment})
    lines.append(settings.DT_SITE_URL.rstrip("/") + url)
    return Message(subject=f"[{decision.code}] {headline}", text="\n".join(lines), url=url, headline=headline)


def notification_message(notification: Notification, *, calendar: workdays.WorkCalendar | None = None) -> Message:
    """What a bell notification says: its reminder's text, or its event's."""
    if notification.reminder is not None:
        return message(notification.reminder, calendar=calendar)
    assert notification.event is not None  # one or the other (a constraint)
    return event_message(notification.event)


def delivery_message(delivery: Delivery) -> Message:
    """What a delivery says: its reminder's text, or its event's."""
    if delivery.reminder is not None:
        return message(delivery.reminder)
    assert delivery.event is not None  # one or the other (a constraint)
    return event_message(delivery.event)


# --------------------------------------------------------------------------- the bell


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def for_user(user: User):
    return Notification.objects.filter(user=user).select_related(
        "reminder__deadline__decision",
        "reminder__deadline__department",
        "reminder__deadline__assigned_by",
        "event__decision",
        "event__actor",
    )


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now(), updated_at=timezone.now())
