"""Set-based inserts of the reminder scan's rows: one ``INSERT … SELECT … FROM (VALUES …) ON CONFLICT
DO NOTHING`` per batch instead of a model object per row.

The scan writes hundreds of reminders, notifications and deliveries per batch; building a model
object for each and letting ``bulk_create`` prepare every field of every row cost Django most of the
scan's time. Here a row is a tuple of the few values that differ from row to row, and the values all
rows share (the timestamps, the status, the channel) are bound once. Both engines accept the
statement: PostgreSQL, and SQLite from 3.35 (the ``WHERE true`` is SQLite's: without it the parser
would read ``ON CONFLICT`` as the join's ``ON``). A value left out of the tuples and of the shared ones
is NULL, never a column of the VALUES list: PostgreSQL would type a column of NULLs as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model


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
    select = ", ".join([*(f"v.column{i + 1}" for i in range(len(columns))), *shared_sql])
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    limit = connection.features.max_query_params
    per_statement = len(rows) if limit is None else max((limit - len(shared_params)) // len(columns), 1)
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(name) for name in names)}) "
                f"SELECT {select} FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v "
                "WHERE true ON CONFLICT DO NOTHING",
                [*shared_params, *(value for row in chunk for value in row)],
            )
            inserted += cursor.rowcount
    return inserted
