"""The one Redis client of a process, for counters every process shares (LOKET_REDIS_URL).

Unset, `client()` is None and every caller keeps its database path. Set, callers try Redis
first and fall back to their database path when Redis does not answer (refused, timed out,
or any Redis error): a dead Redis neither loses a message nor opens a limit, it only costs
the database statements Redis saved. One warning line per outage, not one per call.
(`docs/operations.md`, *Redis*.)
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from django.conf import settings

log = logging.getLogger(__name__)

# Short timeouts: a Redis that hangs must not hold a reply longer than the database would.
TIMEOUT = 0.5  # seconds, to connect and for each command
QUIET_FOR = 60.0  # seconds between two warnings about the same outage

_clients: dict[str, redis.Redis] = {}
_lock = threading.Lock()
_last_warning = float("-inf")

# Errors that mean "Redis is not there or not well": fall back to the database.
UNAVAILABLE = (redis.RedisError, OSError)


def client() -> redis.Redis | None:
    """This process's client for LOKET_REDIS_URL (thread-safe, pooled), or None when unset."""
    url = settings.REDIS_URL
    if not url:
        return None
    found = _clients.get(url)
    if found is None:
        with _lock:
            found = _clients.get(url) or redis.Redis.from_url(
                url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT, health_check_interval=30
            )
            _clients[url] = found
    return found


def key(*parts: object) -> str:
    """A key under this installation's prefix (LOKET_REDIS_PREFIX), e.g. key("rate", name, window)."""
    return settings.LOKET_REDIS_PREFIX + ":".join(str(part) for part in parts)


def unavailable(what: str, error: BaseException) -> None:
    """Say once per outage that Redis failed and the database stands in (no data, no key)."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= QUIET_FOR:
        _last_warning = now
        log.warning("redis unavailable for %s (%s); using the database", what, type(error).__name__)
