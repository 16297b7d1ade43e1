"""Who a reminder goes to, what it says, and the bell. How it gets there: ``deadlines.channels``.

The texts are built from the reminder (its kind and day) and its deadline, never stored: the bell
shows them in the reader's language, e-mails and robots get them in the site's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.clocks import basis
from deadlines.models import Deadline, DepartmentNotificationSettings, Notification, Reminder, ReminderKind
from decisions import workdays
from decisions.models import Department, Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the project uses Django's user model

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


@dataclass
class Recipients:
    """Who a reminder reaches: the people, and the department whose settings (its robot, whether it
    takes e-mail) the channels read."""

    users: list[User]
    department: Department
    settings: DepartmentNotificationSettings | None


def _members(department_ids: Iterable[int], roles: Iterable[str]) -> list:
    memberships = (
        Membership.objects.filter(department_id__in=list(department_ids), role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    users: dict[int, User] = {}
    for membership in memberships:
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def recipients(reminder: Reminder) -> Recipients:
    """Ordinary reminders go to the people doing the work in the responsible department (its head
    when it has nobody else); the first escalation to its head; the second to the government's
    leaders. The webhook is the responsible department's robot (the government office's for leaders)."""
    deadline = reminder.deadline
    department = deadline.department
    if reminder.kind == ReminderKind.ESCALATE_LEADER:
        office = Department.objects.filter(
            government_id=deadline.decision.government_id, kind=Department.Kind.GOVERNMENT_OFFICE
        ).first()
        target = office or department
        users = _members([target.pk], (Role.LEADER,))
    elif reminder.kind == ReminderKind.ESCALATE_HEAD:
        target = department
        users = _members([department.pk], HEAD_ROLES[department.kind])
    else:
        target = department
        users = _members([department.pk], WORKER_ROLES[department.kind]) or _members(
            [department.pk], HEAD_ROLES[department.kind]
        )
    settings_row = DepartmentNotificationSettings.objects.filter(department=target).first()
    return Recipients(users=users, department=target, settings=settings_row)


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


# --------------------------------------------------------------------------- the bell


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def for_user(user: User):
    return Notification.objects.filter(user=user).select_related(
        "reminder__deadline__decision", "reminder__deadline__department", "reminder__deadline__assigned_by"
    )


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now(), updated_at=timezone.now())
