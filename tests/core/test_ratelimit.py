"""Fixed-window limits counted in a store every process shares (database, or Redis)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches

from loket.core import ratelimit
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


@pytest.fixture
def redis_store(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"loket-test-{dt.datetime.now().timestamp()}",
        }
    }
    yield
    caches["default"].clear()


@time_machine.travel(NOON, tick=False)
def test_with_redis_the_count_is_kept_in_redis_not_the_database(redis_store):
    verdicts = [ratelimit.hit("verify:10.0.0.1", limit=2) for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert RateCount.objects.count() == 0


def test_a_dead_store_lets_the_request_through(settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    verdict = ratelimit.hit("verify:10.0.0.1", limit=0)
    assert verdict.allowed
    assert "rate limit store unavailable" in caplog.text
    assert "10.0.0.1" not in caplog.text
