"""The reminder machinery with a real Celery worker (solo pool) and beat against real Redis.

What is asserted, and where:
- every due reminder is delivered exactly once through in-app, e-mail and webhook, with two workers
  and beat scanning every second, plus two scans published at the same instant;
- a worker killed with SIGKILL in the middle of a batch, then restarted, leaves every reminder
  delivered exactly once in the database (notifications, deliveries, e-mails); the webhook receiver
  gets each message, and at most the one in flight at the kill twice with the same idempotency key
  (an HTTP call cannot be undone: receivers dedupe on the key);
- Redis stopped while transitions are made (they commit; the failed enqueues are logged), then
  started again empty: nothing lost, nothing duplicated.

The worker tests use their own Redis queue (from TEST_REDIS_URL) or, for the outage, a throwaway
redis-server on a free loopback port; every process they start is stopped at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import pools

from config.celery import app as celery_app
from deadlines.models import Deadline, DeadlineKind, Delivery, DepartmentNotificationSettings, Notification, Reminder
from deadlines.tasks import scan_reminders
from decisions import services, workdays
from demo.webhook_receiver import Receiver
from tests.deadlines.test_reminders import forget_task_arrivals

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE_DIR = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis():
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test database: PostgreSQL only")
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")


# --------------------------------------------------------------------------- processes


def _database_url() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


class Processes:
    """Celery workers, beat and redis-server started by one test; all stopped at its end."""

    def __init__(self, tmp: Path, broker_url: str) -> None:
        self.tmp = tmp
        self.broker_url = broker_url
        self.queue = f"dt-test-{uuid.uuid4().hex[:10]}"
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir()
        self.started: list[subprocess.Popen] = []

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.deadlines.worker_settings",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=self.broker_url,
            DT_TEST_QUEUE=self.queue,
            DT_TEST_MAIL_DIR=str(self.mail_dir),
            DT_TEST_BEAT_FILE=str(self.tmp / "celerybeat-schedule"),
            DT_REMINDER_SCAN_SECONDS="1",
            PYTHONPATH=str(BASE_DIR),
        )
        return env

    def _spawn(self, args: list[str], log: Path) -> subprocess.Popen:
        handle = log.open("ab")
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env=self.env(), stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        self.started.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        process = self._spawn(
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "-n",
                f"{name}@dt-test",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            log,
        )
        wait_for(lambda: b" ready." in log.read_bytes() or process.poll() is not None, 60, f"{name} to start")
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        return process

    def beat(self) -> subprocess.Popen:
        return self._spawn([CELERY, "-A", "config", "beat", "--loglevel=INFO"], self.tmp / "beat.log")

    def kill(self, process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(30)

    def stop_all(self) -> None:
        # Test processes hold nothing worth a warm shutdown: whatever they had not committed is
        # rolled back, which is exactly what the tests rely on anyway.
        for process in self.started:
            if process.poll() is None:
                self.kill(process)

    def emails(self) -> list[str]:
        """The Message-ID of every e-mail the workers wrote (one file per message)."""
        ids = []
        for path in self.mail_dir.glob("*.log"):
            for chunk in path.read_text(encoding="utf-8").split("-" * 79):
                if chunk.strip():
                    ids.append(email.message_from_string(chunk.strip())["Message-ID"])
        return ids


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


@contextlib.contextmanager
def publishing_to(broker_url: str, queue: str):
    """Make this process publish to ``broker_url`` and ``queue`` (not eagerly), then put it back."""
    conf = celery_app.conf
    keys = ("broker_url", "task_always_eager", "task_default_queue", "broker_transport_options")
    saved = {key: conf[key] for key in keys}

    def reset() -> None:
        # kombu keeps pools per broker address for the whole process: start from fresh ones.
        pools.reset()
        celery_app._pool = None
        amqp = celery_app.amqp
        amqp._producer_pool = None
        for cached in ("queues", "default_queue", "router", "_producer"):
            amqp.__dict__.pop(cached, None)
        amqp._rtable = None

    conf.update(
        broker_url=broker_url,
        task_always_eager=False,
        task_default_queue=queue,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
    )
    reset()
    try:
        yield
    finally:
        conf.update(saved)
        reset()


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def procs(tmp_path):
    processes = Processes(tmp_path, TEST_REDIS_URL)
    yield processes
    processes.stop_all()
    import redis

    with contextlib.suppress(Exception):
        redis.Redis.from_url(TEST_REDIS_URL).delete(processes.queue)


# --------------------------------------------------------------------------- data


def with_channels(org, receiver) -> None:
    """E-mail addresses and robots, set after the setup so that its news of tasks (the start hands the
    steps to the sponsor, deadlines.arrivals) is not sent: these tests count the reminders."""
    for user, name in ((org.clerk, "clerk"), (org.sponsor_head, "head"), (org.leader, "leader")):
        user.email = f"{name}@example.gov.cn"
        user.save(update_fields=["email"])
    for department, path in ((org.sponsor, "/sponsor"), (org.government_office, "/office")):
        DepartmentNotificationSettings.objects.create(
            department=department, webhook_kind="generic", webhook_url=receiver.url(path)
        )


def overdue_hearing_clocks(org, receiver, count: int) -> list[Deadline]:
    """``count`` hearing-materials clocks recorded weeks ago and overdue today (real time: the
    worker does not travel). Each has three reminders due now: the latest daily overdue reminder
    (the older ones were superseded), the escalation to the head and the one to the leader."""
    today = timezone.localdate()
    recorded = today - dt.timedelta(days=40)
    clocks = []
    with time_machine.travel(dt.datetime.combine(recorded, dt.time(10), SHANGHAI), tick=False):
        for i in range(count):
            decision = services.decision_register(**org.decision_kwargs(title=f"测试决策{i}"))
            decision = services.decision_start(decision=decision, actor=org.secretary)
            services.hearing_update(
                decision=decision, actor=org.clerk, hearing_on=today - dt.timedelta(days=12 + i % 3)
            )
            clocks.append(Deadline.objects.get(decision=decision, kind=DeadlineKind.HEARING_MATERIALS_DUE))
    forget_task_arrivals()
    with_channels(org, receiver)
    return clocks


def all_delivered(expected_reminders: int):
    def check() -> bool:
        reminders_sent = Reminder.objects.filter(status=Reminder.Status.SENT).count()
        pending = Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
        return reminders_sent >= expected_reminders and not pending

    return check


def assert_once_each(procs: Processes, receiver: Receiver, reminders: int, *, in_flight_repeats: int = 0) -> None:
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == reminders
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
    # In-app: one notification per reminder and person (here one person per reminder).
    assert Notification.objects.count() == reminders
    for channel in Delivery.Channel.values:
        rows = Delivery.objects.filter(channel=channel)
        assert rows.count() == reminders, channel
        assert set(rows.values_list("status", flat=True)) == {Delivery.Status.SENT}, channel
    mail_ids = procs.emails()
    email_keys = {
        f"<dt-delivery-{pk}@{settings.DT_MAIL_DOMAIN}>"
        for pk in Delivery.objects.filter(channel=Delivery.Channel.EMAIL).values_list("pk", flat=True)
    }
    assert set(mail_ids) == email_keys
    counts = receiver.key_counts()
    webhook_keys = {
        f"dt-delivery-{pk}"
        for pk in Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK).values_list("pk", flat=True)
    }
    assert set(counts) == webhook_keys
    repeats = sum(n - 1 for n in counts.values()) + (len(mail_ids) - len(set(mail_ids)))
    print(f"{reminders} reminders; webhook/e-mail messages repeated under the same key: {repeats}")
    assert repeats <= in_flight_repeats, (counts, len(mail_ids))


# --------------------------------------------------------------------------- the tests


def test_a_real_worker_delivers_every_due_reminder_once_even_with_concurrent_scans(org, procs, receiver):
    clocks = overdue_hearing_clocks(org, receiver, 6)
    receiver.delay = 0.05  # keep scans busy long enough to overlap
    expected = 3 * len(clocks)
    with publishing_to(procs.broker_url, procs.queue):
        procs.worker("w1")
        procs.worker("w2")
        procs.beat()  # a scan every second
        scan_reminders.delay()  # and two scans at the same instant, one for each worker
        scan_reminders.delay()
        wait_for(all_delivered(expected), 90, "every reminder to be delivered")
        time.sleep(3)  # three more beat scans: they must find nothing to send
    assert_once_each(procs, receiver, expected)
    assert receiver.received("/office") and receiver.received("/sponsor")


def test_a_worker_killed_in_the_middle_of_a_batch_then_restarted_delivers_each_reminder_once(org, procs, receiver):
    clocks = overdue_hearing_clocks(org, receiver, 8)
    expected = 3 * len(clocks)
    receiver.delay = 0.25  # each webhook takes a while: the kill lands mid-batch
    with publishing_to(procs.broker_url, procs.queue):
        worker = procs.worker("w1")
        scan_reminders.delay()
        wait_for(lambda: len(receiver.received()) >= 4, 60, "the batch to be under way")
        procs.kill(worker, signal.SIGKILL)
        unfinished = Delivery.objects.exclude(status=Delivery.Status.SENT).count()
        assert unfinished > 0, "the kill came too late to test anything"
        procs.worker("w2")
        scan_reminders.delay()  # what beat does every few minutes
        wait_for(all_delivered(expected), 90, "the restarted worker to finish")
    # The database records each reminder exactly once; a webhook call that was in flight when the
    # worker died may reach the receiver a second time, under the same idempotency key.
    assert_once_each(procs, receiver, expected, in_flight_repeats=1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int, tmp: Path) -> subprocess.Popen:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def up() -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    wait_for(up, 10, "redis-server to start")
    return process


def test_transitions_made_while_redis_is_down_lose_and_duplicate_nothing(org, tmp_path, receiver, caplog):
    port = free_port()
    redis_server = start_redis(port, tmp_path)
    procs = Processes(tmp_path, f"redis://127.0.0.1:{port}/0")
    try:
        with publishing_to(procs.broker_url, procs.queue):
            procs.worker("w1")
            redis_server.terminate()
            redis_server.wait(10)

            # Redis is down: transitions still commit; asking for a scan fails and is only logged.
            started = time.monotonic()
            with caplog.at_level(logging.WARNING, logger="deadlines.reminders"):
                clocks = overdue_during_outage(org, receiver, 4)
            assert time.monotonic() - started < 30
            assert "Could not enqueue decisions.scan_reminders" in caplog.text
            assert Deadline.objects.filter(status=Deadline.Status.OPEN).count() == len(clocks)
            assert not Notification.objects.exists()

            # Redis is back, empty (no persistence): the next scheduled scan finds it all in the database.
            redis_server = start_redis(port, tmp_path)
            procs.started.append(redis_server)
            wait_for(lambda: _publish_scan(), 60, "the broker to accept messages again")
            expected = 3 * len(clocks)
            wait_for(all_delivered(expected), 90, "the worker to deliver after the outage")
            time.sleep(2)
            scan_reminders.delay()
            time.sleep(2)
        assert_once_each(procs, receiver, expected)
    finally:
        procs.stop_all()
        if redis_server.poll() is None:
            redis_server.terminate()
            redis_server.wait(10)


def _publish_scan() -> bool:
    try:
        scan_reminders.apply_async(retry=False)
    except Exception:  # noqa: BLE001 - still down
        return False
    return True


def overdue_during_outage(org, receiver, count: int) -> list[Deadline]:
    """Like ``overdue_hearing_clocks``, but recorded when already overdue, so that each recording
    asks for a scan at once (and, Redis being down, fails to)."""
    today = timezone.localdate()
    recorded = today - dt.timedelta(days=20)
    while not workdays.is_working_day(recorded):  # so that the clock is chased on the day it is recorded
        recorded -= dt.timedelta(days=1)
    clocks = []
    # The clock ticks: kombu gives up connecting after a timeout measured with time.time().
    with time_machine.travel(dt.datetime.combine(recorded, dt.time(10), SHANGHAI), tick=True):
        for i in range(count):
            decision = services.decision_register(**org.decision_kwargs(title=f"停电测试{i}"))
            decision = services.decision_start(decision=decision, actor=org.secretary)
            services.hearing_update(decision=decision, actor=org.clerk, hearing_on=recorded + dt.timedelta(days=2))
            clocks.append(Deadline.objects.get(decision=decision, kind=DeadlineKind.HEARING_MATERIALS_DUE))
    forget_task_arrivals()
    with_channels(org, receiver)
    return clocks
