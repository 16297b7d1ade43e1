"""An issued legality opinion and its letter are kept by the database itself (Art 25–28; 等保 2.0
protected records; docs/security.md):

- a review round, once issued (``issued_at`` set), refuses DELETE, and an UPDATE of anything but what
  may still follow the issue: the office head's shortening of the minimum review time (Art 26:
  ``min_working_days``, ``minimum_shortened_reason``, ``minimum_shortened_by_id``), the sponsor's
  revised draft and the reviewer's confirmation of the changes (Art 28: ``revised_draft_id``,
  ``changes_confirmed_at``, ``changes_confirmed_by_id``), the return of the round (``returned_at``,
  ``return_reason``) and ``updated_at``. ``letter_content`` is
  fixed in the same UPDATE that sets ``issued_at``, and never after;
- an opinion letter refuses DELETE, and an UPDATE of anything but its stored file (``file``, and
  ``updated_at``): the render task may store again a file that went missing, from the content fixed
  at issue, which gives the same bytes, checksum and size;
- both tables refuse TRUNCATE.

PostgreSQL compares the whole row less the columns that may change (``to_jsonb``), so a column added
later is protected without touching this; SQLite (the demo database) compares the columns the table
has when this migration runs."""

from django.db import migrations

REVIEW_MAY_CHANGE = (
    # Art 26: the office head may shorten the minimum review time after the opinion is issued and
    # before the decision is cleared for the meeting: the clock, not the opinion's content.
    "min_working_days",
    "minimum_shortened_reason",
    "minimum_shortened_by_id",
    "revised_draft_id",
    "changes_confirmed_at",
    "changes_confirmed_by_id",
    "returned_at",
    "return_reason",
    "updated_at",
)
LETTER_MAY_CHANGE = ("file", "updated_at")


def _array(columns) -> str:
    return "ARRAY[" + ", ".join(f"'{c}'" for c in columns) + "]::text[]"


def _pg(table: str, name: str, may_change, *, when: str) -> list[tuple[str, str]]:
    old_when = f"OLD.{when}" if when else "TRUE"
    return [
        (
            f"""
            CREATE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'TRUNCATE' OR TG_OP = 'DELETE'
                   OR (to_jsonb(OLD) - {_array(may_change)}) IS DISTINCT FROM (to_jsonb(NEW) - {_array(may_change)}) THEN
                    RAISE EXCEPTION '{name}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """,
            f"DROP FUNCTION {name}()",
        ),
        (
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW WHEN ({old_when}) "
            f"EXECUTE FUNCTION {name}()",
            f"DROP TRIGGER {name} ON {table}",
        ),
        (
            f"CREATE TRIGGER {name}_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            f"DROP TRIGGER {name}_truncate ON {table}",
        ),
    ]


def _sqlite(schema_editor, table: str, name: str, may_change, *, when: str) -> list[tuple[str, str]]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns if c not in may_change)
    old_when = f"OLD.{when} AND " if when else ""
    return [
        (
            f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} WHEN {old_when}({changed}) "
            f"BEGIN SELECT RAISE(ABORT, '{name}'); END;",
            f"DROP TRIGGER {name}_update;",
        ),
        (
            f"CREATE TRIGGER {name}_delete BEFORE DELETE ON {table} {'WHEN OLD.' + when if when else ''} "
            f"BEGIN SELECT RAISE(ABORT, '{name}'); END;",
            f"DROP TRIGGER {name}_delete;",
        ),
    ]


GUARDS = (
    ("reviews_legalityreview", "legality_review_final_once_issued", REVIEW_MAY_CHANGE, "issued_at IS NOT NULL"),
    ("reviews_opinionletter", "opinion_letter_final", LETTER_MAY_CHANGE, ""),
)


def statements(schema_editor) -> list[tuple[str, str]]:
    vendor = schema_editor.connection.vendor
    result: list[tuple[str, str]] = []
    for table, name, may_change, when in GUARDS:
        if vendor == "postgresql":
            result += _pg(table, name, may_change, when=when)
        elif vendor == "sqlite":
            result += _sqlite(schema_editor, table, name, may_change, when=when)
    return result


def create(apps, schema_editor):
    for forward, _backward in statements(schema_editor):
        schema_editor.execute(forward, params=None)


def drop(apps, schema_editor):
    for _forward, backward in reversed(statements(schema_editor)):
        schema_editor.execute(backward, params=None)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_text_max_lengths")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
