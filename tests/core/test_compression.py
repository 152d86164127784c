"""Dynamic responses are gzipped when the client asks (pages, CSV), never photos or PDFs."""

import gzip

import pytest

from loket.cases.models import State
from loket.console.models import Role
from tests.accessibility import photo
from tests.console.builders import add_document, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db


def test_pages_and_csv_are_gzipped_only_for_a_client_that_asks(client):
    supervisor = make_staff("pengawas", Role.SUPERVISOR, services=["KIA"])
    for _ in range(5):
        make_case(state=State.QUEUED)
    sign_in(client, supervisor)
    plain = client.get("/console/antrean/KIA/")
    assert "Content-Encoding" not in plain
    zipped = client.get("/console/antrean/KIA/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    page = gzip.decompress(zipped.content)
    assert b"<h1>Antrean KIA" in page and b"<h1>Antrean KIA" in plain.content
    assert len(zipped.content) < len(page) / 2
    csv = client.get("/console/antrean/KIA/ekspor.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert csv["Content-Encoding"] == "gzip" and b"KIA-" in gzip.decompress(
        b"".join(csv.streaming_content) if csv.streaming else csv.content
    )


def test_a_document_photo_is_sent_as_it_is(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    doc = add_document(case, "kk", content=photo())
    sign_in(client, officer)
    response = client.get(f"/console/permohonan/{case.pk}/dokumen/{doc.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "Content-Encoding" not in response
