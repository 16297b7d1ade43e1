"""Moving the test database to a migration state, and the rows a migration test writes there.

Shared by the tests that write data at an older schema and migrate it forward (tests/test_migrations.py,
tests/decisions/test_hearings.py)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


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
