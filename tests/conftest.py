import pytest
from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations

from tests.factories import make_org

_sql_flush = DatabaseOperations.sql_flush


def _flush_past_the_record_guards(self, style, tables, **kwargs):
    """The tests that commit (``transaction=True``) are cleaned up with a TRUNCATE of every table,
    which the record's triggers refuse (docs/security.md). The test database's superuser lifts the
    triggers for that one transaction, as only a superuser can: the application's role cannot."""
    statements = _sql_flush(self, style, tables, **kwargs)
    if not statements:
        return statements
    # Back on at once: a test that empties the database inside its transaction then writes with the
    # guards on (tests/reporting/test_dossier.py).
    return [
        "SET LOCAL session_replication_role = replica;",
        *statements,
        "SET LOCAL session_replication_role = DEFAULT;",
    ]


DatabaseOperations.sql_flush = _flush_past_the_record_guards  # type: ignore[method-assign]


@pytest.fixture
def org(db):
    return make_org()


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    """Tests marked ``postgres`` need its row locks and concurrent writers; CI runs on PostgreSQL,
    so there they always run. On a SQLite run they are reported as skipped, with the reason."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL row locks and concurrent writers (running on {connection.vendor})")
