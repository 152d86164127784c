"""Environment for the test run, loaded with `-p tests.testenv` (pyproject addopts).

A `-p` plugin is imported before pytest-django reads the Django settings, which a
conftest.py is not: settings.py reads these variables at import time.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("LOKET_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("LOKET_AXES_ENABLED", "0")
# Static files are collected (hashed, compressed) by `loket serve` into the data folder; the
# tests' live server serves them from the apps' folders by plain name, so the run must not
# read a manifest a demo left there.
if "LOKET_STATIC_DIR" not in os.environ:
    os.environ["LOKET_STATIC_DIR"] = tempfile.mkdtemp(prefix="loket-static-")
    atexit.register(shutil.rmtree, os.environ["LOKET_STATIC_DIR"], ignore_errors=True)
