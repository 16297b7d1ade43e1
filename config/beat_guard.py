"""Exactly one Celery beat per installation: a second one refuses to start.

With N nodes, a beat started on two of them would not send a reminder twice (the scans claim each
reminder once, ``deadlines.reminders``), but it would run every nightly job twice: two integrity
reports to the administrators, two rounds of the deferral limit's upkeep. So beat takes a lock
where every node already meets, and holds it for as long as it runs:

- on PostgreSQL, a session advisory lock on a connection of its own: the server releases it the
  moment the beat's process or connection dies, so a crashed beat never blocks its successor;
- on SQLite (``make run``: one machine), an exclusive ``flock`` on a file beside the database,
  which the kernel releases with the process.

A beat that finds the lock taken exits at once with status 1 and says why.
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)

# Any constant both beats agree on: the advisory lock's key ("dt-beat" in ASCII).
ADVISORY_KEY = 0x64742D62656174

# What the running beat holds (a connection or an open file); kept for the process's lifetime.
_held: list[Any] = []


class BeatAlreadyRunning(SystemExit):
    """Raised (a SystemExit, so Celery's signal dispatch does not swallow it) when another beat runs."""

    def __init__(self) -> None:
        super().__init__("Another Celery beat already runs for this database; this one stops. Run exactly one beat.")


def _postgres_lock(alias: str) -> Any | None:
    wrapper = connections[alias]
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        (taken,) = cursor.fetchone()
    if not taken:
        raw.close()
        return None
    return raw


def _file_lock(database_name: str) -> Any | None:
    path = Path(f"{database_name}.beat.lock")
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def acquire(alias: str = "default") -> Any:
    """Take the installation's beat lock, or raise ``BeatAlreadyRunning``. Returns what holds it
    (closing that releases the lock)."""
    wrapper = connections[alias]
    holder = _postgres_lock(alias) if wrapper.vendor == "postgresql" else _file_lock(str(wrapper.settings_dict["NAME"]))
    if holder is None:
        raise BeatAlreadyRunning()
    return holder


def hold_for_this_process(**_signal: Any) -> None:
    """``beat_init``'s receiver: take the lock and keep it until the process ends."""
    _held.append(acquire())
    logger.info("This beat holds the installation's schedule lock.")
