"""Fixed-window rate limits shared by every process.

The count lives in the database (one upsert per hit, atomic on PostgreSQL and SQLite), or in
Redis when LOKET_REDIS_URL is set (then Django's cache is Redis, shared by all processes).
Django's default local-memory cache would give each web worker its own count, which is why
it is never used here. If the store fails, the request is let through with a warning: a limit
is a defence against scraping, not a reason to refuse a resident checking a receipt.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

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
        count = (
            _count_in_redis(key, window_start, period)
            if settings.REDIS_URL
            else _count_in_db(key, window_start)
        )
    except Exception as error:  # noqa: BLE001 - any store failure lets the request through (see above)
        log.warning("rate limit store unavailable, not limiting: %s", type(error).__name__)
        return Verdict(allowed=True, count=0, retry_after=0)
    return Verdict(allowed=count <= limit, count=count, retry_after=retry_after)


def _count_in_redis(key: str, window_start: int, period: int) -> int:
    name = f"loket:rate:{key}:{window_start}"
    cache.add(name, 0, timeout=period * 2)
    return int(cache.incr(name))


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
