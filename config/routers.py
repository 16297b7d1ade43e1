"""Reports read from a replica when the installation has one (docs/deployment.md).

``DATABASE_REPLICA_URL`` names a streaming replica of the primary (settings: the ``replica``
connection). The reports' views run inside ``replica_reads``: every read they make goes to the
replica, so a province's annual figures and workbooks do not compete with the clerks' writes for the
primary. Everything else — every write, and every read outside those views (sessions, the services'
checks, the workers and beat) — stays on the primary, so nothing ever decides on a lagging copy.
Without a replica the router answers nothing and Django uses the primary throughout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

REPLICA = "replica"
_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)

View = TypeVar("View", bound=Callable[..., Any])


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within the block, reads go to the replica (when there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: View) -> View:
    """A report's view whose reads all go to the replica (``replica_reads``)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def replica_as_of() -> dt.datetime | None:
    """What a report read from the replica is current to: the commit time of the last transaction
    the replica replayed (the data holds at least everything committed before it), or now when the
    connection is not replaying (it is a primary). None without a replica: the report is live."""
    if not has_replica():
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_xact_replay_timestamp()")
        (replayed,) = cursor.fetchone()
    return replayed or timezone.now()


class ReplicaRouter:
    """Reads inside ``replica_reads`` to the replica; every write, migration and other read to the
    primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _replica_reads.get() and has_replica() else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database and its copy

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
