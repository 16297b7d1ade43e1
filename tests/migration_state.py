"""Moving the test database to a migration state, and the rows a migration test writes there.

Shared by the tests that write data at an older schema and migrate it forward (tests/test_migrations.py,
tests/decisions/test_hearings.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The project's apps; every other app with migrations (Django's, axes, django-otp) is a dependency.
PROJECT_APPS = frozenset({"decisions", "reviews", "deadlines", "consultations", "reporting", "demo"})
EMPTY_SCHEMA = "migration_test_empty"


def migrate(targets):
    """Migrate to ``targets`` and answer the models as they stand there: the other apps (auth,
    contenttypes) as they are now, ours as the targets say; an app whose migrations the targets
    unapplied (one built on a later schema, like consultations) is left out."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    named = {app for app, _name in targets}
    executor.loader.build_graph()
    applied = executor.loader.applied_migrations
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in named and node in applied]
    return executor.loader.project_state(nodes + [t for t in targets if t[1] is not None]).apps


def latest():
    """Every app's newest migration."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@contextlib.contextmanager
def empty_database() -> Iterator[None]:
    """An empty database for the test to build a previous version in, forward from nothing, as that
    version's ``migrate`` built it (see ``previous_version``).

    On PostgreSQL, an empty schema of its own, alone on the connection's search path: the test
    database's tables in ``public`` are neither read nor changed, and the schema is dropped at the
    end. Unapplying the test database's migrations instead costs far more: Django re-renders the
    project state for every operation it reverses. On SQLite (no schemas) the test database itself
    is used, and ``previous_version`` migrates it back."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        (search_path,) = cursor.fetchone()
        cursor.execute(f"DROP SCHEMA IF EXISTS {EMPTY_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {EMPTY_SCHEMA}")
        cursor.execute(f"SET search_path TO {EMPTY_SCHEMA}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET search_path TO {search_path}")
            cursor.execute(f"DROP SCHEMA {EMPTY_SCHEMA} CASCADE")


def previous_version(targets):
    """Migrate to ``targets`` with every other installed app at its newest migration (Django's own,
    axes, django-otp: their versions do not move with ours), and answer the models as ``migrate``
    does. Inside ``empty_database`` on PostgreSQL this applies migrations forward only, as on a
    database that the previous version made."""
    others = [node for node in latest() if node[0] not in PROJECT_APPS]
    return migrate(list(targets) + others)


def old_decision(apps, *, title: str):
    """A city, its sponsoring department and one registered decision, written with ``apps``' models."""
    Government = apps.get_model("decisions", "Government")
    Department = apps.get_model("decisions", "Department")
    Decision = apps.get_model("decisions", "Decision")
    city = Government.objects.create(name="示例市人民政府", level="city", short_name="示")
    sponsor = Department.objects.create(government=city, name="市发展改革委", kind="sponsor")
    return Decision.objects.create(
        government=city,
        code="2026-001",
        catalogue_year=2026,
        sequence=1,
        title=title,
        category="public_policy",
        lead_sponsor=sponsor,
        decision_body="市人民政府常务会议",
    )
