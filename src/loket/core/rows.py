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
from typing import Any, Literal, TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, signals

from loket.jobs.loading import Converters, converted, converters_of, instances
from loket.jobs.queue import db_time  # noqa: F401 - one definition, in the queue below the core

M = TypeVar("M", bound=Model)


def _db() -> BaseDatabaseWrapper:
    """This thread's connection, looked up once per statement: every attribute read through
    `django.db.connection` looks it up again (an asgiref local), several times a statement."""
    return connections[DEFAULT_DB_ALIAS]


@cache
def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column, f"{model.__name__}.{name} is not a column"
    return field


def read_column(sql: str, params: list) -> list:
    """The first column of every row of a SELECT; datetimes come back aware (SQLite hands
    back naive UTC)."""
    with _db().cursor() as cursor:
        cursor.execute(sql, params)
        values = [row[0] for row in cursor.fetchall()]
    return [
        value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) and value.tzinfo is None else value
        for value in values
    ]


def _column(model: type[Model], name: str) -> tuple[Field, str]:
    field = _field(model, name)
    return field, connection.ops.quote_name(field.column)  # type: ignore[arg-type]  # checked in _field


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
    db = _db()
    names = tuple(values)
    sql = _update_sql(model, names, condition, db.vendor)
    prepared = [_field(model, name).get_db_prep_save(values[name], db) for name in names]
    with db.cursor() as cursor:
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
    db = _db()
    shape = tuple((name, value is None) for name, value in key.items())
    sql = _add_sql(model, shape, tuple(amounts), db.vendor)
    params = [
        _field(model, name).get_db_prep_value(value, db) for name, value in key.items() if value is not None
    ]
    with db.cursor() as cursor:
        cursor.execute(sql, [*amounts.values(), *params])
        return cursor.rowcount


# --- whole rows: INSERT one new instance, SELECT one by a condition ------------------------


@cache
def _plain(model: type[Model]) -> bool:
    """True when `save()` of this model is the ORM's own, with no parent table and no
    database defaults: then the INSERT written out here (with the save signals sent as
    `save()` sends them) does exactly what `save()` would."""
    meta = model._meta
    return (
        model.save is Model.save
        and not meta.parents
        and not any(f.has_db_default() for f in meta.local_concrete_fields)
    )


@cache
def _insert_shape(model: type[Model], unless: tuple[str, ...], vendor: str) -> tuple[list[Field], str]:
    meta = model._meta
    fields: list[Field] = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)  # type: ignore[arg-type]  # concrete: a column
    pk = connection.ops.quote_name(meta.pk.column)  # type: ignore[arg-type]  # every model has a key column
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names are ours
    if unless:
        sql += f" ON CONFLICT ({', '.join(_column(model, name)[1] for name in unless)}) DO NOTHING"
    return fields, f"{sql} RETURNING {pk}"


def insert_row(obj: Model, *, unless: tuple[str, ...] = ()) -> bool:
    """Save a new instance, as `obj.save(force_insert=True)` would: `pre_save` and
    `post_save` sent, its defaults, `auto_now` and the fields' own preparation of values;
    the primary key is set on `obj`. Returns True.

    `unless` names the fields of a unique constraint: when a row with the same values exists,
    nothing is written, no `post_save` is sent and False is returned (one statement; no
    savepoint to go on after an IntegrityError). A model with its own `save()`, a parent
    table or database defaults is saved by the ORM (then `unless` takes a savepoint)."""
    model = type(obj)
    db = _db()
    if not _plain(model) or obj.pk is not None or not db.features.can_return_columns_from_insert:
        if not unless:
            obj.save(force_insert=True)
            return True
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
        except IntegrityError:
            if not model._default_manager.filter(**{n: getattr(obj, n) for n in unless}).exists():
                raise  # another constraint refused it: an error like any other
            return False
        return True
    using = db.alias
    with transaction.mark_for_rollback_on_error(using):  # as `save()`: an error spoils the block
        signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
        fields, sql = _insert_shape(model, unless, db.vendor)
        values = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
        with db.cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        if row is None:
            return False  # `unless`: the row exists
        obj.pk = row[0]
        obj._state.adding = False
        obj._state.db = using
        signals.post_save.send(
            sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
        )
    return True


