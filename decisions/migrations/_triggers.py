"""What the migrations that install the record's triggers share (the migration loader skips a
module whose name starts with an underscore)."""

import importlib
from collections.abc import Callable

Statements = Callable[[str], list[tuple[str, str]]]


def runners(statements: Statements) -> tuple[Callable, Callable]:
    """The forward and backward functions of a ``RunPython`` that runs ``statements(vendor)``: each
    pair's first statement forward, its second backward, in reverse order."""

    def create(apps, schema_editor):
        for forward, _backward in statements(schema_editor.connection.vendor):
            schema_editor.execute(forward, params=None)

    def drop(apps, schema_editor):
        for _forward, backward in reversed(statements(schema_editor.connection.vendor)):
            schema_editor.execute(backward, params=None)

    return create, drop


def append_only_runners(*tables: tuple[str, str]) -> tuple[Callable, Callable]:
    """``runners`` that make each (table, trigger name) final, as the event log is (migration 0018's
    guards): no UPDATE or DELETE, whoever writes. Nothing on an engine without the guards."""
    guards = importlib.import_module("decisions.migrations.0018_audit_record_guards")

    def statements(vendor: str) -> list[tuple[str, str]]:
        final = {"postgresql": guards._pg_final, "sqlite": guards._sqlite_final}.get(vendor)
        return [pair for table, name in tables for pair in final(table, name)] if final else []

    return runners(statements)
