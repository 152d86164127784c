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
