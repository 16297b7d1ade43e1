"""Reminders of deadlines, delivered exactly once.

No task waits for a date. Celery beat runs ``run_scan`` every few minutes (settings
``DT_REMINDER_SCAN_SECONDS``); the scan works only from the database, in four steps:

1. close the milestones whose day has passed (``deadlines.close_elapsed``);
2. plan: for each open deadline whose ``next_reminder_on`` has come (an indexed query), create the
   ``Reminder`` rows due by today. The unique key (deadline, kind, due day) makes a second scan or a
   second beat create nothing new;
3. dispatch: claim pending reminders 500 at a time with ``select_for_update(skip_locked=True)``,
   create their in-app notifications and delivery rows, and mark them sent, all in one transaction:
   a crash before the commit leaves them pending for the next scan, a commit leaves them sent for good;
4. deliver: claim each pending e-mail or webhook delivery the same way, send it while it is locked
   and mark it sent in the same transaction. A failure leaves it pending with a later attempt time
   (backoff); other deliveries go on. A crash between the send and the commit (a window of a few
   milliseconds) sends that one message again on the next scan: e-mails and webhook posts carry an
   idempotency key (the delivery id) so the receiving side can tell.

The schedule of one deadline (rule settings, ``rules_for``): ``reminder_lead_working_days`` before the
due date (3 and 1 by default), on the due date, then every working day while overdue; on the first
overdue working day the department head is told, and ``escalate_to_leader_after_working_days``
working days later the government's leaders. Reminders dated before the deadline existed are not
sent. When several ordinary reminders of one deadline fell due while nothing ran (Redis or the
worker down), the latest one is sent and the older ones are kept as "superseded": each message
tells the state of the deadline on its day, so the older ones would only repeat it, staler.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import asdict, dataclass
from typing import NamedTuple, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.celery import enqueue_safely
from deadlines import batches, channels, notifications
from deadlines import clocks as deadline_clocks
from deadlines.batches import AmongIds
from deadlines.models import Deadline, Delivery, Reminder, ReminderKind
from decisions import workdays
from decisions.rules import Rules, rules_for_each

logger = logging.getLogger(__name__)

ORDINARY = (ReminderKind.BEFORE, ReminderKind.DUE_DAY, ReminderKind.OVERDUE)
ESCALATIONS = (ReminderKind.ESCALATE_HEAD, ReminderKind.ESCALATE_LEADER)


# --------------------------------------------------------------------------- the schedule


class Scheduled(Protocol):
    """What a deadline's schedule depends on: a ``Deadline``, or the scan's row of one."""

    @property
    def kind(self) -> str: ...
    @property
    def due_date(self) -> dt.date: ...
    @property
    def created_day(self) -> dt.date: ...


class _DueDeadline(NamedTuple):
    """A deadline the planning claimed: its schedule's inputs and its government (for the rules)."""

    pk: int
    kind: str
    due_date: dt.date
    created_day: dt.date
    government_id: int


def _fixed_items(deadline: Scheduled, rules: Rules, calendar: workdays.WorkCalendar) -> list[tuple[str, dt.date]]:
    """The reminders on fixed days. Reminders dated before the deadline existed are dropped, except
    the escalations: a clock recorded when already overdue is escalated on the first working day."""
    policy = deadline_clocks.POLICY[deadline.kind]
    due = deadline.due_date
    created = deadline.created_day
    items: list[tuple[str, dt.date]] = []
    if policy.remind_before:
        items += [(ReminderKind.BEFORE, calendar.add_working_days(due, -n)) for n in rules.reminder_lead_working_days]
        if rules.remind_on_due_day:
            items.append((ReminderKind.DUE_DAY, due))
        items = [(kind, day) for kind, day in items if day >= created]
    if policy.chase_overdue:
        first_overdue = calendar.add_working_days(due, 1)
        to_leader = calendar.add_working_days(first_overdue, rules.escalate_to_leader_after_working_days)
        known = calendar.next_working_day(created)
        items.append((ReminderKind.ESCALATE_HEAD, max(first_overdue, known)))
        items.append((ReminderKind.ESCALATE_LEADER, max(to_leader, known)))
    return items


