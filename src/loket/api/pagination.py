"""Opaque, signed cursors: `{"items": [...], "next": "<cursor>" | null}`, `?cursor=` back.

A cursor carries the last primary key seen and a fingerprint of the filters it was made
for, signed with the installation's secret (Django's signing). A cursor that was changed,
made for other filters or for another list is refused (400 `invalid-cursor`), never guessed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from django.core import signing
from django.db.models import QuerySet

from loket.api.problems import Problem

SALT = "loket.api.cursor"


def fingerprint(kind: str, filters: Mapping[str, object]) -> str:
    text = json.dumps([kind, {k: str(v) for k, v in sorted(filters.items()) if v not in (None, "")}])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make(last_pk: int, kind: str, filters: Mapping[str, object]) -> str:
    return signing.dumps([last_pk, fingerprint(kind, filters)], salt=SALT, compress=False)


def read(cursor: str, kind: str, filters: Mapping[str, object]) -> int:
    try:
        last_pk, made_for = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Problem("invalid-cursor") from None
    if not isinstance(last_pk, int) or made_for != fingerprint(kind, filters):
        raise Problem(
            "invalid-cursor", "Kursor ini dibuat untuk daftar atau saringan lain. Mulai lagi dari awal."
        )
    return last_pk


def page(
    qs: QuerySet, *, cursor: str | None, limit: int, kind: str, filters: Mapping[str, object]
) -> tuple[list, str | None]:
    """One page of `qs` in ascending primary key, and the cursor of the next (None: the end)."""
    if cursor:
        qs = qs.filter(pk__gt=read(cursor, kind, filters))
    rows = list(qs.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (make(rows[-1].pk, kind, filters) if more and rows else None)
