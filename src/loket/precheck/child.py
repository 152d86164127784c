"""The child process of `isolated.run`: read one file from stdin, print its reading as JSON.

Runs alone (`python -m loket.precheck.child CONTENT_TYPE MAX_SECONDS ENGINE`),
without Django's settings (the parent passes them), so the worker never loads the OCR
engine or decodes a hostile file itself. On an error it prints only the error's type to
stderr (the message may quote the file), or the one file check's refusal, and exits 2.
"""

from __future__ import annotations

import dataclasses
import json
import sys

from loket.precheck.background import background_colour
from loket.precheck.reading import UnreadableFile, read_document

# How the child marks a reason fit to show as it is (the one file check's refusal).
REFUSED = "refused: "


def _kind(exc: Exception) -> str:
    """The error's type; an extension module that could not be mapped under the memory cap
    (ImportError/OSError "Cannot allocate memory", ENOMEM) is the memory cap too."""
    if isinstance(exc, ImportError | OSError) and "allocate memory" in str(exc):
        return "MemoryError"
    return type(exc).__name__


def main(argv: list[str]) -> int:
    content_type, seconds, engine = argv[0], float(argv[1]), argv[2]
    data = sys.stdin.buffer.read()
    try:
        # The reading's own time budget a little inside the parent's hard limit; its pixel
        # budget is the reading's own (reading.MAX_PIXELS).
        reading = read_document(data, content_type, max_seconds=max(seconds - 1.0, 0.5), engine=engine)
    except UnreadableFile as exc:  # refused by the one file check: its reason names no content
        print(f"{REFUSED}{exc.detail}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - every failure becomes a reason, never a traceback
        print(_kind(exc), file=sys.stderr)
        return 2
    printed: dict = {"reading": dataclasses.asdict(reading)}
    if reading.photo is not None and content_type.startswith("image/"):
        printed["background"] = background_colour(data)
    print(json.dumps(printed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
