"""What the pre-check read is personal data of the document's kind: purged with its file
(retention or erasure), never kept once the document is purged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loket.cases.models import Case, State
from loket.precheck.models import DocumentReading
from loket.privacy import retention
from tests.console.builders import make_case
from tests.precheck.builders import documents_of, read

pytestmark = pytest.mark.django_db


def read_all(case) -> None:
    for doc in documents_of(case).values():
        read(doc, kind="kk", numbers=[case.subject])


def test_readings_go_with_the_files_when_the_request_expires(settings):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 90
    closed = make_case(state=State.CANCELLED)
    open_case = make_case(state=State.QUEUED)
    read_all(closed)
    read_all(open_case)
    Case.objects.filter(pk=closed.pk).update(state_changed_at=timezone.now() - dt.timedelta(days=91))
    dry = retention.purge(dry_run=True)
    assert dry.counts["readings"] == 4
    assert retention.purge().counts["readings"] == 4
    assert not DocumentReading.objects.filter(document__case=closed).exists()
    assert DocumentReading.objects.filter(document__case=open_case).count() == 4
    assert all(doc.purged_at for doc in closed.documents.all())


def test_an_erasure_takes_the_readings(settings):
    case = make_case(state=State.REJECTED)
    other = make_case(state=State.REJECTED)
    read_all(case)
    read_all(other)
    retention.purge(retention.for_residents([case.resident_id]))
    assert not DocumentReading.objects.filter(document__case=case).exists()
    assert DocumentReading.objects.filter(document__case=other).count() == 4


def test_a_deleted_document_takes_its_readings():
    case = make_case(state=State.QUEUED)
    read_all(case)
    case.documents.all().delete()
    assert not DocumentReading.objects.exists()
