"""The storage rule (ARCHITECTURE.md): stored files only through Django's storage API.

A filesystem path to a stored file (`.path`, `MEDIA_ROOT`, `MEDIA_URL`) or a storage URL
(`.url` of a file field) works on the media folder and breaks, or leaks, on a bucket.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "loket"
FORBIDDEN = re.compile(
    r"MEDIA_ROOT|MEDIA_URL|\b(?:file|document|stored|fieldfile)\.(?:path|url)\b|storage\.(?:path|url)\("
)


def test_no_code_reaches_a_stored_file_by_path_or_url():
    offenders = []
    for source in SRC.rglob("*.py"):
        if source.name == "settings.py" or "migrations" in source.parts:
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{source.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_no_template_renders_a_stored_files_url():
    offenders = [
        str(t.relative_to(SRC))
        for t in SRC.rglob("*.html")
        if re.search(r"\.(?:file|document)\.url\b", t.read_text(encoding="utf-8"))
    ]
    assert offenders == []
