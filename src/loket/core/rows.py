"""Single-row statements for the paths that run several times per resident message.

The ORM spends more CPU building an UPDATE than PostgreSQL spends running it (about 0.4 ms
against 0.1 ms here), and the worker's CPU is what bounds how fast residents get replies
(`bench_reply_latency`). These helpers make each statement's SQL once per shape and prepare
values through the model's own fields, as the ORM would, so they work on PostgreSQL and
SQLite alike. Use them only where a profile shows the ORM's cost; everywhere else, the ORM.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db import connection
from django.db.models import Field, Model

from loket.jobs.queue import db_time  # noqa: F401 - one definition, in the queue below the core


def read_column(sql: str, params: list) -> list:
    """The first column of every row of a SELECT; datetimes come back aware (SQLite hands
    back naive UTC)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = [row[0] for row in cursor.fetchall()]
    return [
        value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) and value.tzinfo is None else value
        for value in values
    ]


def _column(model: type[Model], name: str) -> tuple[Field, str]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column, f"{model.__name__}.{name} is not a column"
    return field, connection.ops.quote_name(field.column)


@cache
def _update_sql(model: type[Model], names: tuple[str, ...], condition: str, vendor: str) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{_column(model, name)[1]} = %s" for name in names)
    pk_column = model._meta.pk.column
    assert pk_column, f"{model.__name__} has no primary key column"
    pk = connection.ops.quote_name(pk_column)
    return f"UPDATE {table} SET {sets} WHERE {pk} = %s{condition}"  # noqa: S608 - names are ours


def update_row(model: type[Model], pk, values: dict, *, condition: str = "", params: tuple = ()) -> int:
    """UPDATE one row by primary key; returns 1 when it matched, else 0.

    `condition`: extra SQL ANDed to the key, e.g. " AND wamid IS NULL", with its `params`.
    """
    names = tuple(values)
    sql = _update_sql(model, names, condition, connection.vendor)
    prepared = [_column(model, name)[0].get_db_prep_save(values[name], connection) for name in names]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*prepared, pk, *params])
        return cursor.rowcount


@cache
def _add_sql(
    model: type[Model], keys: tuple[tuple[str, bool], ...], amounts: tuple[str, ...], vendor: str
) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{column} = {column} + %s" for column in (_column(model, n)[1] for n in amounts))
    where = " AND ".join(
        f"{_column(model, name)[1]} IS NULL" if is_null else f"{_column(model, name)[1]} = %s"
        for name, is_null in keys
    )
    return f"UPDATE {table} SET {sets} WHERE {where}"  # noqa: S608 - names are ours


def add_to_row(model: type[Model], key: dict, amounts: dict) -> int:
    """Add `amounts` to the counters of the row that `key` names (None matches NULL);
    returns how many rows matched (0: the caller creates it)."""
    shape = tuple((name, value is None) for name, value in key.items())
    sql = _add_sql(model, shape, tuple(amounts), connection.vendor)
    params = [
        _column(model, name)[0].get_db_prep_value(value, connection)
        for name, value in key.items()
        if value is not None
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*amounts.values(), *params])
        return cursor.rowcount
