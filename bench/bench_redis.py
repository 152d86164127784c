"""Redis or the database for the counters every process shares: which is cheaper here?

Times the two mechanisms that can live in either store, one call after another in one
process: a rate-limit hit (`core.ratelimit.hit`, receipt checks) and a send-slot reservation
(`whatsapp.sending.pacing.reserve_slot`, every send). Prints wall and process CPU per call.
On the database of DATABASE_URL (a scratch test database is created and dropped) or, without
it, a scratch SQLite file; Redis at BENCH_REDIS_URL (redis://127.0.0.1:6379/12), keys under a
prefix of this run, deleted afterwards.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/loket python -m bench bench_redis
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid

CALLS = int(os.environ.get("BENCH_CALLS", "2000"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("LOKET_SECRET_KEY", "bench-only-secret")
    if not os.environ.get("DATABASE_URL"):
        os.environ["LOKET_DATA_DIR"] = tempfile.mkdtemp(prefix="loket-bench-")
    else:
        os.environ.setdefault("LOKET_TEST_DB_NAME", "test_loket_redis_bench")
    os.environ.setdefault("LOKET_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _time(call) -> tuple[float, float]:
    """(wall ms, CPU ms) per call, after a short warm-up."""
    for _ in range(50):
        call()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(CALLS):
        call()
    return (time.perf_counter() - wall) / CALLS * 1000, (time.process_time() - cpu) / CALLS * 1000


def main() -> None:
    _setup()
    import redis
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from loket.channels.whatsapp.numbers import register_number
    from loket.channels.whatsapp.sending import pacing
    from loket.core import ratelimit

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    prefix = f"loket-bench-{uuid.uuid4().hex[:8]}:"
    store = redis.Redis.from_url(REDIS_URL)
    try:
        settings.LOKET_WA_RATE_PER_NUMBER = 1_000_000  # slots move, nobody waits
        number, _ = register_number("109000000000099", "6285694012597", ["KIA"])
        rows = []
        for label, url in (("database", ""), ("redis", REDIS_URL)):
            settings.REDIS_URL, settings.LOKET_REDIS_PREFIX = url, prefix
            hit = _time(lambda: ratelimit.hit("verify:203.0.113.9", limit=10**9))
            slot = _time(lambda: pacing.reserve_slot(number))
            rows.append((label, hit, slot))
        print(f"{CALLS} calls each, database: {connection.vendor}, redis: {REDIS_URL}")
        for label, hit, slot in rows:
            print(
                f"{label:8}  rate-limit hit: {hit[0]:.3f} ms wall, {hit[1]:.3f} ms CPU; "
                f"send slot: {slot[0]:.3f} ms wall, {slot[1]:.3f} ms CPU"
            )
    finally:
        for key in store.scan_iter(match=f"{prefix}*"):
            store.delete(key)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
