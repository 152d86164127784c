"""Settings every cases/console test runs with (imported by their conftest modules).

The secret key and the axes switch come from the environment set by `tests/testenv.py`.
"""

import pytest


@pytest.fixture(autouse=True)
def console_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Password hashing is deliberately slow; the tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