def _daily_overdue(deadline: Scheduled, rules: Rules) -> bool:
    return deadline_clocks.POLICY[deadline.kind].chase_overdue and rules.remind_daily_when_overdue


def schedule_through(
    deadline: Scheduled,
    rules: Rules,
    calendar: workdays.WorkCalendar,
    through: dt.date,
    *,
    fixed: list[tuple[str, dt.date]] | None = None,
) -> list[tuple[str, dt.date]]:
    """Every reminder of ``deadline`` dated from its creation up to ``through``, in date order
    (``fixed``: its ``_fixed_items`` when the caller has them already)."""
    start = deadline.created_day
    if fixed is None:
        fixed = _fixed_items(deadline, rules, calendar)
    items = [(kind, day) for kind, day in fixed if day <= through]
    if _daily_overdue(deadline, rules):
        day = max(calendar.add_working_days(deadline.due_date, 1), calendar.next_working_day(start))
        while day <= through:
            items.append((ReminderKind.OVERDUE, day))
            day = calendar.add_working_days(day, 1)
    return sorted(items, key=lambda item: (item[1], item[0]))


def next_reminder_after(
    deadline: Scheduled,
    rules: Rules,
    calendar: workdays.WorkCalendar,
    after: dt.date,
    *,
    fixed: list[tuple[str, dt.date]] | None = None,
) -> dt.date | None:
    """The first day after ``after`` on which a reminder of ``deadline`` falls due, if any
    (``fixed``: its ``_fixed_items`` when the caller has them already)."""
    after = max(after, deadline.created_day - dt.timedelta(days=1))
    if fixed is None:
        fixed = _fixed_items(deadline, rules, calendar)
    days = [day for _kind, day in fixed if day > after]
    if _daily_overdue(deadline, rules):
        first_overdue = calendar.add_working_days(deadline.due_date, 1)
        days.append(first_overdue if first_overdue > after else calendar.add_working_days(after, 1))
    return min(days) if days else None


def first_reminder_day(
    deadline: Deadline, rules: Rules, calendar: workdays.WorkCalendar, today: dt.date
) -> dt.date | None:
    """Where the scan must start looking at a new or recomputed deadline (possibly already past:
    the next scan then plans what fell due)."""
    if not deadline.is_open or deadline.paused:
        return None
    return next_reminder_after(deadline, rules, calendar, deadline.created_day - dt.timedelta(days=1))


# --------------------------------------------------------------------------- 1-2. plan


def _plan_deadline(
    deadline: _DueDeadline,
    rules: Rules,
    calendar: workdays.WorkCalendar,
    today: dt.date,
    existing: dict[tuple[str, dt.date], str],
) -> tuple[list[tuple[int, str, dt.date, str]], dt.date | None]:
    """The new reminder rows of one deadline (``existing``: its rows by (kind, due day)) as (deadline,
    kind, due day, status), and its next reminder day (both written by the caller, for the whole
    batch at once); supersedes the older pending ones when a newer ordinary one falls due."""
    fixed = _fixed_items(deadline, rules, calendar)  # computed once for both uses below
    items = schedule_through(deadline, rules, calendar, today, fixed=fixed)
    new = [item for item in items if item not in existing]
    latest_ordinary_done = max(
        (
            day
            for (kind, day), status in existing.items()
            if kind in ORDINARY and status in (Reminder.Status.SENT, Reminder.Status.PENDING)
        ),
        default=None,
    )
    ordinary_new = [item for item in new if item[0] in ORDINARY]
    latest_new = ordinary_new[-1] if ordinary_new else None
    if latest_new and latest_ordinary_done and latest_new[1] < latest_ordinary_done:
        latest_new = None  # a newer reminder already went out: the recomputed older dates add nothing
    rows = []
    for kind, day in new:
        pending = kind in ESCALATIONS or (kind, day) == latest_new
        status = Reminder.Status.PENDING if pending else Reminder.Status.SUPERSEDED
        rows.append((deadline.pk, kind, day, str(status)))
    if latest_new is not None and any(
        kind in ORDINARY and status == Reminder.Status.PENDING and day < latest_new[1]
        for (kind, day), status in existing.items()
    ):
        Reminder.objects.filter(
            deadline_id=deadline.pk, status=Reminder.Status.PENDING, kind__in=ORDINARY, due_day__lt=latest_new[1]
        ).update(status=Reminder.Status.SUPERSEDED, updated_at=timezone.now())
    return rows, next_reminder_after(deadline, rules, calendar, today, fixed=fixed)


