"""Values from a delivery made safe for the database, or refused, before any INSERT.

PostgreSQL cannot hold a NUL character in text or jsonb, nor a lone UTF-16 surrogate
(`"\\ud800"` decodes in Python but cannot be encoded to UTF-8); jsonb refuses NaN and
Infinity too. Free text (a message body, a caption, a name) is cleaned: each such
character becomes U+FFFD and the caller flags the message so an officer knows. An
identifier (a message id, a sender) is never changed, neither cleaned nor truncated: a
changed WhatsApp id would break exactly-once, so it is refused (`Poison`) and the item is
quarantined.
"""

from __future__ import annotations

import math
import re
from typing import Any

# Meta's payloads are about 8 levels deep; a message nested deeper than this is not one.
MAX_DEPTH = 32
REPLACEMENT = "\ufffd"
# Python strings from json.loads hold surrogates only when they were lone (pairs are joined).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Poison(ValueError):
    """An item that will fail the same way every time: quarantine it at once, never retry."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


def storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def clean_text(text: str) -> str:
    return _UNSTORABLE.sub(REPLACEMENT, text)


def clean(value: Any, depth: int = 0) -> tuple[Any, bool]:
    """A copy of a decoded JSON value the database can store, and whether anything changed.

    Raises Poison("too_deep") past MAX_DEPTH levels (and so never a RecursionError).
    """
    if depth > MAX_DEPTH:
        raise Poison("too_deep", f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if storable(value):
            return value, False
        return clean_text(value), True
    if isinstance(value, float) and not math.isfinite(value):
        return str(value), True
    if isinstance(value, dict):
        changed = False
        out: dict[str, Any] = {}
        for key, item in value.items():
            new_key, key_changed = clean(key, depth + 1)
            new_item, item_changed = clean(item, depth + 1)
            out[new_key] = new_item
            changed = changed or key_changed or item_changed
        return out, changed
    if isinstance(value, list):
        changed = False
        items = []
        for item in value:
            new_item, item_changed = clean(item, depth + 1)
            items.append(new_item)
            changed = changed or item_changed
        return items, changed
    return value, False


def identifier(value: Any, *, max_length: int, what: str) -> str:
    """An id as text, unchanged, or Poison: `invalid_<what>` / `oversized_<what>`."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Poison(f"invalid_{what}", f"{what} is a {type(value).__name__}, not text")
    text = str(value)
    if not storable(text):
        raise Poison(f"invalid_{what}", f"{what} holds a NUL or a lone surrogate")
    if len(text) > max_length:
        raise Poison(f"oversized_{what}", f"{what} has {len(text)} characters (at most {max_length})")
    return text


def flag(text: str, max_length: int = 100) -> str:
    """A flag built from payload values (field names, error codes): storable and short."""
    return clean_text(text)[:max_length]
