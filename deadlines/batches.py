"""Set-based SQL for the reminder scan's batches: rows inserted by one ``INSERT … SELECT … ON CONFLICT
DO NOTHING`` per batch instead of a model object per row, and rows picked by a list of ids bound as
one value instead of one placeholder per id.

The scan writes hundreds of reminders, notifications and deliveries per batch. Building a model
object for each and letting ``bulk_create`` prepare every field of every row cost most of the
scan's time; so did, once that was gone, the client's parsing of thousands of placeholders (the
driver binds values on the client, and finds each ``%s`` in Python). Here a row is a tuple of the
few values that differ from row to row, the values all rows share (the timestamps, the status, the
channel) are bound once, and on PostgreSQL each column travels as one array (``unnest``). SQLite,
which parses its placeholders in C, gets a ``VALUES`` list and JSON arrays (``json_each``); it
accepts ``INSERT … SELECT … ON CONFLICT DO NOTHING`` from 3.35 (the ``WHERE true`` is for its
parser, which would otherwise read ``ON CONFLICT`` as a join's ``ON``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Lookup, Model


def insert_values(
    model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]], shared: Mapping[str, Any]
) -> int:
    """Insert ``rows`` (tuples of ``columns``' values, ready for the database: ids, strings, dates)
    with ``shared`` (a value per column, prepared here by its field; None for NULL) into ``model``'s
    table, skipping a row that breaks a unique constraint. Returns how many rows were inserted.

    One statement on PostgreSQL; on SQLite as many as its limit of bound values asks."""
    if not rows:
        return 0
    meta = model._meta
    quote = connection.ops.quote_name
    fields: dict[str, Field] = {}
    names: list[str] = []
    for name in (*columns, *shared):
        field = meta.get_field(name)
        assert isinstance(field, Field) and field.column  # a column of the table, not a reverse relation
        fields[name] = field
        names.append(field.column)
    shared_sql: list[str] = []
    shared_params: list[Any] = []
    for name, value in shared.items():
        if value is None:
            shared_sql.append("NULL")
        else:
            shared_sql.append("%s")
            shared_params.append(fields[name].get_db_prep_save(value, connection))
    into = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(name) for name in names)})"
    inserted = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{fields[name].db_type(connection)}[]" for name in columns)
            select = ", ".join([*(f"v.c{i}" for i in range(len(columns))), *shared_sql])
            aliases = ", ".join(f"c{i}" for i in range(len(columns)))
            cursor.execute(
                f"{into} SELECT {select} FROM unnest({arrays}) AS v ({aliases}) ON CONFLICT DO NOTHING",
                [*shared_params, *(list(column) for column in zip(*rows, strict=True))],
            )
            return cursor.rowcount
        select = ", ".join([*(f"v.column{i + 1}" for i in range(len(columns))), *shared_sql])
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        limit = connection.features.max_query_params or len(rows) * len(columns)
        per_statement = max((limit - len(shared_params)) // len(columns), 1)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"{into} SELECT {select} FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v "
                "WHERE true ON CONFLICT DO NOTHING",
                [*shared_params, *(value for row in chunk for value in row)],
            )
            inserted += cursor.rowcount
    return inserted


class AmongIds(Lookup):
    """``AmongIds(F("pk"), ids)`` in a ``filter()``: the ``__in`` of a batch's ids, bound as one array
    (``= ANY(%s)``) on PostgreSQL and as one JSON list on SQLite, whatever the batch's size."""

    lookup_name = "among_ids"
    prepare_rhs = False

    def __init__(self, lhs: Any, rhs: Iterable[int]) -> None:
        super().__init__(lhs, [int(pk) for pk in rhs])

    def as_sql(self, compiler: Any, connection: Any) -> Any:  # SQLite
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, json.dumps(self.rhs))

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)
