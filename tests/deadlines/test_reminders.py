"""Reminders: the schedule from the rule settings, escalation, exactly-once through three channels,
failing channels retried with backoff without blocking the others, and scans that may run twice or
at the same time. The scan runs in this process here (time moved with time-machine); the real
Celery worker against Redis is in test_reminders_worker.py."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines import clocks as deadlines
from deadlines import notifications, reminders
from deadlines.models import (
    Deadline,
    DeadlineKind,
    Delivery,
    DepartmentNotificationSettings,
    Notification,
    Reminder,
    ReminderKind,
)
from decisions import services
from decisions.models import RuleSettings
from demo.webhook_receiver import Receiver

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date
Kind = ReminderKind


def at(day: dt.date, hour: int = 9, minute: int = 0):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def with_channels(org, receiver, kind=DepartmentNotificationSettings.WebhookKind.GENERIC):
    for user, address in ((org.clerk, "clerk"), (org.sponsor_head, "head"), (org.leader, "leader")):
        user.email = f"{address}@example.gov.cn"
        user.save(update_fields=["email"])
    DepartmentNotificationSettings.objects.create(
        department=org.sponsor, webhook_kind=kind, webhook_url=receiver.url("/sponsor")
    )
    DepartmentNotificationSettings.objects.create(
        department=org.government_office, webhook_kind=kind, webhook_url=receiver.url("/office")
    )


HEARING = D(2026, 10, 20)
RECORDED = D(2026, 9, 1)


def hearing_clock(org, *, hearing=HEARING, created=RECORDED):
    """Hearing materials due 13 October 2026 (7 calendar days before a hearing on the 20th)."""
    with at(created):
        decision = services.decision_register(**org.decision_kwargs())
        decision = services.decision_start(decision=decision, actor=org.secretary)
        services.hearing_update(decision=decision, actor=org.clerk, hearing_on=hearing)
    forget_task_arrivals()
    return Deadline.objects.get(decision=decision, kind=DeadlineKind.HEARING_MATERIALS_DUE)


def forget_task_arrivals() -> None:
    """These tests count what the reminders send: the setup's own news of tasks (the start hands the
    steps to the sponsor, deadlines.arrivals) is dropped before any scan sends it."""
    Delivery.objects.filter(event__isnull=False).delete()
    Notification.objects.filter(event__isnull=False).delete()


def sent(deadline) -> list[tuple[str, dt.date]]:
    return list(
        deadline.reminders.filter(status=Reminder.Status.SENT)
        .order_by("due_day", "kind")
        .values_list("kind", "due_day")
    )


# --------------------------------------------------------------------------- the schedule


def test_reminders_follow_the_working_day_schedule_and_escalate_to_head_then_leader(org):
    clock = hearing_clock(org)
    assert clock.due_date == D(2026, 10, 13) and clock.next_reminder_on == D(2026, 10, 9)
    for day in range(8, 21):
        with at(D(2026, 10, day)):
            reminders.run_scan()
    # 3 working days before 13 October counts the make-up Saturday 10 October: 9 October.
    assert sent(clock) == [
        (Kind.BEFORE, D(2026, 10, 9)),
        (Kind.BEFORE, D(2026, 10, 12)),
        (Kind.DUE_DAY, D(2026, 10, 13)),
        (Kind.ESCALATE_HEAD, D(2026, 10, 14)),
        (Kind.OVERDUE, D(2026, 10, 14)),
        (Kind.OVERDUE, D(2026, 10, 15)),
        (Kind.OVERDUE, D(2026, 10, 16)),
        (Kind.ESCALATE_LEADER, D(2026, 10, 19)),  # 3 further working days (settings default)
        (Kind.OVERDUE, D(2026, 10, 19)),
        (Kind.OVERDUE, D(2026, 10, 20)),
    ]
    per_user = Counter(Notification.objects.values_list("user_id", flat=True))
    assert per_user == {org.clerk.pk: 8, org.sponsor_head.pk: 1, org.leader.pk: 1}


def test_the_schedule_is_read_from_the_government_settings(org):
    RuleSettings.objects.create(
        government=org.government,
        reminder_lead_working_days=[5],
        remind_on_due_day=False,
        remind_daily_when_overdue=False,
        escalate_to_leader_after_working_days=1,
    )
    clock = hearing_clock(org)
    for day in range(1, 21):
        with at(D(2026, 10, day)):
            reminders.run_scan()
    assert sent(clock) == [
        (Kind.BEFORE, D(2026, 9, 30)),  # 5 working days before 13 October: 12, 10, 9, 8 Oct, 30 Sep
        (Kind.ESCALATE_HEAD, D(2026, 10, 14)),
        (Kind.ESCALATE_LEADER, D(2026, 10, 15)),
    ]


def test_a_second_scan_on_the_same_day_sends_nothing_again(org, receiver):
    with_channels(org, receiver)
    clock = hearing_clock(org)
    with at(D(2026, 10, 14)):
        first = reminders.run_scan()
        second = reminders.run_scan()
    assert first.dispatched == 2 and first.sent > 0
    assert (second.planned, second.dispatched, second.sent) == (0, 0, 0)
    assert Notification.objects.count() == 2  # overdue to the clerk, escalation to the head
    assert len(mail.outbox) == 2
    assert len(receiver.received()) == 2
    assert sent(clock) == [(Kind.ESCALATE_HEAD, D(2026, 10, 14)), (Kind.OVERDUE, D(2026, 10, 14))]


def test_after_an_outage_the_latest_reminder_is_sent_and_the_stale_ones_kept_as_superseded(org):
    clock = hearing_clock(org)
    with at(D(2026, 10, 16)):  # nothing ran since 1 September
        reminders.run_scan()
    statuses = dict(((k, d), s) for k, d, s in clock.reminders.values_list("kind", "due_day", "status"))
    assert statuses == {
        (Kind.BEFORE, D(2026, 10, 9)): Reminder.Status.SUPERSEDED,
        (Kind.BEFORE, D(2026, 10, 12)): Reminder.Status.SUPERSEDED,
        (Kind.DUE_DAY, D(2026, 10, 13)): Reminder.Status.SUPERSEDED,
        (Kind.OVERDUE, D(2026, 10, 14)): Reminder.Status.SUPERSEDED,
        (Kind.OVERDUE, D(2026, 10, 15)): Reminder.Status.SUPERSEDED,
        (Kind.OVERDUE, D(2026, 10, 16)): Reminder.Status.SENT,
        (Kind.ESCALATE_HEAD, D(2026, 10, 14)): Reminder.Status.SENT,
    }


def test_a_closed_deadline_sends_no_more_reminders(org):
    clock = hearing_clock(org)
    # The materials go out on 12 October, before the due day (13 October) and its reminder
    with at(D(2026, 10, 12)):
        services.hearing_update(decision=clock.decision, actor=org.clerk, materials_sent_on=D(2026, 10, 12))
    with at(D(2026, 10, 13)):
        reminders.run_scan()
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.MET
    assert not Reminder.objects.filter(deadline=clock, status=Reminder.Status.SENT).exists()


def test_the_message_says_what_is_due_when_and_on_what_basis(org):
    clock = hearing_clock(org)
    with at(D(2026, 10, 9)):
        reminders.run_scan()
    reminder = Reminder.objects.get(deadline=clock, status=Reminder.Status.SENT)
    message = notifications.message(reminder)
    assert message.headline == "Hearing materials due to participants in 3 working days, on 2026-10-13"
    assert "7 calendar days before 2026-10-20 — hearing materials sent before the hearing (Art 16)" in message.text
    assert message.subject.startswith(f"[{clock.decision.code}]")


# --------------------------------------------------------------------------- channels


def test_email_and_webhook_carry_the_delivery_id_as_idempotency_key(org, receiver):
    with_channels(org, receiver)
    hearing_clock(org)
    with at(D(2026, 10, 13)):
        reminders.run_scan()
    email = Delivery.objects.get(channel=Delivery.Channel.EMAIL)
    webhook = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<dt-delivery-{email.pk}@")
    [request] = receiver.received("/sponsor")
    assert request["key"] == f"dt-delivery-{webhook.pk}"
    assert request["json"]["deadline"]["kind"] == DeadlineKind.HEARING_MATERIALS_DUE
    assert request["json"]["deadline"]["due_date"] == "2026-10-13"


def test_wecom_robots_get_their_text_message_and_a_refusal_is_a_failure(org, receiver):
    with_channels(org, receiver, DepartmentNotificationSettings.WebhookKind.WECOM)
    receiver.answers["/sponsor"] = {"errcode": 93000, "errmsg": "invalid webhook url"}
    hearing_clock(org)
    with at(D(2026, 10, 13)):
        result = reminders.run_scan()
    [request] = receiver.received("/sponsor")
    assert request["json"]["msgtype"] == "text"
    assert "Hearing materials due to participants today" in request["json"]["text"]["content"]
    webhook = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert (webhook.status, webhook.attempts, result.retried) == (Delivery.Status.PENDING, 1, 1)
    assert "errcode 93000" in webhook.last_error


def test_dingtalk_messages_are_signed_when_a_secret_is_set(org, receiver):
    with_channels(org, receiver, DepartmentNotificationSettings.WebhookKind.DINGTALK)
    DepartmentNotificationSettings.objects.filter(department=org.sponsor).update(
        webhook_url=receiver.url("/sponsor") + "?access_token=abc", webhook_secret="SEC123"
    )
    hearing_clock(org)
    with at(D(2026, 10, 13)):
        reminders.run_scan()
    [request] = receiver.received("/sponsor")
    assert "access_token=abc&timestamp=" in request["path"] and "&sign=" in request["path"]


def test_a_failing_webhook_blocks_no_other_channel_and_is_retried_with_backoff(org, receiver):
    with_channels(org, receiver)
    receiver.failures_left["/sponsor"] = 2
    hearing_clock(org)
    with at(D(2026, 10, 13), 9, 0):
        reminders.run_scan()
        reminders.run_scan()  # not yet time to try again
    webhook = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
    assert (webhook.status, webhook.attempts) == (Delivery.Status.PENDING, 1)
    assert Delivery.objects.get(channel=Delivery.Channel.EMAIL).status == Delivery.Status.SENT
    assert Delivery.objects.get(channel=Delivery.Channel.IN_APP).status == Delivery.Status.SENT
    assert webhook.next_attempt_at == dt.datetime(2026, 10, 13, 9, 1, tzinfo=SHANGHAI)
    with at(D(2026, 10, 13), 9, 1):
        reminders.run_scan()
    webhook.refresh_from_db()
    assert webhook.next_attempt_at == dt.datetime(2026, 10, 13, 9, 3, tzinfo=SHANGHAI)  # doubled
    with at(D(2026, 10, 13), 9, 3):
        reminders.run_scan()
    webhook.refresh_from_db()
    assert (webhook.status, webhook.attempts, webhook.last_error) == (Delivery.Status.SENT, 3, "")
    assert len(receiver.received("/sponsor")) == 3
    assert len(mail.outbox) == 1


def test_a_webhook_that_keeps_failing_is_marked_failed_and_can_be_sent_again(org, receiver, settings):
    settings.DT_DELIVERY_MAX_ATTEMPTS = 2
    with_channels(org, receiver)
    receiver.failures_left["/sponsor"] = 2
    hearing_clock(org)
    with at(D(2026, 10, 13), 9, 0):
        reminders.run_scan()
    with at(D(2026, 10, 13), 9, 5):
        result = reminders.run_scan()
        webhook = Delivery.objects.get(channel=Delivery.Channel.WEBHOOK)
        assert (result.failed, webhook.status) == (1, Delivery.Status.FAILED)
        reminders.retry_delivery(webhook)
    with at(D(2026, 10, 13), 9, 6):
        reminders.run_scan()
    webhook.refresh_from_db()
    assert webhook.status == Delivery.Status.SENT


def test_a_slow_webhook_times_out_and_the_scan_goes_on(org, receiver, settings):
    settings.DT_WEBHOOK_TIMEOUT_SECONDS = 0.2
    receiver.delay = 1.0
    with_channels(org, receiver)
    hearing_clock(org)
    with at(D(2026, 10, 14)):
        reminders.run_scan()
    webhooks = Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK)
    assert {d.status for d in webhooks} == {Delivery.Status.PENDING}
    assert all("timed out" in d.last_error for d in webhooks)
    assert Delivery.objects.filter(channel=Delivery.Channel.EMAIL, status=Delivery.Status.SENT).count() == 2


def test_a_broker_that_is_down_is_logged_not_raised(caplog):
    from deadlines.tasks import scan_reminders

    class Unreachable:
        name = scan_reminders.name

        def apply_async(self, **kwargs):
            from kombu.exceptions import OperationalError

            raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    with caplog.at_level(logging.WARNING, logger="deadlines.reminders"):
        reminders.enqueue_safely(Unreachable())
    assert "Could not enqueue decisions.scan_reminders" in caplog.text


# --------------------------------------------------------------------------- concurrency


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_the_same_time_send_every_reminder_once(receiver):
    from tests.factories import make_org

    org = make_org()
    # The channels after the setup: its news of tasks would be sent at each commit here.
    clocks = [hearing_clock(org, hearing=D(2026, 10, 20) + dt.timedelta(days=i % 3)) for i in range(6)]
    with_channels(org, receiver)
    receiver.delay = 0.05  # keep both scans busy at the same time
    barrier = threading.Barrier(2)
    errors = []

    def scan():
        try:
            barrier.wait()
            reminders.run_scan()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    with at(D(2026, 10, 16)):  # time-machine patches the whole process: travel once, around both
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not errors
    expected = Reminder.objects.filter(status=Reminder.Status.SENT).count()
    assert expected == sum(len(sent(clock)) for clock in clocks) > 0
    assert Notification.objects.count() == expected  # one person per reminder here
    assert all(count == 1 for count in receiver.key_counts().values())
    assert len(receiver.received()) == Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK).count() == expected
    assert len(mail.outbox) == Delivery.objects.filter(channel=Delivery.Channel.EMAIL).count() == expected
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


# --------------------------------------------------------------------------- the bell


def test_the_bell_counts_unread_notifications_and_the_page_marks_them_read(org, client):
    hearing_clock(org)
    with at(D(2026, 10, 14)):
        reminders.run_scan()
        client.force_login(org.clerk)
        page = client.get(reverse("deadlines:notifications"))
        assert page.context["bell"].unread == 1
        assert "overdue by 1 working day" in page.content.decode()
        assert "In-app" in page.content.decode()
        client.post(reverse("deadlines:mark_read"))
        assert notifications.unread_count(org.clerk) == 0
        client.force_login(org.sponsor_head)
        page = client.get(reverse("deadlines:list"))
        assert page.context["bell"].unread == 1  # the escalation


def test_the_decision_deadlines_page_shows_reminders_and_delivery_status(org, client, receiver):
    with_channels(org, receiver)
    receiver.failures_left["/sponsor"] = 1
    clock = hearing_clock(org)
    with at(D(2026, 10, 13)):
        reminders.run_scan()
        client.force_login(org.clerk)
        page = client.get(reverse("deadlines:decision", args=[clock.decision_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "On the due date" in text
    assert "Webhook" in text and "Pending" in text and "1 failed attempt" in text
    assert "E-mail" in text and "Sent" in text


def test_refresh_recomputes_and_keeps_the_clock(org):
    clock = hearing_clock(org)
    RuleSettings.objects.create(government=org.government, hearing_materials_lead_days=10)
    with at(D(2026, 9, 2)):
        assert deadlines.refresh_open(government_id=org.government.pk) == 1
    clock.refresh_from_db()
    assert (clock.status, clock.due_date, clock.amount) == (Deadline.Status.OPEN, D(2026, 10, 10), 10)


# --------------------------------------------------------------------------- cost at scale


def test_planning_and_dispatching_cost_the_same_statements_for_3_or_12_deadlines(org, receiver):
    """The scan is set-based: the province's hundreds of due reminders a day cost what a few do
    (their people, the departments' settings, the government office and the rules are read once per
    batch, and the bell's notifications written in one INSERT)."""
    with_channels(org, receiver)  # e-mail and the robots too: every channel is planned
    day = D(2026, 10, 19)  # each clock's overdue reminder, its head's and its leader's escalations

    def plan_and_dispatch(count: int) -> int:
        clocks = [hearing_clock(org) for _ in range(count)]
        with at(day), CaptureQueriesContext(connection) as queries:
            reminders.plan_due(today=day)
            while reminders.dispatch_batch(today=day):
                pass
        assert Notification.objects.filter(reminder__deadline__in=clocks).count() == 3 * count
        return len(queries)

    assert plan_and_dispatch(3) == plan_and_dispatch(12)
