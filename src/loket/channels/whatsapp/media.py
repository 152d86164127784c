"""Downloading what residents send: media id -> URL -> bytes, checked before we keep them.

Received media ids expire after days and their URLs after minutes, so the worker fetches
at once. The bytes are checked against the sha256 Meta gave, their real type is sniffed
from the bytes themselves (a name or a declared type proves nothing), and each kind has
a size limit (for photos and documents also the office's `LOKET_DOCUMENT_MAX_MB`). What
the bytes are worth as a document is decided afterwards by the one check,
`loket.cases.document_files` (`loket.domain.files`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

import filetype
import httpx
from django.conf import settings

MB = 1024 * 1024
# Meta's own limits per kind (reference §7); a bigger file cannot be a genuine one.
SIZE_LIMITS = {
    "image": 5 * MB,
    "document": 100 * MB,
    "audio": 16 * MB,
    "video": 16 * MB,
    "sticker": 512 * 1024,
}
MEDIA_TYPES = frozenset(SIZE_LIMITS)
# Downloaded and kept as documents; a sticker is decoration, kept only as the message.
FILE_TYPES = frozenset({"image", "document", "audio", "video"})
# The kinds that may be a checklist document (the others are kept for an officer only).
DOCUMENT_KINDS = frozenset({"image", "document"})
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class MediaError(Exception):
    """A download that did not give us the file. `permanent`: retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class TooLarge(MediaError):
    """The file is over the limit for its kind (`limit`, bytes): refused, and the resident told so."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"file larger than {limit // 1024} KB", permanent=True)
        self.limit = limit


def size_limit(kind: str) -> int:
    """Bytes allowed for a kind: Meta's own limit, and for documents the office's too."""
    limit = SIZE_LIMITS.get(kind, 16 * MB)
    if kind in DOCUMENT_KINDS:
        limit = min(limit, settings.LOKET_DOCUMENT_MAX_MB * MB)
    return limit


@dataclass(frozen=True)
class Fetched:
    data: bytes
    mime_type: str  # sniffed from the bytes
    extension: str
    sha256: str  # hex


def graph_url(*parts: str) -> str:
    return "/".join([settings.LOKET_WA_GRAPH_URL, settings.LOKET_WA_API_VERSION, *parts])


def _headers() -> dict:
    return {"Authorization": f"Bearer {settings.LOKET_WA_ACCESS_TOKEN}"}


def digest_matches(data: bytes, expected: str) -> bool:
    """Meta writes sha256 as hex in one place and base64 in another: accept either."""
    if not expected:
        return True
    digest = hashlib.sha256(data).digest()
    if expected.lower() == digest.hex():
        return True
    try:
        return base64.b64decode(expected, validate=True) == digest
    except (binascii.Error, ValueError):
        return False


def sniff(data: bytes) -> tuple[str, str]:
    """(mime type, extension) from the bytes; plain text is recognised, anything else unknown."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime, kind.extension
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream", "bin"
    return "text/plain", "txt"


def fetch(media_id: str, *, kind: str, expected_sha256: str = "") -> Fetched:
    """Download one received media item, or raise MediaError saying why not."""
    limit = size_limit(kind)
    try:
        with httpx.Client(timeout=TIMEOUT, headers=_headers()) as http:
            meta = http.get(graph_url(media_id))
            if meta.status_code == 401 or meta.status_code == 403:
                raise MediaError(f"token refused ({meta.status_code})")
            if meta.status_code >= 400:
                # 4xx with Meta's error shape: the id is unknown or expired; 5xx: try later.
                raise MediaError(f"media info {meta.status_code}", permanent=400 <= meta.status_code < 500)
            info = meta.json()
            url = info.get("url")
            if not url:
                raise MediaError("media info without url")
            if int(info.get("file_size") or 0) > limit:
                raise TooLarge(limit)
            chunks, size = [], 0
            with http.stream("GET", url) as answer:
                if answer.status_code >= 400:
                    raise MediaError(f"download {answer.status_code}")
                for chunk in answer.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(limit)
                    chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise MediaError(f"network: {type(exc).__name__}") from exc
    except ValueError as exc:
        raise MediaError("media info is not JSON") from exc
    data = b"".join(chunks)
    expected = expected_sha256 or info.get("sha256", "")
    if not digest_matches(data, expected):
        raise MediaError("sha256 mismatch")
    mime, extension = sniff(data)
    return Fetched(data, mime, extension, hashlib.sha256(data).hexdigest())
