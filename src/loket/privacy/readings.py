"""What the document pre-check read (`loket.precheck`: numbers and names printed on a
document) is personal data of the same kind as the document: it goes with the file.

Registered before the files (order 9 < 10): the readings of every document whose file
expires (or is erased on request) go in the same purge, and any reading left on a document
already purged goes too.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from loket.precheck.models import DocumentReading
from loket.privacy import retention
from loket.privacy.case_data import expired_documents
from loket.privacy.retention import Cutoffs, Kind


def expired_readings(limits: Cutoffs) -> QuerySet:
    expiring = expired_documents(limits).values("pk")
    return DocumentReading.objects.filter(Q(document__in=expiring) | Q(document__purged_at__isnull=False))


def remove_readings(qs: QuerySet, limits: Cutoffs) -> int:
    deleted, _ = DocumentReading.objects.filter(pk__in=list(qs.values_list("pk", flat=True))).delete()
    return deleted


retention.register(Kind("readings", "Hasil baca dokumen otomatis", 9, expired_readings, remove_readings))