def plan_due(*, today: dt.date, batch: int = 500) -> int:
    """Create the reminders that fell due by ``today`` for every open deadline whose time has come.

    Set-based per batch, on values rather than model objects: one statement claims the batch, one
    reads its existing reminders, one per level of the hierarchy reads the rules of the governments
    not seen yet, one inserts the new ones (ON CONFLICT DO NOTHING on the unique key, so a concurrent
    scan adds nothing twice) and one per next reminder day moves the deadlines on; the schedule
    itself is computed in Python on one shared working-day calendar."""
    calendar = workdays.WorkCalendar()
    calendar.preload(today.year - 1, today.year + 1)
    rules_cache: dict[int, Rules] = {}
    planned = 0
    done_ids: set[int] = set()
    while True:
        with transaction.atomic():
            due = [
                _DueDeadline(pk, kind, due_date, timezone.localdate(created_at), government_id)
                for pk, kind, due_date, created_at, government_id in Deadline.objects.select_for_update(
                    skip_locked=True, of=("self",)
                )
                .filter(status=Deadline.Status.OPEN, next_reminder_on__lte=today, paused=False)
                .exclude(AmongIds(F("pk"), done_ids))
                .order_by("next_reminder_on", "id")
                .values_list("pk", "kind", "due_date", "created_at", "decision__government_id")[:batch]
            ]
            existing: dict[int, dict[tuple[str, dt.date], str]] = {deadline.pk: {} for deadline in due}
            rows = Reminder.objects.filter(AmongIds(F("deadline_id"), existing)).values_list(
                "deadline_id", "kind", "due_day", "status"
            )
            for deadline_id, kind, day, status in rows:
                existing[deadline_id][(kind, day)] = status
            rules_cache.update(rules_for_each({deadline.government_id for deadline in due} - set(rules_cache)))
            new: list[tuple[int, str, dt.date, str]] = []
            # One UPDATE per next reminder day (a handful: the next working days and lead days), not
            # a CASE over the batch's rows.
            moved: dict[dt.date | None, list[int]] = {}
            for deadline in due:
                rows_of_deadline, next_day = _plan_deadline(
                    deadline, rules_cache[deadline.government_id], calendar, today, existing[deadline.pk]
                )
                new += rows_of_deadline
                moved.setdefault(next_day, []).append(deadline.pk)
                done_ids.add(deadline.pk)
            now = timezone.now()
            batches.insert_values(
                Reminder,
                ["deadline", "kind", "due_day", "status"],
                new,
                {"sent_at": None, "created_at": now, "updated_at": now},
            )
            for next_day, ids in moved.items():
                Deadline.objects.filter(AmongIds(F("pk"), ids)).update(next_reminder_on=next_day, updated_at=now)
            planned += sum(1 for row in new if row[3] == Reminder.Status.PENDING)
        if len(due) < batch:
            return planned


# --------------------------------------------------------------------------- 3. dispatch


def dispatch_batch(*, today: dt.date, batch: int = 500) -> int:
    """Claim up to ``batch`` pending reminders due by ``today`` and fan them out, in one transaction:
    a crash before the commit leaves all of them pending, a commit leaves all of them sent (each
    exactly once, as with one at a time, at a fraction of the transactions). Returns how many.

    Set-based: the claim reads values, not model objects; the recipients take three reads
    (``notifications.recipients_for``) and the notifications and deliveries an INSERT … SELECT per
    channel (``channels.fan_out``)."""
    now = timezone.now()
    with transaction.atomic():
        reminders = [
            notifications.DueReminder(pk, kind, status == Deadline.Status.OPEN, government_id, department_id, kind_of)
            for pk, kind, status, government_id, department_id, kind_of in Reminder.objects.select_for_update(
                skip_locked=True, of=("self",)
            )
            .filter(status=Reminder.Status.PENDING, due_day__lte=today)
            .order_by("due_day", "id")
            .values_list(
                "pk",
                "kind",
                "deadline__status",
                "deadline__decision__government_id",
                "deadline__department_id",
                "deadline__department__kind",
            )[:batch]
        ]
        cancelled = [reminder.pk for reminder in reminders if not reminder.deadline_open]
        going = [reminder for reminder in reminders if reminder.deadline_open]
        sent = [reminder.pk for reminder in going]
        recipients = notifications.recipients_for(going)
        channels.fan_out("reminder", [(reminder.pk, to) for reminder, to in zip(going, recipients, strict=True)], now)
        if cancelled:
            Reminder.objects.filter(AmongIds(F("pk"), cancelled)).update(
                status=Reminder.Status.CANCELLED, updated_at=now
            )
        if sent:
            Reminder.objects.filter(AmongIds(F("pk"), sent)).update(
                status=Reminder.Status.SENT, sent_at=now, updated_at=now
            )
    return len(reminders)


