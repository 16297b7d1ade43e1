"""Data built once for a whole test module, when building it is the slow part and the tests only
read it (or change it inside their own transaction).

pytest-django's ``db`` wraps each test in a transaction rolled back at its end. ``rolled_back_after``
opens one transaction around a module's tests instead: the data written in it is there for each
test, each test's own transaction becomes a savepoint inside it (rolled back as before), and the
whole is rolled back when the module's last test has run, so nothing is ever committed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import transaction


@contextlib.contextmanager
def rolled_back_after(django_db_blocker) -> Iterator[None]:
    """For a module-scoped fixture: yields with database access inside a transaction that is rolled
    back on exit. Only for modules whose tests all use ``db`` (never ``transactional_db``)."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
