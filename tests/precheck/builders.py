"""Readings as the job stores them, built by hand for the console's tests (the engine's own
tests read real images)."""

from __future__ import annotations

from django.utils import timezone

from loket.cases.models import Document
from loket.precheck.models import DocumentReading, file_key

FACE = {"face": True, "colour": True, "sharpness": 420.0, "blurred": False, "background": "merah"}


def read(
    document: Document,
    *,
    kind: str,
    numbers=(),
    readable=True,
    photo=None,
    engine="rapidocr",
    status="done",
    error="",
) -> DocumentReading:
    return DocumentReading.objects.create(
        document=document,
        file_key=file_key(document),
        status=status,
        kind=kind if status == "done" else "",
        numbers=list(numbers),
        engine=engine if status == "done" else "",
        seconds=0.8,
        readable=readable,
        photo=photo,
        error=error,
        finished_at=timezone.now(),
    )


def documents_of(case) -> dict[str, Document]:
    return {doc.label: doc for doc in case.documents.all()}
