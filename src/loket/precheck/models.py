"""What the pre-check read on each counted document, and each case's summary for the queue.

A reading is personal data (the NIK and KK numbers and names printed on the document): it
lives as long as the document's file, goes with it (`loket.privacy.readings` purges it
before the file; a deleted document row takes its readings along) and is shown only on the
case page, which is audited. Nothing here decides anything: officers read it.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone

from loket.cases.models import Case, Document
from loket.domain.precheck import PhotoQuality, Reading


def file_key(document: Document) -> str:
    """What identifies the file that was read: its sha256 as received, or (files stored by
    the console or the demo, which record none) a digest of its storage name. A resend, or a
    file stored again, has another key and is read again."""
    if document.sha256:
        return document.sha256
    return hashlib.sha256(f"name:{document.file.name}".encode()).hexdigest()


class DocumentReading(models.Model):
    """One reading of one file of a document (unique per document and file)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Belum diperiksa"
        DONE = "done", "Selesai"
        FAILED = "failed", "Gagal dibaca"
        TIMEOUT = "timeout", "Terlalu lama"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="readings")
    file_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    kind = models.CharField(max_length=10, blank=True)  # kk | ktp | akta | photo | unknown
    numbers = models.JSONField(default=list, blank=True)  # 16-digit numbers read (NIK, KK)
    names = models.JSONField(default=list, blank=True)
    engine = models.CharField(max_length=60, blank=True)  # "" = no OCR engine: not checked
    seconds = models.FloatField(null=True, blank=True)
    readable = models.BooleanField(default=False)
    # {"face": bool, "colour": bool, "sharpness": float, "blurred": bool, "background": str}
    photo = models.JSONField(null=True, blank=True)
    # Why a reading failed, fit for an officer and free of personal data.
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "file_key"], name="one_reading_per_document_file")
        ]
        verbose_name = "hasil baca dokumen"
        verbose_name_plural = "hasil baca dokumen"

    def __str__(self) -> str:
        return f"reading #{self.pk} of document {self.document_id}"

    def as_reading(self) -> Reading | None:
        """The domain's `Reading` of a finished reading (None while pending or failed)."""
        if self.status != self.Status.DONE:
            return None
        photo = self.photo or None
        return Reading(
            kind=self.kind or "unknown",  # type: ignore[arg-type]  # stored from a Kind
            numbers=tuple(self.numbers or ()),
            names=tuple(self.names or ()),
            engine=self.engine or None,
            photo=PhotoQuality(
                face=bool(photo["face"]),
                colour=bool(photo["colour"]),
                sharpness=float(photo["sharpness"]),
                blurred=bool(photo["blurred"]),
            )
            if photo
            else None,
            seconds=self.seconds or 0.0,
            readable=self.readable,
        )

    @property
    def background(self) -> str:
        return str((self.photo or {}).get("background") or "")


class CaseCheck(models.Model):
    """A case's pre-check summary, kept so the queue can sort on it (`?urut=cocok`).

    Recomputed by the job `precheck.case` after each reading and after a document of the
    case changes (a label, a resend); the case page computes the checks afresh.
    """

    class Verdict(models.TextChoices):
        MATCH = "match", "Lengkap dan cocok"
        PENDING = "pending", "Belum selesai diperiksa"
        ATTENTION = "attention", "Ada yang berbeda atau tidak terbaca"
        INCOMPLETE = "incomplete", "Belum lengkap"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="precheck")
    verdict = models.CharField(max_length=12, choices=Verdict.choices, default=Verdict.PENDING)
    matches = models.PositiveIntegerField(default=0)
    mismatches = models.PositiveIntegerField(default=0)
    unreadable = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "ringkasan pemeriksaan"
        verbose_name_plural = "ringkasan pemeriksaan"
