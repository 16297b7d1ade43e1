"""The catalogue's record kept by the database itself (Art 3; docs/security.md), as migration
0018 keeps the event log:

- a published catalogue refuses UPDATE and DELETE (it changes only by adjustments); an approved
  one keeps its government, year and the record of the consent, never goes back to a draft and is
  never deleted;
- an adjustment (``decisions_catalogueadjustment``) is append-only: UPDATE, DELETE and TRUNCATE
  refused;
- an entry never moves to another catalogue or decision; it is deleted only from a draft, and its
  status changes only in a published catalogue (by an adjustment). These read the catalogue's
  state, so in PostgreSQL a trigger function does it here and in SQLite ``decisions.sqlite_guards``
  (a trigger that reads another table is dropped around each migrate there).

A refusal is a ``check_violation`` in PostgreSQL, ``RAISE(ABORT)`` in SQLite."""

import importlib

from django.db import migrations

from decisions.migrations._triggers import runners

_guards = importlib.import_module("decisions.migrations.0018_audit_record_guards")

_APPROVED_KEPT = (
    "OLD.state = 'approved' AND (NEW.state NOT IN ('approved', 'published') "
    "OR NEW.government_id <> OLD.government_id OR NEW.year <> OLD.year "
    "OR NEW.approved_on IS DISTINCT FROM OLD.approved_on "
    "OR NEW.approval_reference IS DISTINCT FROM OLD.approval_reference)"
)

_PG_ENTRY = """
    CREATE FUNCTION catalogue_entry_follows_catalogue() RETURNS trigger AS $$
    DECLARE
        catalogue_state text;
    BEGIN
        SELECT state INTO catalogue_state FROM decisions_catalogue WHERE id = OLD.catalogue_id;
        IF TG_OP = 'DELETE' THEN
            IF catalogue_state <> 'draft' THEN
                RAISE EXCEPTION 'catalogue_entry_kept' USING ERRCODE = 'check_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF NEW.catalogue_id <> OLD.catalogue_id OR NEW.decision_id <> OLD.decision_id
           OR (NEW.status <> OLD.status AND catalogue_state <> 'published') THEN
            RAISE EXCEPTION 'catalogue_entry_follows_catalogue' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
"""


def statements(vendor: str) -> list[tuple[str, str]]:
    if vendor == "postgresql":
        result = _guards._pg_final("decisions_catalogueadjustment", "catalogue_adjustment_append_only")
        result += _guards._pg_final(
            "decisions_catalogue", "catalogue_final_once_published", when="OLD.state = 'published'"
        )
        result += [
            (
                "CREATE TRIGGER catalogue_approval_kept BEFORE UPDATE ON decisions_catalogue FOR EACH ROW "
                f"WHEN ({_APPROVED_KEPT}) EXECUTE FUNCTION decisions_refuse('catalogue_approval_kept')",
                "DROP TRIGGER catalogue_approval_kept ON decisions_catalogue",
            ),
            (
                "CREATE TRIGGER catalogue_approved_kept BEFORE DELETE ON decisions_catalogue FOR EACH ROW "
                "WHEN (OLD.state = 'approved') EXECUTE FUNCTION decisions_refuse('catalogue_approval_kept')",
                "DROP TRIGGER catalogue_approved_kept ON decisions_catalogue",
            ),
            (_PG_ENTRY, "DROP FUNCTION catalogue_entry_follows_catalogue()"),
            (
                "CREATE TRIGGER catalogue_entry_follows_catalogue BEFORE UPDATE OR DELETE ON decisions_catalogueentry "
                "FOR EACH ROW EXECUTE FUNCTION catalogue_entry_follows_catalogue()",
                "DROP TRIGGER catalogue_entry_follows_catalogue ON decisions_catalogueentry",
            ),
        ]
        return result
    if vendor == "sqlite":
        result = _guards._sqlite_final("decisions_catalogueadjustment", "catalogue_adjustment_append_only")
        result += _guards._sqlite_final(
            "decisions_catalogue", "catalogue_final_once_published", when="OLD.state = 'published'"
        )
        result += [
            (
                f"CREATE TRIGGER catalogue_approval_kept BEFORE UPDATE ON decisions_catalogue WHEN {_APPROVED_KEPT} "
                "BEGIN SELECT RAISE(ABORT, 'catalogue_approval_kept'); END;",
                "DROP TRIGGER catalogue_approval_kept;",
            ),
            (
                "CREATE TRIGGER catalogue_approved_kept BEFORE DELETE ON decisions_catalogue "
                "WHEN OLD.state = 'approved' BEGIN SELECT RAISE(ABORT, 'catalogue_approval_kept'); END;",
                "DROP TRIGGER catalogue_approved_kept;",
            ),
        ]
        return result
    return []


class Migration(migrations.Migration):
    dependencies = [("decisions", "0022_evaluation_independence_and_proposal")]

    operations = [migrations.RunPython(*runners(statements), elidable=False)]
