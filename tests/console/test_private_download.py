"""One private download view for a case's file and for an unfiled one (console/files.py):
each route serves only its own kind of file, inside the person's area, audited."""

import pytest
from django.core.files.base import ContentFile
from django.urls import resolve

from loket.cases.models import Case, Document, State
from loket.console import files
from loket.console.models import AuditEntry, Role
from tests.console.builders import JPEG, add_document, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, user)
    return user


def unfiled(case: Case) -> Document:
    doc = Document(resident=case.resident, caption="KK", mime_type="image/jpeg")
    doc.file.save("kk.jpg", ContentFile(JPEG), save=False)
    doc.save()
    return doc


def test_both_routes_are_the_one_view():
    assert resolve("/console/permohonan/1/dokumen/2/").func is files.document_file
    assert resolve("/console/kotak-masuk/berkas/2/").func is files.document_file


def test_each_route_serves_only_its_own_kind_of_file(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    filed = add_document(case, "kk", mime="application/pdf", content=b"%PDF-1.4 contoh")
    loose = unfiled(case)
    # A filed file is not reachable as an unfiled one, nor an unfiled one under a case.
    assert client.get(f"/console/kotak-masuk/berkas/{filed.pk}/").status_code == 404
    assert client.get(f"/console/permohonan/{case.pk}/dokumen/{loose.pk}/").status_code == 404
    assert not AuditEntry.objects.filter(action="view_document").exists()

    answer = client.get(f"/console/kotak-masuk/berkas/{loose.pk}/")
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == JPEG
    assert answer["Cache-Control"] == "private, no-store" and answer["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="view_document")
    assert entry.document == loose and entry.case is None


def test_a_case_file_marks_the_case_touched_an_unfiled_one_touches_nothing(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    Case.objects.filter(pk=case.pk).update(last_touched_at=None)
    loose = unfiled(case)
    assert client.get(f"/console/kotak-masuk/berkas/{loose.pk}/").status_code == 200
    assert Case.objects.get(pk=case.pk).last_touched_at is None
    filed = add_document(case, "kk", mime="application/pdf", content=b"%PDF-1.4 contoh")
    assert client.get(f"/console/permohonan/{case.pk}/dokumen/{filed.pk}/").status_code == 200
    assert Case.objects.get(pk=case.pk).last_touched_at is not None


def test_the_counter_sees_a_cases_file_at_pickup_but_never_the_inbox(client):
    counter = make_staff("loket", Role.COUNTER)
    sign_in(client, counter)
    case = make_case(state=State.IN_REVIEW, docs=())
    loose = unfiled(case)
    assert client.get(f"/console/kotak-masuk/berkas/{loose.pk}/").status_code == 403
    assert not AuditEntry.objects.filter(action="view_document").exists()


def test_a_file_whose_bytes_are_gone_is_not_found(client, officer):
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    loose = unfiled(case)
    Document.objects.filter(pk=loose.pk).update(file="")
    assert client.get(f"/console/kotak-masuk/berkas/{loose.pk}/").status_code == 404
