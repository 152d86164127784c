"""Where Loket keeps files: the local media folder, or a private S3-compatible bucket.

Every file Loket writes (residents' documents, the receipts and other documents it sends,
the demo's files) goes through Django's default storage (`STORAGES["default"]`: `open`,
`save`, `delete`, `exists`, `size`), never through a filesystem path, so the same code runs
on both. With `LOKET_S3_BUCKET` set, settings.py makes the default storage
`loket.core.s3.PrivateS3Storage` (django-storages over boto3; `LOKET_S3_ENDPOINT_URL` for
MinIO, Ceph or any S3-compatible service; credentials from the standard `AWS_ACCESS_KEY_ID`
/ `AWS_SECRET_ACCESS_KEY`, or an instance role). Objects are private and never get a URL:
an officer receives a file only through the console's audited download view
(`loket.console.files`), streamed through Django.

Streaming rather than redirecting to a presigned URL: each download stays one audited
request that cannot be replayed from a browser's history, the browser never talks to the
bucket (which may sit on a private network), the Content-Security-Policy needs no bucket
origin for the embedded PDF viewer, and our own headers (`nosniff`, `attachment` for a
refused file, `no-store`) always apply. Files are small (at most LOKET_DOCUMENT_MAX_MB) and
held in memory on the way (`max_memory_size`), so passing them through a web worker costs
little and writes nothing to the local disk. See docs/operations.md, "Files on
S3-compatible storage".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.core import checks
from django.core.files.storage import default_storage, storages

from loket.core.checks import when_asked
from loket.jobs import queue

log = logging.getLogger(__name__)

DELETE_FILES = "core.delete_files"

# What a failed storage call raises: OSError on the local disk (missing file, full disk),
# boto's errors from a bucket (endpoint unreachable, request refused, bucket missing).
STORAGE_ERRORS: tuple[type[Exception], ...] = (OSError, BotoCoreError, ClientError)


def delete_files(names: Iterable[str]) -> None:
    """Remove stored files (every FileField of Loket uses the default storage). Called once
    the transaction that dropped their rows has committed (retention purge, erasure); a file
    the storage cannot delete now (a bucket unreachable) is left to a job that retries, so
    personal data does not outlive its row for longer than the outage."""
    left = []
    for name in names:
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS as exc:  # without the name: it names a case, keep logs lean
            log.warning("could not delete a stored file now (%s); a job retries", type(exc).__name__)
            left.append(name)
    if left:
        queue.enqueue(DELETE_FILES, {"names": left}, max_attempts=20)


@queue.handler(DELETE_FILES)
def retry_deletes(payload: dict[str, Any]) -> None:
    """The files an earlier delete could not remove; raises (the job retries with backoff)
    until every one is gone. Deleting a file already gone is no error, so reruns are safe."""
    for name in payload["names"]:
        default_storage.delete(name)


def storage_problem() -> str:
    """Why the configured file storage cannot be used now ("" when it can; the local media
    folder is created on the first write)."""
    backend = storages["default"]
    problem = getattr(backend, "problem", None)
    return str(problem()) if callable(problem) else ""


def file_storage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`loket check`: with LOKET_S3_BUCKET set, the bucket must exist and answer. There is no
    fallback to the local disk: until this passes, residents' files cannot be stored (their
    downloads retry, then fail visibly and are flagged for an officer)."""
    problem = storage_problem()
    if not problem:
        return []
    return [
        checks.Error(
            f"Files cannot be stored: {problem}.",
            hint="Create the bucket (private), or correct LOKET_S3_BUCKET, LOKET_S3_ENDPOINT_URL, "
            "LOKET_S3_REGION and the AWS_* credentials (docs/operations.md, "
            "Files on S3-compatible storage).",
            id="core.E101",
        )
    ]


checks.register(when_asked(file_storage), "loket")
