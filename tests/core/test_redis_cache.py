"""With LOKET_REDIS_URL, Django's cache is Redis (under the installation's key prefix)."""

import json
import os
import subprocess
import sys

from django.core.cache import cache


def _caches_with(env: dict) -> dict:
    code = "import json, loket.settings as s; print(json.dumps(s.CACHES))"
    environment = {**os.environ, "LOKET_SECRET_KEY": "test-only", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)["default"]


def test_the_cache_is_redis_when_a_url_is_set_and_local_memory_otherwise():
    redis = _caches_with({"LOKET_REDIS_URL": "redis://127.0.0.1:6379/3", "LOKET_REDIS_PREFIX": "kota-x:"})
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/3" and redis["KEY_PREFIX"] == "kota-x:cache"
    assert redis["OPTIONS"]["socket_timeout"] <= 1  # a hanging Redis fails fast
    plain = _caches_with({"LOKET_REDIS_URL": ""})
    assert plain["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_django_cache_values_live_in_redis_under_the_prefix(redis_store):
    cache.set("greeting", "halo", timeout=30)
    assert cache.get("greeting") == "halo"
    assert list(redis_store.scan_iter(match="loket-test-*cache*greeting"))
