"""Downloading what residents send: media id -> URL -> bytes, checked before we keep them.

Received media ids expire after days and their URLs after minutes, so the worker fetches
at once. The bytes are checked against the sha256 Meta gave, their real type is sniffed
from the bytes themselves (a name or a declared type proves nothing), and each kind has
a size limit (for photos and documents also the office's `LOKET_DOCUMENT_MAX_MB`). What
the bytes are worth as a document is decided afterwards by the one check,
`loket.cases.document_files` (`loket.domain.files`).

Both calls go through the one Graph client (`graph.py`), so its error table decides here as
it does for sends: a refusal that pauses sending (a refused token) is said so on the
`MediaError`, and the download job opens the same incident a send would.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings

from loket.channels.whatsapp import graph
from loket.channels.whatsapp.errors import Action, GraphError

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
# What a refusal of the media lookup means for the file: only these retry (the rest, such as
# an unknown or expired media id, cannot come right by asking again).
RETRYING = frozenset({Action.RETRY, Action.THROTTLE_NUMBER, Action.THROTTLE_RECIPIENT, Action.PAUSE})


class MediaError(Exception):
    """A download that did not give us the file. `permanent`: retrying cannot help.

    `refusal` is the Graph API's error when there was one: its rule says how long to wait
    and whether operations must act (a pausing refusal opens an incident).
    """

    def __init__(self, reason: str, *, permanent: bool = False, refusal: GraphError | None = None) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.refusal = refusal

    @property
    def wait(self) -> float:
        """The least wait the error table asks for before the next try (0: none)."""
        return self.refusal.rule.wait if self.refusal is not None else 0.0


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
    client = graph.client()
    try:
        info = client.media_info(media_id)
    except GraphError as exc:
        raise MediaError(
            f"media info: {exc}"[:300], permanent=exc.action not in RETRYING, refusal=exc
        ) from exc
    url = info.get("url")
    if not url:
        raise MediaError("media info without url")
    try:
        declared = int(info.get("file_size") or 0)
    except (TypeError, ValueError):
        declared = 0  # unreadable: the download's own count decides
    if declared > limit:
        raise TooLarge(limit)
    try:
        data = client.download(str(url), max_bytes=limit)
    except graph.BodyTooLarge:
        raise TooLarge(limit) from None
    except GraphError as exc:
        # The lookup just worked, so a refused download is passing (an expired URL, a hiccup)
        # unless it pauses sending too (a refused token): retry either way.
        raise MediaError(f"download: {exc}"[:300], refusal=exc) from exc
    expected = expected_sha256 or str(info.get("sha256") or "")
    if not digest_matches(data, expected):
        raise MediaError("sha256 mismatch")
    mime, extension = sniff(data)
    return Fetched(data, mime, extension, hashlib.sha256(data).hexdigest())