@cache
def _select_shape(
    model: type[Model], names: tuple[str, ...] | None, where: str, lock: str, vendor: str
) -> tuple[str, list[str], Converters]:
    meta = model._meta
    # In the model's order of fields: `from_db` reads the values in that order.
    wanted = None if names is None else {_column(model, n)[0].name for n in names}
    fields = [f for f in meta.concrete_fields if wanted is None or f.primary_key or f.name in wanted]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)  # type: ignore[arg-type]  # concrete: a column
    features = connection.features
    locking = ""
    if lock and features.has_select_for_update:
        skip = lock == "skip_locked" and features.has_select_for_update_skip_locked
        locking = " FOR UPDATE SKIP LOCKED" if skip else " FOR UPDATE"
    sql = f"SELECT {columns} FROM {table} WHERE {where}{locking}"  # noqa: S608 - names are ours
    return sql, [f.attname for f in fields], converters_of(fields, connection)


def fetch_rows(
    model: type[M],
    where: str,
    params: list,
    *,
    lock: bool | Literal["skip_locked"] = False,
    only: tuple[str, ...] | None = None,
) -> list[M]:
    """The rows matching `where` (SQL over the table's columns, e.g. "id = %s ORDER BY id")
    as instances, their values converted by the fields as the ORM converts them. `lock`:
    FOR UPDATE (where the database has it), "skip_locked" skipping rows others hold;
    `only`: those fields (and the key) loaded, the rest deferred."""
    db = _db()
    shape = "skip_locked" if lock == "skip_locked" else ("update" if lock else "")
    sql, attnames, converters = _select_shape(model, only, where, shape, db.vendor)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return instances(model, attnames, converters, cursor.fetchall(), db)


def fetch_row(
    model: type[M], where: str, params: list, *, lock: bool = False, only: tuple[str, ...] | None = None
) -> M | None:
    """The first row `fetch_rows` finds (give `where` its ORDER BY and LIMIT), or None."""
    rows = fetch_rows(model, where, params, lock=lock, only=only)
    return rows[0] if rows else None


@cache
def _chain_shape(
    model: type[Model], chain: tuple[str, ...], lock: bool, vendor: str
) -> tuple[str, list[tuple[type[Model], list[str], int]], Converters]:
    quote = connection.ops.quote_name
    models: list[type[Model]] = [model]
    joins = []
    for n, name in enumerate(chain):
        link = models[-1]._meta.get_field(name)
        assert isinstance(link, Field) and link.many_to_one and link.column, f"{name} is not a foreign key"
        target: type[Model] = link.related_model  # type: ignore[assignment]  # a model, not "self"
        key = target._meta.pk.column
        joins.append(
            f" LEFT JOIN {quote(target._meta.db_table)} t{n + 1} ON t{n + 1}.{quote(key)} = t{n}.{quote(link.column)}"  # type: ignore[arg-type]  # a key column
        )
        models.append(target)
    parts, columns, start = [], [], 0
    converters: Converters = []
    for n, each in enumerate(models):
        fields = list(each._meta.concrete_fields)
        columns += [f"t{n}.{quote(f.column)}" for f in fields]  # type: ignore[arg-type]  # concrete: a column
        parts.append((each, [f.attname for f in fields], start))
        converters += converters_of(fields, connection, start=start)
        start += len(fields)
    locking = " FOR UPDATE OF t0" if lock and connection.features.has_select_for_update_of else ""
    if lock and not locking and connection.features.has_select_for_update:
        locking = " FOR UPDATE"
    pk = quote(model._meta.pk.column)  # type: ignore[arg-type]  # every model has a key column
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t0{''.join(joins)}"  # noqa: S608 - names are ours
        f" WHERE t0.{pk} = %s{locking}"
    )
    return sql, parts, converters


def fetch_chain(model: type[M], pk: Any, chain: tuple[str, ...], *, lock: bool = False) -> M | None:
    """One row by its key with the rows a chain of foreign keys leads to, in one statement
    (`select_related` written out): fetch_chain(InboundMessage, 7, ("resident", "office"))
    is the message with `.resident` and `.resident.office` loaded. `lock` locks the first
    row only (FOR UPDATE OF, where the database has it). None when no row has that key."""
    db = _db()
    sql, parts, converters = _chain_shape(model, chain, lock, db.vendor)
    with db.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = converted(row, converters, db)
    first = model.from_db(db.alias, parts[0][1], values[: len(parts[0][1])])
    parent: Model = first
    for name, (each, names, start) in zip(chain, parts[1:], strict=True):
        own = values[start : start + len(names)]
        instance = None if own[0] is None else each.from_db(db.alias, names, own)
        parent._meta.get_field(name).set_cached_value(parent, instance)  # type: ignore[union-attr]  # a foreign key
        if instance is None:
            break  # a NULL key on the way: nothing further
        parent = instance
    return first
