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


# The modules whose tests take tens of seconds each (real Celery workers, migrations backwards and
# forwards, generated API requests and lifecycles, the demo's seeding). `make test` spreads the suite
# over the cores (pytest-xdist); a long test that starts last keeps one core busy while the others
# idle, so these start first and the short ones fill in around them.
LONGEST_FIRST = (
    "tests/test_migrations.py",
    "tests/deadlines/test_reminders_worker.py",
    "tests/decisions/test_lifecycle_properties.py",
    "tests/api/test_schemathesis.py",
    "tests/decisions/test_seed_demo.py",
)


def _database_use(item) -> int:
    """pytest-django's order, which this keeps: tests in a rolled-back transaction, then the tests
    that commit (their flush empties the tables, data migrations' rows included), then the rest."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(fixtures):
        return 1
    return 0 if marker or "db" in fixtures else 2


def pytest_collection_modifyitems(items):
    """Runs after pytest-django's ordering (which is ``tryfirst``); a stable sort keeps the rest in place."""
    items.sort(key=lambda item: (_database_use(item), item.nodeid.split("::", 1)[0] not in LONGEST_FIRST))