def dispatch_one(*, today: dt.date) -> bool:
    """Claim one pending reminder due by ``today`` and fan it out; False when none is left."""
    return dispatch_batch(today=today, batch=1) > 0


# --------------------------------------------------------------------------- 4. deliver


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: the base delay doubled per failed attempt, capped."""
    base = settings.DT_DELIVERY_BACKOFF_SECONDS
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), settings.DT_DELIVERY_BACKOFF_MAX_SECONDS))


def deliver_one() -> str | None:
    """Claim one pending e-mail or webhook delivery whose time has come and send it.

    Returns "sent", "retry" or "failed", or None when nothing is waiting.
    """
    now = timezone.now()
    with transaction.atomic():
        # The claim reads the delivery table alone: the message's eleven joins below cost PostgreSQL
        # some 10 ms of planning, which every scan would pay for nothing when no delivery waits.
        claimed = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(channel__in=channels.sent_by_workers())
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if claimed is None:
            return None
        delivery = Delivery.objects.select_related(
            "reminder__deadline__decision__government",
            "reminder__deadline__department",
            "event__decision",
            "event__actor",
            "user",
            "department__notification_settings",
        ).get(pk=claimed)
        delivery.attempts += 1
        try:
            channels.send(delivery)
        except Exception as exc:  # noqa: BLE001 - any failure of a channel is recorded and retried
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= settings.DT_DELIVERY_MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
                delivery.next_attempt_at = None
                outcome = "failed"
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                outcome = "retry"
            logger.warning(
                "Delivery %s (%s) failed, attempt %s: %s",
                delivery.pk,
                delivery.channel,
                delivery.attempts,
                delivery.last_error,
            )
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            delivery.next_attempt_at = None
            outcome = "sent"
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at", "updated_at"])
    return outcome


# --------------------------------------------------------------------------- the scan


@dataclass
class ScanResult:
    closed: int = 0
    planned: int = 0
    dispatched: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unfinished: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def run_scan(*, today: dt.date | None = None, budget_seconds: float | None = None) -> ScanResult:
    """One pass of the reminder machinery (see the module docstring). Safe to run concurrently and
    repeatedly: every step claims rows with SKIP LOCKED and keys its writes uniquely."""
    today = today or timezone.localdate()
    budget = settings.DT_REMINDER_SCAN_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    started = time.monotonic()
    result = ScanResult()
    result.closed = deadline_clocks.close_elapsed(today=today)
    result.planned = plan_due(today=today)
    while dispatched := dispatch_batch(today=today):
        result.dispatched += dispatched
        if time.monotonic() - started > budget:
            result.unfinished = True
            return result
    while (outcome := deliver_one()) is not None:
        if outcome == "sent":
            result.sent += 1
        elif outcome == "retry":
            result.retried += 1
        else:
            result.failed += 1
        if time.monotonic() - started > budget:
            result.unfinished = True
            break
    return result


def retry_delivery(delivery: Delivery) -> None:
    """An administrator sends a failed delivery again (on the next scan)."""
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0, updated_at=timezone.now()
    )
    request_scan()


# --------------------------------------------------------------------------- asking for a scan now


def request_scan() -> None:
    """After the current transaction commits, ask for a scan now rather than at the next beat."""
    from deadlines.tasks import scan_reminders  # the tasks module imports this one

    transaction.on_commit(lambda: enqueue_safely(scan_reminders))
