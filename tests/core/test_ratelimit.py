"""Fixed-window limits counted in a store every process shares (database, or Redis)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import OperationalError

from loket.core import ratelimit, redisstore
from loket.core.models import RateCount

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 7, 5, 0, 5, tzinfo=dt.UTC)


@time_machine.travel(NOON, tick=False)
def test_hits_within_the_limit_pass_and_the_next_is_refused_until_the_window_ends():
    verdicts = [ratelimit.hit("verify:10.0.0.1", limit=3) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].count == 4 and verdicts[-1].retry_after == 55
    assert ratelimit.hit("verify:10.0.0.2", limit=3).allowed  # another client has its own count
    with time_machine.travel(NOON + dt.timedelta(seconds=60), tick=False):
        assert ratelimit.hit("verify:10.0.0.1", limit=3).allowed  # a new window


def test_windows_that_ended_long_ago_are_swept_when_a_new_one_starts():
    with time_machine.travel(NOON, tick=False):
        ratelimit.hit("verify:10.0.0.1", limit=3)
    with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
        ratelimit.hit("verify:10.0.0.9", limit=3)
    assert list(RateCount.objects.values_list("key", flat=True)) == ["verify:10.0.0.9"]


def test_a_period_longer_than_the_sweep_is_refused():
    with pytest.raises(ValueError):
        ratelimit.hit("x", limit=1, period=2 * 3600)


@time_machine.travel(NOON, tick=False)
def test_with_redis_the_count_is_kept_in_redis_not_the_database(redis_store):
    verdicts = [ratelimit.hit("verify:10.0.0.1", limit=2) for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert RateCount.objects.count() == 0


def test_a_refused_redis_falls_back_to_the_database_and_still_limits(settings, caplog, monkeypatch):
    monkeypatch.setattr(redisstore, "_last_warning", float("-inf"))  # no outage seen before
    settings.REDIS_URL = "redis://127.0.0.1:1/13"  # nothing listens on port 1: refused
    verdicts = [ratelimit.hit("verify:10.0.0.1", limit=1) for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, False, False]  # the gate stays closed
    assert RateCount.objects.get(key="verify:10.0.0.1").count == 3  # counted in the database
    assert caplog.text.count("redis unavailable for rate limits") == 1  # once per outage
    assert "10.0.0.1" not in caplog.text


@time_machine.travel(NOON, tick=False)
def test_with_redis_one_count_is_shared_by_concurrent_callers(redis_store):
    """Eight threads, each with its own Redis connection, hit one key 25 times: every hit gets
    its own count (no lost update) and exactly `limit` of them pass."""
    verdicts: list[ratelimit.Verdict] = []
    lock = threading.Lock()

    def hammer():
        mine = [ratelimit.hit("verify:10.0.0.7", limit=150) for _ in range(25)]
        with lock:
            verdicts.extend(mine)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(v.count for v in verdicts) == list(range(1, 201))
    assert sum(v.allowed for v in verdicts) == 150
    assert RateCount.objects.count() == 0
    (name,) = redis_store.scan_iter(match="loket-test-*rate:verify:10.0.0.7:*")
    assert 0 < redis_store.ttl(name) <= 120  # the window's key expires by itself


def test_a_dead_store_lets_the_request_through(settings, caplog, monkeypatch):
    """Redis refused and the database failing too: the request passes, with a warning."""
    settings.REDIS_URL = "redis://127.0.0.1:1/13"

    def database_down(key, window_start):
        raise OperationalError("connection refused")

    monkeypatch.setattr(ratelimit, "_count_in_db", database_down)
    verdict = ratelimit.hit("verify:10.0.0.1", limit=0)
    assert verdict.allowed
    assert "rate limit store unavailable" in caplog.text
    assert "10.0.0.1" not in caplog.text
