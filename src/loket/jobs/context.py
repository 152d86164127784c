"""Which job this thread is running, for log lines (`loket.core.logs` reads it).

Plain context variables, no Django: the logging configuration is loaded before the apps.
"""

from __future__ import annotations

from contextvars import ContextVar

current_job: ContextVar[tuple[int, str] | None] = ContextVar("loket_current_job", default=None)
