"""A decision's sponsors and executing unit belong to its government, held by the database itself:
a raw UPDATE that moves a lead sponsor, a co-sponsor or the executing unit to a department of
another government, or a department that serves decisions to another government, is refused.

Triggers, because the rule spans two tables (a CHECK constraint cannot read another row): here for
PostgreSQL; for SQLite (the demo database) in decisions.sqlite_guards."""

from django.db import migrations

POSTGRESQL = [
    (
        """
        CREATE FUNCTION decisions_sponsors_within_government() RETURNS trigger AS $$
        BEGIN
            IF EXISTS (
                SELECT 1 FROM decisions_department d
                WHERE d.id IN (NEW.lead_sponsor_id, NEW.executing_unit_id) AND d.government_id <> NEW.government_id
            ) THEN
                RAISE EXCEPTION 'decision_sponsor_within_government' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql
        """,
        "DROP FUNCTION decisions_sponsors_within_government()",
    ),
    (
        """
        CREATE TRIGGER decision_sponsor_within_government
            BEFORE INSERT OR UPDATE OF government_id, lead_sponsor_id, executing_unit_id ON decisions_decision
            FOR EACH ROW EXECUTE FUNCTION decisions_sponsors_within_government()
        """,
        "DROP TRIGGER decision_sponsor_within_government ON decisions_decision",
    ),
    (
        """
        CREATE FUNCTION decisions_co_sponsor_within_government() RETURNS trigger AS $$
        BEGIN
            IF (SELECT government_id FROM decisions_department WHERE id = NEW.department_id)
               <> (SELECT government_id FROM decisions_decision WHERE id = NEW.decision_id) THEN
                RAISE EXCEPTION 'decision_co_sponsor_within_government' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql
        """,
        "DROP FUNCTION decisions_co_sponsor_within_government()",
    ),
    (
        """
        CREATE TRIGGER decision_co_sponsor_within_government
            BEFORE INSERT OR UPDATE ON decisions_decision_co_sponsors
            FOR EACH ROW EXECUTE FUNCTION decisions_co_sponsor_within_government()
        """,
        "DROP TRIGGER decision_co_sponsor_within_government ON decisions_decision_co_sponsors",
    ),
    (
        """
        CREATE FUNCTION decisions_department_keeps_government() RETURNS trigger AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM decisions_decision
                       WHERE lead_sponsor_id = NEW.id OR executing_unit_id = NEW.id)
               OR EXISTS (SELECT 1 FROM decisions_decision_co_sponsors WHERE department_id = NEW.id) THEN
                RAISE EXCEPTION 'department_with_decisions_keeps_government' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql
        """,
        "DROP FUNCTION decisions_department_keeps_government()",
    ),
    (
        """
        CREATE TRIGGER department_keeps_government
            BEFORE UPDATE OF government_id ON decisions_department
            FOR EACH ROW WHEN (OLD.government_id IS DISTINCT FROM NEW.government_id)
            EXECUTE FUNCTION decisions_department_keeps_government()
        """,
        "DROP TRIGGER department_keeps_government ON decisions_department",
    ),
]

# SQLite (the demo database) gets the same rule from decisions.sqlite_guards, dropped before and
# created after every migrate: SQLite checks a trigger's tables whenever a later migration rebuilds
# one of them, so triggers that read other tables cannot live through the migrations there.
STATEMENTS = {"postgresql": POSTGRESQL}


def create(apps, schema_editor):
    for forward, _backward in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(forward, params=None)


def drop(apps, schema_editor):
    for _forward, backward in reversed(STATEMENTS.get(schema_editor.connection.vendor, [])):
        schema_editor.execute(backward, params=None)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0007_publications_one_per_time")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
