"""Who a reminder goes to, what it says, and the three channels: in-app, e-mail and webhook.

The texts are built from the reminder (its kind and day) and its deadline, never stored: the bell
shows them in the reader's language, e-mails and robots get them in the site's language.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deadlines.clocks import basis
from deadlines.models import Deadline, Delivery, DepartmentNotificationSettings, Notification, Reminder, ReminderKind
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


class WebhookError(Exception):
    pass


# --------------------------------------------------------------------------- recipients


@dataclass
class Recipients:
    users: list
    email_users: list
    webhook: DepartmentNotificationSettings | None


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
    channel = DepartmentNotificationSettings.objects.filter(department=target).first()
    email_on = channel is None or channel.email_enabled
    webhook = channel if channel is not None and channel.webhook_enabled and channel.webhook_url else None
    return Recipients(users=users, email_users=[u for u in users if email_on and u.email], webhook=webhook)


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


# --------------------------------------------------------------------------- channels


def idempotency_key(delivery: Delivery) -> str:
    """Stable across retries of one delivery: a receiver that sees it twice knows it is one message."""
    return f"dt-delivery-{delivery.pk}"


def send(delivery: Delivery) -> None:
    """Send one e-mail or webhook delivery; raises on any failure."""
    with translation.override(settings.LANGUAGE_CODE):
        text = message(delivery.reminder)
        if delivery.channel == Delivery.Channel.EMAIL:
            send_email(delivery, text)
        elif delivery.channel == Delivery.Channel.WEBHOOK:
            post_webhook(delivery, text)
        else:
            raise ValueError(f"Channel {delivery.channel} is not sent by a worker.")


def send_email(delivery: Delivery, text: Message) -> None:
    key = idempotency_key(delivery)
    email = EmailMessage(
        subject=text.subject,
        body=text.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": f"<{key}@{settings.DT_MAIL_DOMAIN}>", "X-Idempotency-Key": key},
    )
    email.send(fail_silently=False)


def _payload(delivery: Delivery, channel: DepartmentNotificationSettings, text: Message) -> dict:
    if channel.webhook_kind in (
        DepartmentNotificationSettings.WebhookKind.WECOM,
        DepartmentNotificationSettings.WebhookKind.DINGTALK,
    ):
        # Both group robots take the same plain-text message.
        return {"msgtype": "text", "text": {"content": f"{text.subject}\n{text.text.split(chr(10), 1)[1]}"}}
    reminder = delivery.reminder
    deadline = reminder.deadline
    return {
        "id": idempotency_key(delivery),
        "event": "deadline.reminder",
        "reminder": {"kind": reminder.kind, "due_day": reminder.due_day.isoformat()},
        "deadline": {
            "id": deadline.pk,
            "kind": deadline.kind,
            "label": str(deadline.get_kind_display()),
            "due_date": deadline.due_date.isoformat(),
            "status": deadline.status,
            "basis": basis(deadline),
        },
        "decision": {"id": deadline.decision_id, "code": deadline.decision.code, "title": deadline.decision.title},
        "department": str(deadline.department),
        "subject": text.subject,
        "text": text.text,
        "url": settings.DT_SITE_URL.rstrip("/") + text.url,
    }


def _signed(url: str, secret: str) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret", base64, as query parameters."""
    timestamp = str(round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post_webhook(delivery: Delivery, text: Message) -> None:
    """POST the reminder as JSON to the department's robot, with a timeout; a non-2xx answer or a
    robot's non-zero ``errcode`` is a failure (retried with backoff by the scans)."""
    # A delivery without a department finds no settings (Django reads "= None" as IS NULL); the
    # plugin's lookup check does not allow None for a non-null key.
    channel = DepartmentNotificationSettings.objects.filter(department_id=delivery.department_id).first()  # type: ignore[misc]
    if channel is None or not channel.webhook_enabled or not channel.webhook_url:
        raise WebhookError("The department has no webhook configured any more.")
    url = channel.webhook_url
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise WebhookError("Only http and https webhook addresses are allowed.")
    delivery.address = url
    if channel.webhook_kind == DepartmentNotificationSettings.WebhookKind.DINGTALK and channel.webhook_secret:
        url = _signed(url, channel.webhook_secret)
    body = json.dumps(_payload(delivery, channel, text), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": idempotency_key(delivery),
            "User-Agent": "decision-tracker-reminders",
        },
    )
    with urllib.request.urlopen(request, timeout=settings.DT_WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        raw = response.read(65536)
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise WebhookError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


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
