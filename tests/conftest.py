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
