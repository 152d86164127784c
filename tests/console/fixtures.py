"""Settings every cases/console test runs with (imported by their conftest modules)."""

import os

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

# pytest-django reads the settings before tests/conftest.py sets the environment, so the
# key and the axes switch it means to set are applied here, once for the process.
try:
    django_settings.SECRET_KEY  # noqa: B018 - raises when empty
except ImproperlyConfigured:
    django_settings.SECRET_KEY = os.environ.get("LOKET_SECRET_KEY") or "test-secret-key-not-for-production"
django_settings.AXES_ENABLED = os.environ.get("LOKET_AXES_ENABLED", "0") not in ("0", "false", "")


@pytest.fixture(autouse=True)
def console_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Password hashing is deliberately slow; the tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
