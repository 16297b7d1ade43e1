"""Art 17: a hearing participant's confirmation of the record, or their objection, is kept as it
was recorded, whatever road a write takes: once answered, the row refuses an UPDATE that changes
the answer and a DELETE (``services.hearing_participant_answer`` refuses the same first). The
refusal is a ``check_violation`` in PostgreSQL, ``RAISE(ABORT)`` in SQLite."""

from django.db import migrations

from decisions.migrations._triggers import runners

TABLE = "decisions_hearingparticipant"
NAME = "hearing_participant_answer_kept"
ANSWERED = "(OLD.confirmed_on IS NOT NULL OR OLD.objected_on IS NOT NULL)"
CHANGED = (
    "(NEW.confirmed_on IS NOT OLD.confirmed_on OR NEW.objected_on IS NOT OLD.objected_on "
    "OR NEW.objection IS NOT OLD.objection OR NEW.hearing_id IS NOT OLD.hearing_id)"
)


def statements(vendor: str) -> list[tuple[str, str]]:
    if vendor == "postgresql":
        changed = CHANGED.replace("IS NOT OLD", "IS DISTINCT FROM OLD")
        return [
            (
                f"CREATE TRIGGER {NAME} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
                f"WHEN ({ANSWERED} AND {changed}) EXECUTE FUNCTION decisions_refuse('{NAME}')",
                f"DROP TRIGGER {NAME} ON {TABLE}",
            ),
            (
                f"CREATE TRIGGER {NAME}_delete BEFORE DELETE ON {TABLE} FOR EACH ROW "
                f"WHEN {ANSWERED} EXECUTE FUNCTION decisions_refuse('{NAME}')",
                f"DROP TRIGGER {NAME}_delete ON {TABLE}",
            ),
        ]
    if vendor == "sqlite":
        return [
            (
                f"CREATE TRIGGER {NAME}_update BEFORE UPDATE ON {TABLE} WHEN {ANSWERED} AND {CHANGED} "
                f"BEGIN SELECT RAISE(ABORT, '{NAME}'); END;",
                f"DROP TRIGGER {NAME}_update;",
            ),
            (
                f"CREATE TRIGGER {NAME}_delete BEFORE DELETE ON {TABLE} WHEN {ANSWERED} "
                f"BEGIN SELECT RAISE(ABORT, '{NAME}'); END;",
                f"DROP TRIGGER {NAME}_delete;",
            ),
        ]
    return []


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0031_remove_participation_hearing_fields"),
    ]

    operations = [migrations.RunPython(*runners(statements))]
