"""Storing many rows of one table fast, in the caller's transaction: on PostgreSQL one COPY for all of them, elsewhere
one INSERT statement sent for a batch of rows (`executemany`, which SQLite steps in C).

A registry import stores up to 20,000 sites and 20,000 mentions. Django's `bulk_create` builds a model instance for
every row and prepares every field of it through the field's methods (about 60% of the storing time measured by
benchmarks/site_import.py); here each column's conversion is chosen once, the values of most columns (text,
numbers, foreign keys) go to the database as they are, and the statement is written once. (A multi-row VALUES
statement was slower on PostgreSQL: psycopg's client-side binding parses every long statement again; psycopg's
pipelined `executemany` still waited for the server about 0.4 ms a row.)

What `bulk_create` would do and this does not: no `save()`, no signals (none are connected to these models), no
model validation (the services validate every value before). Defaults and `auto_now`/`auto_now_add` are applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

ROWS_PER_BATCH = 2000


def _converter(field: models.Field, conn: Any) -> Callable[[Any], Any] | None:  # type: ignore[type-arg]
    """How a column's Python value becomes what the database driver takes (None: as it is)."""
    ops = conn.ops
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.UUIDField):
        return lambda value: field.get_db_prep_value(value, conn)
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def _value_of(field: models.Field, now: Any) -> Callable[[dict[str, Any]], Any]:  # type: ignore[type-arg]
    """How a column's value is taken from a row given as {attname: value} (auto_now and defaults filled in)."""
    name = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda row: row.get(name) or now
    return lambda row: row[name] if name in row else field.get_default()


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows ({field attname: value}; the primary key is left to the database) and return how many.

    A missing field takes its default (`public_id` a fresh id, `created_at` now, a text '', a nullable None)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    takers = [_value_of(f, now) for f in fields]
    conn = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy looks it up at every use
    converters = [_converter(f, conn) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql" and hasattr(connection.connection, "pipeline"):  # psycopg 3
        # every value first: a row's making may ask the database (a group looked up), which COPY would block
        return _copy(table, columns, list(_values(rows, takers, converters)))
    # the table and columns are the model's own names, quoted; the values go as parameters
    statement = f"INSERT INTO {table} ({columns}) VALUES (" + ", ".join(["%s"] * len(fields)) + ")"  # noqa: S608
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for values in _values(rows, takers, converters):
            batch.append(values)
            if len(batch) == ROWS_PER_BATCH:
                cursor.executemany(statement, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            count += len(batch)
    return count


def _values(rows: Iterable[dict[str, Any]], takers: list[Any], converters: list[Any]) -> Iterator[list[Any]]:
    for row in rows:
        values = []
        for take, convert in zip(takers, converters, strict=True):
            value = take(row)
            values.append(value if convert is None or value is None else convert(value))
        yield values


def _copy(table: str, columns: str, values: Iterable[list[Any]]) -> int:
    """PostgreSQL: stream the rows with COPY (one statement for the whole table; psycopg writes each value)."""
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
            count += 1
    return count
