"""What the migrations that install the record's triggers share (the migration loader skips a
module whose name starts with an underscore)."""

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
