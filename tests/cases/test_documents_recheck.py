"""`loket documents recheck`: files stored before the file check existed are judged by it too."""

import io

import pytest
from django.core.management import call_command

from loket.cases.checklist import is_complete
from loket.cases.models import Document, State
from tests import hostile_files as hostile
from tests.console.builders import add_document, make_case

pytestmark = pytest.mark.django_db


def recheck(*args) -> str:
    out = io.StringIO()
    call_command("documents", "recheck", *args, stdout=out)
    return out.getvalue()


def test_a_stored_hostile_file_is_refused_and_stops_counting():
    case = make_case(state=State.WAITING_DOCUMENTS, docs=())
    good = add_document(case, "akta_kelahiran", content=hostile.jpeg())
    pdf = add_document(case, "kk", mime="application/pdf", content=hostile.pdf())
    add_document(case, "ktp_ayah", content=hostile.TEXT)
    bad = add_document(case, "ktp_ibu", mime="image/jpeg", content=hostile.HTML)
    assert is_complete(case)

    assert "2 lolos, 2 akan ditolak" in recheck("--dry-run")
    assert Document.objects.filter(status=Document.Status.REFUSED).count() == 0

    report = recheck()
    assert f"dokumen #{bad.pk} ({case.request_number}): ditolak, type" in report
    assert "2 lolos, 2 ditolak, 0 berkas hilang." in report
    bad.refresh_from_db()
    assert bad.status == Document.Status.REFUSED and "text/html" in bad.refusal_note
    with bad.file.open("rb") as fh:
        assert fh.read() == hostile.HTML  # kept for the officer
    assert not is_complete(case)
    for kept in (good, pdf):
        kept.refresh_from_db()
        assert kept.status == Document.Status.RECEIVED
    assert "0 lolos, 0 ditolak" not in recheck() and "2 lolos, 0 ditolak" in recheck()
