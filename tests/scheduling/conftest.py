import os

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# pytest-django reads the settings before tests/conftest.py sets LOKET_SECRET_KEY, so
# SECRET_KEY may be empty here; receipts sign tokens and need one.
try:
    settings.SECRET_KEY  # noqa: B018
except ImproperlyConfigured:
    settings.SECRET_KEY = os.environ.get("LOKET_SECRET_KEY") or "test-secret-key-not-for-production"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Receipts are stored as outbox files: keep them out of the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"
