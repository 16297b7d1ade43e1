"""The sponsors-within-the-government rule (migration 0008) for SQLite, the demo database of
``make run``.

SQLite re-checks every trigger that reads a table when a migration rebuilds that table (as it does
for most column changes), and fails if the trigger names a table that is, for the moment, renamed.
So on SQLite these triggers are dropped before each ``migrate`` and created again after it
(``DecisionsConfig.ready`` connects both); PostgreSQL keeps its triggers in the migration.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

_DECISION_OUTSIDE = """
    EXISTS (SELECT 1 FROM decisions_department d
            WHERE d.id IN (NEW.lead_sponsor_id, NEW.executing_unit_id) AND d.government_id <> NEW.government_id)
"""
_CO_SPONSOR_OUTSIDE = """
    (SELECT government_id FROM decisions_department WHERE id = NEW.department_id)
    <> (SELECT government_id FROM decisions_decision WHERE id = NEW.decision_id)
"""
TRIGGERS = {
    "decision_sponsor_within_government_insert": (
        "BEFORE INSERT ON decisions_decision "
        f"WHEN {_DECISION_OUTSIDE} BEGIN SELECT RAISE(ABORT, 'decision_sponsor_within_government'); END"
    ),
    "decision_sponsor_within_government_update": (
        "BEFORE UPDATE OF government_id, lead_sponsor_id, executing_unit_id ON decisions_decision "
        f"WHEN {_DECISION_OUTSIDE} BEGIN SELECT RAISE(ABORT, 'decision_sponsor_within_government'); END"
    ),
    "decision_co_sponsor_within_government_insert": (
        "BEFORE INSERT ON decisions_decision_co_sponsors "
        f"WHEN {_CO_SPONSOR_OUTSIDE} BEGIN SELECT RAISE(ABORT, 'decision_co_sponsor_within_government'); END"
    ),
    "decision_co_sponsor_within_government_update": (
        "BEFORE UPDATE ON decisions_decision_co_sponsors "
        f"WHEN {_CO_SPONSOR_OUTSIDE} BEGIN SELECT RAISE(ABORT, 'decision_co_sponsor_within_government'); END"
    ),
    "department_keeps_government": (
        "BEFORE UPDATE OF government_id ON decisions_department "
        "WHEN OLD.government_id <> NEW.government_id AND ("
        " EXISTS (SELECT 1 FROM decisions_decision WHERE lead_sponsor_id = NEW.id OR executing_unit_id = NEW.id)"
        " OR EXISTS (SELECT 1 FROM decisions_decision_co_sponsors WHERE department_id = NEW.id)) "
        "BEGIN SELECT RAISE(ABORT, 'department_with_decisions_keeps_government'); END"
    ),
    # The catalogue's entries follow their catalogue (migration 0022 for PostgreSQL).
    "catalogue_entry_kept": (
        "BEFORE DELETE ON decisions_catalogueentry "
        "WHEN (SELECT state FROM decisions_catalogue WHERE id = OLD.catalogue_id) <> 'draft' "
        "BEGIN SELECT RAISE(ABORT, 'catalogue_entry_kept'); END"
    ),
    "catalogue_entry_follows_catalogue": (
        "BEFORE UPDATE ON decisions_catalogueentry "
        "WHEN NEW.catalogue_id <> OLD.catalogue_id OR NEW.decision_id <> OLD.decision_id "
        "OR (NEW.status <> OLD.status "
        "AND (SELECT state FROM decisions_catalogue WHERE id = OLD.catalogue_id) <> 'published') "
        "BEGIN SELECT RAISE(ABORT, 'catalogue_entry_follows_catalogue'); END"
    ),
}
_TABLES = (
    "decisions_decision",
    "decisions_decision_co_sponsors",
    "decisions_department",
    "decisions_catalogue",
    "decisions_catalogueentry",
)


def drop(using: str = "default", **kwargs: Any) -> None:
    """pre_migrate: out of the way of the tables a migration may rebuild."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def create(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the rule holds again once the tables are as the migrations left them."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if not set(_TABLES) <= set(connection.introspection.table_names()):
        return
    with connection.cursor() as cursor:
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
