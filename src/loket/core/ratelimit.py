"""Fixed-window rate limits shared by every process.

The count lives in the database (one upsert per hit, atomic on PostgreSQL and SQLite), or in
Redis when LOKET_REDIS_URL is set (one INCR and EXPIRE in one round trip, atomic across every
process). Django's default local-memory cache would give each web worker its own count, which
is why it is never used here. When Redis fails, the database counts instead (the limit stays
shared and closed; `core.redisstore`). If the database fails too, the request is let through
with a warning: a limit is a defence against scraping, not a reason to refuse a resident
checking a receipt.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from loket.core import redisstore
from loket.core.models import RateCount

log = logging.getLogger(__name__)
SWEEP_AFTER = 3600  # seconds: windows that ended longer ago are deleted


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


def hit(key: str, *, limit: int, period: int = 60) -> Verdict:
    """Count one hit of `key`; allowed while the window's count is within `limit`.
    Periods up to an hour (older windows are swept)."""
    if not 0 < period <= SWEEP_AFTER:
        raise ValueError(f"period must be 1..{SWEEP_AFTER} seconds")
    now = time.time()
    window_start = int(now // period) * period
    retry_after = max(1, int(window_start + period - now))
    try:
        count = _count_in_redis(key, window_start, period)
        if count is None:
            count = _count_in_db(key, window_start)
    except Exception as error:  # noqa: BLE001 - any store failure lets the request through (see above)
        log.warning("rate limit store unavailable, not limiting: %s", type(error).__name__)
        return Verdict(allowed=True, count=0, retry_after=0)
    return Verdict(allowed=count <= limit, count=count, retry_after=retry_after)


def _count_in_redis(key: str, window_start: int, period: int) -> int | None:
    """The window's count after this hit, or None without Redis (unset or not answering)."""
    store = redisstore.client()
    if store is None:
        return None
    name = redisstore.key("rate", key, window_start)
    try:
        pipe = store.pipeline(transaction=True)  # MULTI/EXEC: one round trip, atomic
        pipe.incr(name)
        pipe.expire(name, period * 2)
        count, _ = pipe.execute()
    except redisstore.UNAVAILABLE as error:
        redisstore.unavailable("rate limits", error)
        return None
    return int(count)


def _count_in_db(key: str, window_start: int) -> int:
    table = connection.ops.quote_name(RateCount._meta.db_table)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {table} ({quote('key')}, {quote('window_start')}, {quote('count')}) "  # noqa: S608 - names are ours
        f"VALUES (%s, %s, 1) ON CONFLICT ({quote('key')}, {quote('window_start')}) "
        f"DO UPDATE SET {quote('count')} = {table}.{quote('count')} + 1 RETURNING {quote('count')}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, window_start])
        (count,) = cursor.fetchone()
    if count == 1:
        # The first hit of a new window for this key: sweep windows that have ended.
        try:
            with transaction.atomic():
                RateCount.objects.filter(window_start__lt=window_start - SWEEP_AFTER).delete()
        except DatabaseError:  # a sweep that lost a race is retried on the next new window
            log.info("rate count sweep skipped")
    return int(count)
