"""The log lines as Loket's own console handler writes them (filter and formatter included).

`captured_logs()` points the handler configured in `settings.LOGGING` at a buffer, in the
JSON format, with the root logger at DEBUG, and gives back the parsed lines.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator

from loket.core.logs import JsonFormatter, StderrHandler


@contextlib.contextmanager
def captured_logs() -> Iterator[list[dict]]:
    root = logging.getLogger()
    handler = next(h for h in root.handlers if h.name == "console")
    assert isinstance(handler, StderrHandler)
    buffer = io.StringIO()
    # Pinned directly, not through setStream(): that flushes the old stream. Put back as it
    # was (None: following sys.stderr), not pinned to the stderr of this moment.
    old_stream, old_formatter, old_level = handler.pinned, handler.formatter, root.level
    handler.stream = buffer
    handler.setFormatter(JsonFormatter())
    root.setLevel(logging.DEBUG)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        handler.stream = old_stream
        handler.setFormatter(old_formatter)
        root.setLevel(old_level)
        lines.extend(json.loads(line) for line in buffer.getvalue().splitlines() if line.strip())
