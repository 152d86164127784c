"""System checks that speak only when asked: by `loket check`, not before every command.

Django runs every registered check before most management commands, so a warning about
data an administrator has to act on (the holiday calendar's estimated dates) would sit
above the output of `loket worker`, `loket migrate` and the rest, where nobody can act on
it and it hides what the command says. Such a check is registered through `when_asked`:
it runs in `loket check` (this app overrides Django's `check` command to ask) and stays
silent elsewhere. Where the same facts matter day to day, the app shows them itself (the
console's home page for administrators and supervisors).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.checks import CheckMessage

Check = Callable[..., Sequence[CheckMessage]]

_asked: ContextVar[bool] = ContextVar("loket_checks_asked", default=False)


def when_asked(check: Check) -> Check:
    """`check`, answering only inside `asking()` (register the result, call `check` directly)."""

    @functools.wraps(check)
    def only_when_asked(app_configs: Any = None, **kwargs: Any) -> Sequence[CheckMessage]:
        if not _asked.get():
            return []
        return check(app_configs=app_configs, **kwargs)

    return only_when_asked


@contextmanager
def asking() -> Iterator[None]:
    """Run the checks registered through `when_asked` too (what `loket check` does)."""
    token = _asked.set(True)
    try:
        yield
    finally:
        _asked.reset(token)
