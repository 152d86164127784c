"""Rows read through a cursor made into model instances exactly as the ORM loads them.

The job queue's claim (here, below everything) and the core's written-out statements
(`loket.core.rows`) both read whole rows with their own SQL; this is the one place that
finds each field's converters (the backend's and the field's own, e.g. JSON text parsed,
SQLite's naive datetimes made aware) and applies them. It sits in the lowest Django layer so
that the queue can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)

# (position in the row, converters, the column expression they are called with)
Converters = list[tuple[int, list[Any], Any]]


def converters_of(
    fields: Sequence[Field[Any, Any]], db: BaseDatabaseWrapper, *, start: int = 0
) -> Converters:
    """The converters of these fields' columns, as the ORM's compiler finds them; positions
    count from `start` (several models' columns in one row)."""
    found: Converters = []
    for index, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        functions = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if functions:
            found.append((start + index, functions, column))
    return found


def converted(row: Sequence[Any], converters: Converters, db: BaseDatabaseWrapper) -> list[Any]:
    """One row's values after its converters."""
    values = list(row)
    for index, functions, column in converters:
        for convert in functions:
            values[index] = convert(values[index], column, db)
    return values


def instances(
    model: type[M],
    attnames: list[str],
    converters: Converters,
    rows: Iterable[Sequence[Any]],
    db: BaseDatabaseWrapper,
) -> list[M]:
    """Instances of `model` from rows whose columns are `attnames` (in the model's order)."""
    return [model.from_db(db.alias, attnames, converted(row, converters, db)) for row in rows]
