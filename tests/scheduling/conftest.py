import pytest

from tests.console.fixtures import console_settings  # noqa: F401 - fast hasher for staff accounts


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Receipts are stored as outbox files: keep them out of the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"
