"""A resident's file onto a `Document`, through the one check (`loket.domain.files`).

Every path that gives a Document a file (the WhatsApp media download, the demo data) goes
through `check` then `keep` (or its two halves, `store` then `record`): an accepted file is stored as its clean copy (a re-encoded
image, a verified PDF) and counts; anything else is stored as an opaque `.bin` for an
officer, marked REFUSED with its reason, and never counts (`checklist.document_counts`).
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.core.files.base import ContentFile

from loket.cases.models import Document
from loket.domain import files


def limits(*, max_bytes: int | None = None) -> files.Limits:
    """The office's limits (settings); `max_bytes` when a channel's own limit is smaller."""
    configured = files.Limits(
        allowed_types=tuple(settings.LOKET_DOCUMENT_TYPES),
        max_pixels=settings.LOKET_DOCUMENT_MAX_PIXELS,
        max_pdf_pages=settings.LOKET_DOCUMENT_PDF_MAX_PAGES,
        max_bytes=settings.LOKET_DOCUMENT_MAX_MB * files.MB,
    )
    if max_bytes is not None:
        configured = replace(configured, max_bytes=min(configured.max_bytes, max_bytes))
    return configured


def check(data: bytes) -> files.Verdict:
    """The verdict on a file's bytes (CPU work: call it outside any transaction)."""
    return files.check(data, limits())


def keep(document: Document, verdict: files.Verdict, *, stem: str) -> None:
    """Store the verdict's bytes as the document's file and record the verdict (not saved)."""
    record(document, verdict, store(document, verdict, stem=stem))


def store(document: Document, verdict: files.Verdict, *, stem: str) -> str:
    """Write the verdict's bytes to the storage, in the document's folder; the stored name.

    Disk or network work (a bucket answers in tens of milliseconds): the download job calls
    it before taking any row lock, then `record`s the name inside its transaction.
    """
    name = f"{stem}.{verdict.extension}" if verdict.accepted else f"ditolak-{stem}.bin"
    field = document.file.field
    return field.storage.save(
        field.generate_filename(document, name), ContentFile(verdict.data), max_length=field.max_length
    )


def record(document: Document, verdict: files.Verdict, stored_name: str) -> None:
    """The stored file and the verdict on it, on the document (not saved)."""
    document.file.name = stored_name
    document.mime_type = verdict.mime_type[:100]
    document.size = len(verdict.data)
    if verdict.accepted:
        document.refusal, document.refusal_note = "", ""
        if document.status == Document.Status.REFUSED:
            document.status = Document.Status.RECEIVED
    else:
        mark_refused(document, verdict.refusal, verdict.detail)


def mark_refused(document: Document, code: str, note: str) -> None:
    document.status = Document.Status.REFUSED
    document.refusal, document.refusal_note = code, note[:200]
