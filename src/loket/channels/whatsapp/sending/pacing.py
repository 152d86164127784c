"""Pacing: Meta's pair rate limit per resident, one shared send slot per office number, backoff."""

from __future__ import annotations

import datetime as dt
import random
import time

from django.conf import settings
from django.db import connection
from redis.commands.core import Script

from loket.channels.whatsapp.models import OutboundMessage, PhoneNumber
from loket.core import redisstore
from loket.core.rows import db_time, read_column

PAIR_STRIKE_CAP = 256.0  # seconds: 4^n backoff for Meta's pair rate limit, 1, 4, 16, 64, 256

_RECENT_ATTEMPTS = (
    f"SELECT last_attempt_at FROM {OutboundMessage._meta.db_table} "  # noqa: S608 - our table
    "WHERE resident_id = %s AND last_attempt_at > %s AND id <> %s ORDER BY last_attempt_at DESC LIMIT %s"
)


def pair_wait(message: OutboundMessage, now: dt.datetime) -> float:
    """Seconds until one more message to this resident keeps within the pair rate limit."""
    burst = settings.LOKET_WA_PAIR_BURST
    window = dt.timedelta(seconds=settings.LOKET_WA_PAIR_WINDOW_SECONDS)
    # Once per send: written out, not built by the ORM.
    recent = read_column(_RECENT_ATTEMPTS, [message.resident_id, db_time(now - window), message.pk, burst])
    if len(recent) < burst:
        return 0.0
    return max(0.0, (recent[-1] + window - now).total_seconds())


# The same move in Redis, one atomic script: the slot as text (a Lua number returned as a
# reply would lose its fraction), kept a minute past its time.
_RESERVE_LUA = """
local slot = tonumber(redis.call('GET', KEYS[1]))
local now = tonumber(ARGV[1])
if slot == nil or slot < now then slot = now end
slot = slot + tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%.6f', slot), 'EX', 60 + math.ceil(slot - now))
return string.format('%.6f', slot)
"""


def reserve_slot(number: PhoneNumber) -> float:
    """Take the number's next send slot; returns the seconds to wait for it.

    One statement, atomic on PostgreSQL and SQLite alike, shared by every worker process:
    the slot moves on by 1/rate from max(now, previous slot). With LOKET_WA_REDIS_SLOTS and
    Redis, the same move in one Redis script; if Redis fails, the database's slot.
    """
    interval = 1.0 / max(1, settings.LOKET_WA_RATE_PER_NUMBER)
    now = time.time()
    if settings.LOKET_WA_REDIS_SLOTS:
        slot = _reserve_in_redis(number, now, interval)
        if slot is not None:
            return max(0.0, slot - interval - now)
    table = PhoneNumber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET send_slot = "  # noqa: S608 - the table name is ours, values are bound
            "CASE WHEN send_slot IS NULL OR send_slot < %s THEN %s ELSE send_slot END + %s "
            "WHERE id = %s RETURNING send_slot",
            [now, now, interval, number.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return 0.0
    return max(0.0, row[0] - interval - now)


_scripts: dict[int, Script] = {}


def _reserve_in_redis(number: PhoneNumber, now: float, interval: float) -> float | None:
    """The number's new slot from Redis, or None without Redis (unset or not answering)."""
    store = redisstore.client()
    if store is None:
        return None
    script = _scripts.get(id(store))
    if script is None:
        script = _scripts[id(store)] = store.register_script(_RESERVE_LUA)
    try:  # EVALSHA, loading the script once per server
        reply = script(keys=[redisstore.key("slot", number.pk)], args=[repr(now), repr(interval)])
    except redisstore.UNAVAILABLE as error:
        redisstore.unavailable("send slots", error)
        return None
    return float(reply)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: seconds first, doubling up to the cap."""
    first, cap = settings.LOKET_WA_RETRY_FIRST_SECONDS, settings.LOKET_WA_RETRY_CAP_SECONDS
    ceiling = min(cap, first * 2 ** max(0, attempts - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)
