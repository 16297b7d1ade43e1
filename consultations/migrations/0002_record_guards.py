"""The public side's record kept by the database itself, as the core keeps its own (decisions
migration 0018, docs/security.md): what a person sent is never rewritten nor lost.

- A comment's consultation, tracking number, channel, article, text, its sender's personal data
  (name, contact, address) and when it came are write-once: an UPDATE that changes one of them is
  refused; its answer, moderation and grouping change only through the services, each change an
  event on the decision's record (``consultations.services``).
- Execution feedback likewise: its decision, tracking number, text, personal data and when it came.
- No comment and no feedback is ever deleted (DELETE and TRUNCATE refused).

A refusal is a ``check_violation`` in PostgreSQL (the core's ``decisions_refuse``), ``RAISE(ABORT)``
in SQLite, an IntegrityError either way."""

from django.db import migrations

from decisions.migrations._triggers import runners

WRITE_ONCE = {
    # table: (trigger name, write-once columns)
    "consultations_comment": (
        "comment_write_once",
        ("consultation_id", "tracking_number", "channel", "article", "text", "name", "contact", "ip", "created_at"),
    ),
    "consultations_executionfeedback": (
        "execution_feedback_write_once",
        ("decision_id", "tracking_number", "text", "name", "contact", "ip", "created_at"),
    ),
}
KEPT = {"consultations_comment": "comment_kept", "consultations_executionfeedback": "execution_feedback_kept"}


def _changed(columns, distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def statements(vendor: str) -> list[tuple[str, str]]:
    result = []
    for table, (name, columns) in WRITE_ONCE.items():
        kept = KEPT[table]
        if vendor == "postgresql":
            result += [
                (
                    f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW "
                    f"WHEN ({_changed(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION decisions_refuse('{name}')",
                    f"DROP TRIGGER {name} ON {table}",
                ),
                (
                    f"CREATE TRIGGER {kept} BEFORE DELETE ON {table} FOR EACH ROW "
                    f"EXECUTE FUNCTION decisions_refuse('{kept}')",
                    f"DROP TRIGGER {kept} ON {table}",
                ),
                (
                    f"CREATE TRIGGER {kept}_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION decisions_refuse('{kept}')",
                    f"DROP TRIGGER {kept}_truncate ON {table}",
                ),
            ]
        elif vendor == "sqlite":
            result += [
                (
                    f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} WHEN {_changed(columns, 'IS NOT')} "
                    f"BEGIN SELECT RAISE(ABORT, '{name}'); END;",
                    f"DROP TRIGGER {name};",
                ),
                (
                    f"CREATE TRIGGER {kept} BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{kept}'); END;",
                    f"DROP TRIGGER {kept};",
                ),
            ]
    return result


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial"), ("decisions", "0018_audit_record_guards")]

    operations = [migrations.RunPython(*runners(statements), elidable=False)]
