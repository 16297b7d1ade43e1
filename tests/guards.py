"""Damage behind the database's guards, for the tests that check what happens to such a record (a
copy restored without the triggers, a superuser's hand edit): the named triggers are disabled inside
the test's transaction, and come back with its rollback (docs/security.md)."""

from __future__ import annotations

import pytest
from django.db import connection


def disable_triggers(table: str, *triggers: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot disable a trigger: the damage cannot be done there")
    with connection.cursor() as cursor:
        # ALTER TABLE waits for no queued foreign-key check of the table: fire them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def run_sql(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
