"""Scale-out on the engines the product already uses (deploy/compose.yaml's layout, on loopback):
two web nodes (gunicorn, two workers each), two Celery workers and one beat against one PostgreSQL
and one Redis.

- a transition posted to both web nodes at the same instant has exactly one winner: one 200, one
  409, one event, whatever node each request reached;
- a second beat is refused at start while the first runs, and starts once the first is gone
  (``config.beat_guard``); on SQLite (one machine) the same holds through a file lock.

That two workers and beat deliver every reminder exactly once is asserted in
tests/deadlines/test_reminders_worker.py, with the same processes.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from config import beat_guard
from decisions.api.tokens import api_token_issue
from decisions.models import Decision, DecisionEvent, DecisionState
from tests.deadlines.test_reminders_worker import BASE_DIR, TEST_REDIS_URL, Processes, wait_for
from tests.factories import make_org, register

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nodes(Processes):
    def web(self, name: str) -> str:
        port = _free_port()
        log = self.tmp / f"{name}.log"
        env_args = [GUNICORN, "-c", str(BASE_DIR / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", "-w", "2"]
        process = self._spawn(env_args, log)
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            if process.poll() is not None:
                return True
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                    return response.status == 200
            except OSError:  # refused, reset or timed out while the node starts
                return False

        wait_for(up, 60, f"{name} to serve")
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        return url


@pytest.fixture
def nodes(tmp_path):
    if connection.vendor != "postgresql" or not TEST_REDIS_URL:
        pytest.skip("the nodes share the test database and a broker: PostgreSQL and TEST_REDIS_URL only")
    started = Nodes(tmp_path, TEST_REDIS_URL)
    yield started
    started.stop_all()


def _both_at_once(urls: list[str], path: str, key: str) -> list[int]:
    barrier = threading.Barrier(len(urls))
    statuses: list[int] = []

    def post(url: str) -> None:
        request = urllib.request.Request(
            f"{url}{path}",
            data=json.dumps({}).encode(),
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
            method="POST",
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as refused:
            statuses.append(refused.code)

    threads = [threading.Thread(target=post, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_web_nodes_give_one_winner_per_conflicting_transition(nodes):
    org = make_org()
    decisions = [register(org) for _ in range(6)]
    _token, key = api_token_issue(user=org.secretary, department=org.government_office, name="OA")
    urls = [nodes.web("web-1"), nodes.web("web-2")]

    outcomes = [_both_at_once(urls, f"/api/v1/decisions/{d.pk}/transitions/start/", key) for d in decisions]

    assert outcomes == [[200, 409]] * len(decisions)
    assert set(Decision.objects.filter(pk__in=[d.pk for d in decisions]).values_list("state", flat=True)) == {
        DecisionState.PREPARING
    }
    for decision in decisions:
        assert DecisionEvent.objects.filter(decision=decision, transition="start").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_beat_is_refused_while_one_runs_and_starts_once_it_is_gone(nodes):
    first = nodes.beat()
    wait_for(lambda: _lock_taken() or first.poll() is not None, 60, "the first beat to take the lock")
    assert first.poll() is None

    second = nodes._spawn([*first.args], nodes.tmp / "beat-2.log")
    second.wait(60)

    assert second.returncode != 0
    assert "Another Celery beat already runs" in (nodes.tmp / "beat-2.log").read_text(errors="replace")
    assert first.poll() is None  # the first keeps the schedule

    nodes.kill(first)
    wait_for(lambda: not _lock_taken(), 30, "the server to release the dead beat's lock")
    third = nodes._spawn([*first.args], nodes.tmp / "beat-3.log")
    wait_for(_lock_taken, 60, "the next beat to take the schedule")
    assert third.poll() is None


def _lock_taken() -> bool:
    try:
        holder = beat_guard.acquire()
    except beat_guard.BeatAlreadyRunning:
        return True
    holder.close()
    return False


def test_on_sqlite_a_second_beat_is_refused_by_the_file_lock(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    first = beat_guard._file_lock(database)

    assert first is not None
    assert beat_guard._file_lock(database) is None  # a second beat, even in the same process

    first.close()
    again = beat_guard._file_lock(database)
    assert again is not None
    again.close()


def test_the_beat_lock_refusal_stops_the_process_not_just_the_signal():
    """Celery's signal dispatch swallows an Exception; a SystemExit passes through and ends beat."""
    assert issubclass(beat_guard.BeatAlreadyRunning, SystemExit)
    assert not issubclass(beat_guard.BeatAlreadyRunning, Exception)
