"""Shared test set-up: personas and builders, in the style of healthchecks and temba."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A file-backed SQLite test database without fsync: same locking, a fraction of the I/O.

    The file (not :memory:) keeps real multi-connection locking for the concurrency tests.
    """
    from django.db import connections

    options = connections["default"].settings_dict.get("OPTIONS", {})
    if connections["default"].vendor == "sqlite":
        options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"


@pytest.fixture
def admin_user(db):
    """pytest-django's superuser, with the TOTP device every admin sign-in needs."""
    from tests.admin_helpers import make_superuser

    return make_superuser("admin")


@pytest.fixture
def admin_client(client, admin_user):
    """A client signed in to /admin/ with password AND code (pytest-django's has no second factor)."""
    from tests.admin_helpers import admin_sign_in

    response = admin_sign_in(client, admin_user)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture(autouse=True)
def _regions_after_a_flush(request):
    """Reference regions back in place for a transactional test.

    The regions are reference data a migration loads, present in every real database; a
    transactional test (live server, threads) flushes every table when it ends, so the next
    one would find none (names shown as codes, an operator's area empty). pytest-django runs
    transactional tests last, so only they need this.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from pathlib import Path

        from loket.domain import regions as domain_regions
        from loket.regions.loading import load_regions
        from loket.regions.models import Region, RegionAlias

        if not Region.objects.exists():
            load_regions(
                Region,
                RegionAlias,
                Path(domain_regions.PACKAGED_REGION_FILE),
                domain_regions.PACKAGED_ALIAS_FILE,
            )
    yield


# Redis for the tests: db 13 of 127.0.0.1:6379 (not the default 0 others use), every key
# under a prefix of this run, and only those keys deleted afterwards (never FLUSHDB).
TEST_REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_store(settings):
    """LOKET_REDIS_URL pointing at a real Redis, with a prefix of this test's own. Skips when
    no Redis answers, unless LOKET_REDIS_REQUIRED=1 (set by .ci/run): then it fails."""
    import os
    import uuid

    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        reason = f"no Redis at {TEST_REDIS_URL} ({type(error).__name__})"
        if os.environ.get("LOKET_REDIS_REQUIRED") == "1":
            pytest.fail(f"LOKET_REDIS_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    prefix = f"loket-test-{uuid.uuid4().hex[:12]}:"
    settings.REDIS_URL = TEST_REDIS_URL
    settings.LOKET_REDIS_PREFIX = prefix
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix + "cache",
        }
    }
    store = redis.Redis.from_url(TEST_REDIS_URL)
    yield store
    for key in store.scan_iter(match=f"{prefix}*"):
        store.delete(key)
