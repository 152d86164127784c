"""Shared test set-up: personas and builders, in the style of healthchecks and temba."""

from __future__ import annotations

import os

# Tests sign things (sessions, receipt tokens): give them a key without touching the
# developer's environment. Must run before Django reads its settings.
os.environ.setdefault("LOKET_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("LOKET_AXES_ENABLED", "0")
