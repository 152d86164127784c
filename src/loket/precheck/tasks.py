"""The pre-check jobs: read a counted document (`precheck.document`) and keep its case's
summary (`precheck.case`), off the hot path (autodiscovered by the worker).

A document is read when it *counts* (`cases.checklist.document_counts`: a stored file that
passed the one file check) and is filed to a case, whichever path saved it (the WhatsApp
download, a resend, the console, the village operator's form): a `post_save` receiver here
enqueues the job once the save is committed. The job's key is the document and its file
(`models.file_key`), so a duplicate enqueue is one job and one reading, and a resend (a new
document) or a file stored again is read again.

Each reading runs in a child process (`isolated.run`) bounded by `LOKET_PRECHECK_SECONDS`
(kept well inside the job's 60-second lease) and `LOKET_PRECHECK_MEMORY_MB`; a crash, a
hostile file or a timeout ends as a failed or timed-out reading the case page shows as
"tidak terbaca", never as an exception in the worker. Workers can be given only these
kinds: `loket worker --only precheck.document,precheck.case` (docs/jobs.md).

Nothing here tells the resident anything or changes a case's state.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from loket.cases.checklist import document_counts
from loket.cases.models import Case, Document
from loket.jobs import queue
from loket.jobs.queue import handler
from loket.precheck import isolated
from loket.precheck.checks import summarise
from loket.precheck.models import DocumentReading, file_key

log = logging.getLogger(__name__)

READ_JOB = "precheck.document"
SUMMARY_JOB = "precheck.case"


@receiver(post_save, sender=Document, dispatch_uid="precheck-document-saved")
def document_saved(sender, instance: Document, raw: bool = False, **kwargs) -> None:
    if raw or instance.case_id is None or not document_counts(instance):
        return
    document_id, case_id, key, label = instance.pk, instance.case_id, file_key(instance), instance.label
    transaction.on_commit(lambda: schedule(document_id, case_id, key, label))


def schedule(document_id: int, case_id: int, key: str, label: str) -> None:
    """Enqueue the reading (once per document and file) and the case's summary (once per
    document, file and label: a label changed by an officer recomputes it)."""
    queue.enqueue(READ_JOB, {"document": document_id, "file": key}, key=f"{READ_JOB}:{document_id}:{key}")
    queue.enqueue(
        SUMMARY_JOB, {"case": case_id}, key=f"{SUMMARY_JOB}:{case_id}:{document_id}:{key}:{label}"[:200]
    )


def _failed_for_good(payload: dict, error: str) -> None:
    """The job failed on every attempt (its worker killed each time, a database error): the
    reading says so instead of staying "belum diperiksa" for ever."""
    DocumentReading.objects.filter(
        document_id=int(payload.get("document") or 0),
        file_key=str(payload.get("file") or ""),
        status=DocumentReading.Status.PENDING,
    ).update(
        status=DocumentReading.Status.FAILED,
        error="Pemeriksaan gagal berulang kali.",
        finished_at=timezone.now(),
    )


@handler(READ_JOB, on_failure=_failed_for_good)
def read_document_job(payload: dict) -> str:
    document = Document.objects.filter(pk=payload["document"]).first()
    if document is None or document.case_id is None or not document_counts(document):
        return "gone"  # deleted, unfiled, refused or asked again since: nothing to read
    if file_key(document) != payload["file"]:
        return "superseded"  # its file changed: the new file has its own job
    reading, _ = DocumentReading.objects.get_or_create(document=document, file_key=payload["file"])
    if reading.status != DocumentReading.Status.PENDING:
        return "already"  # a duplicate job, or a rerun after a lost lease: one reading
    with document.file.open("rb") as handle:  # storage errors raise: the queue retries
        data = handle.read(settings.LOKET_DOCUMENT_MAX_MB * 1024 * 1024 + 1)
    outcome = isolated.run(
        data,
        document.mime_type or "application/octet-stream",
        seconds=settings.LOKET_PRECHECK_SECONDS,
        memory_mb=settings.LOKET_PRECHECK_MEMORY_MB,
        engine=settings.LOKET_PRECHECK_OCR,
    )
    fields: dict = {"status": outcome.status, "error": outcome.error[:200], "finished_at": timezone.now()}
    if outcome.reading is not None:
        read = outcome.reading
        photo = read.get("photo")
        fields |= {
            "kind": str(read.get("kind") or "unknown")[:10],
            "numbers": list(read.get("numbers") or []),
            "names": list(read.get("names") or []),
            "engine": str(read.get("engine") or "")[:60],
            "seconds": float(read.get("seconds") or 0.0),
            "readable": bool(read.get("readable")),
            "photo": {**photo, "background": outcome.background} if photo else None,
        }
    DocumentReading.objects.filter(pk=reading.pk, status=DocumentReading.Status.PENDING).update(**fields)
    # Counts and the status only: the numbers read are personal data.
    log.info("precheck document %s: %s", document.pk, outcome.status)
    queue.enqueue(
        SUMMARY_JOB, {"case": document.case_id}, key=f"{SUMMARY_JOB}:{document.case_id}:read:{reading.pk}"
    )
    return outcome.status


@handler(SUMMARY_JOB)
def summarise_case_job(payload: dict) -> str:
    case = Case.objects.filter(pk=payload["case"]).first()
    if case is None:
        return "gone"
    return summarise(case).verdict
