"""`loket documents recheck [--dry-run]`: run the file check on documents stored before it existed.

A stored document that counts today but whose bytes the check refuses is marked refused (its
file kept as it is, for an officer); it stops counting, so an incomplete case cannot be
approved on it. Files that pass are left as they are (not re-encoded again).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from loket.cases import document_files
from loket.cases.models import Document
from loket.core.storage import STORAGE_ERRORS


class Command(BaseCommand):
    help = "Re-check stored documents with the file check; refuse those that are not photos/PDFs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        recheck = sub.add_parser("recheck", help="check every counted document's stored bytes")
        recheck.add_argument("--dry-run", action="store_true", help="report only, change nothing")

    def handle(self, *args, action, dry_run=False, **options):
        counted = Document.objects.filter(
            status__in=[Document.Status.RECEIVED, Document.Status.ACCEPTED], refusal=""
        ).exclude(file="")
        passed = refused = missing = 0
        for document in counted.select_related("case").iterator():
            try:
                with document.file.open("rb") as fh:
                    data = fh.read()
            except FileNotFoundError:
                missing += 1
                self.stderr.write(f"dokumen #{document.pk}: berkas tidak ditemukan di penyimpanan")
                continue
            except STORAGE_ERRORS as exc:  # the bucket or disk failing: stop, nothing is judged on it
                raise CommandError(f"Penyimpanan berkas tidak dapat dibaca ({type(exc).__name__}).") from exc
            verdict = document_files.check(data)
            if verdict.accepted:
                passed += 1
                continue
            refused += 1
            where = document.case.request_number if document.case else "belum dicatat"
            self.stdout.write(f"dokumen #{document.pk} ({where}): ditolak, {verdict.refusal}")
            if not dry_run:
                document_files.mark_refused(document, verdict.refusal, verdict.detail)
                document.save(update_fields=["status", "refusal", "refusal_note"])
        verb = "akan ditolak" if dry_run else "ditolak"
        self.stdout.write(f"{passed} lolos, {refused} {verb}, {missing} berkas hilang.")
