"""Environment for the test run, loaded with `-p tests.testenv` (pyproject addopts).

A `-p` plugin is imported before pytest-django reads the Django settings, which a
conftest.py is not: settings.py reads these variables at import time.
"""

import os

os.environ.setdefault("LOKET_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("LOKET_AXES_ENABLED", "0")
