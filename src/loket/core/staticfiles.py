"""Static files: hashed names (cached for a year by browsers) and pre-compressed copies
(brotli and gzip, written by whitenoise at `collectstatic`, which `loket serve` runs).

Only the hashed copies are compressed (pages name nothing else once collected), and a
hashed copy already compressed by an earlier `collectstatic` is left alone: its name is its
content. So `loket serve` starts in about a second after the first time, not ten (brotli at
its best level on plotly.js alone takes seconds).

Where `collectstatic` has not run (the test client, `loket` commands, a development shell)
there is no manifest: a page names its files by their plain names and whitenoise serves
them from the apps' static folders (WHITENOISE_USE_FINDERS), uncompressed, instead of
failing with "Missing staticfiles manifest entry".
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: no manifest, or a file added since
            return name

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        hashed = set(self.hashed_files.values())
        todo = [path for path in paths if path in hashed and not self._compressed(path)]
        yield from super().compress_files(todo)

    def _compressed(self, path: str) -> bool:
        full = self.path(path)
        return all(os.path.exists(full + suffix) for suffix in (".gz", ".br"))
