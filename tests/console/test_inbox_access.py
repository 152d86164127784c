"""The inbox's rows of the role × URL matrix (kept apart from test_access_matrix.py):
allowed and inside the area, the page or the action's redirect; outside, 404; role not
allowed, 403; no session, the login page."""

import pytest
from django.core.files.base import ContentFile

from loket.cases.models import Document, State
from loket.channels.whatsapp.models import Conversation
from loket.console.models import Role
from tests.console.builders import JPEG, KEC_A, KEC_B, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db

ROLES = [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER, Role.ADMIN]
READERS = {Role.OFFICER, Role.SUPERVISOR}
# name, method, url pattern ({talk} / {doc} of the inside or outside resident), roles allowed
URLS = [
    ("inbox", "get", "/console/kotak-masuk/", READERS | {Role.ADMIN}),
    ("inbox_handled", "post", "/console/kotak-masuk/percakapan/{talk}/selesai/", READERS),
    ("inbox_document", "get", "/console/kotak-masuk/berkas/{doc}/", READERS),
    ("inbox_file", "post", "/console/kotak-masuk/berkas/{doc}/catat/", READERS),
]


def _side(kecamatan):
    case = make_case(state=State.IN_REVIEW, kecamatan=kecamatan)
    talk = Conversation.objects.create(resident=case.resident, needs_officer=True)
    doc = Document(resident=case.resident, caption="KK", mime_type="image/jpeg")
    doc.file.save("kk.jpg", ContentFile(JPEG), save=False)
    doc.save()
    return {"case": case, "talk": talk.pk, "doc": doc.pk}


def _world(role):
    person = make_staff(
        f"u-{role}", role, services=["KIA"] if role == Role.OFFICER else [], kecamatan=[KEC_A]
    )
    return person, _side(KEC_A), _side(KEC_B)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,pattern,allowed", URLS, ids=[u[0] for u in URLS])
def test_inbox_role_by_url_inside_and_outside_the_area(client, role, name, method, pattern, allowed):
    person, inside, outside = _world(role)
    sign_in(client, person)
    call = getattr(client, method)
    if "{" not in pattern:
        response = call(pattern)
        if role not in allowed:
            assert response.status_code == 403
            return
        assert response.status_code == 200
        body = response.content.decode()
        assert outside["case"].request_number not in body
        # Administrators never read residents' messages, even inside their area.
        assert (inside["case"].request_number in body) == (role in READERS)
        return
    data = {"case": inside["case"].pk}
    inside_response = call(pattern.format(**inside), data)
    outside_response = call(pattern.format(**outside), {"case": outside["case"].pk})
    if role not in allowed:
        assert (inside_response.status_code, outside_response.status_code) == (403, 403)
        return
    assert inside_response.status_code == (200 if method == "get" else 302)
    assert outside_response.status_code == 404
    assert Conversation.objects.get(pk=outside["talk"]).needs_officer
    assert Document.objects.get(pk=outside["doc"]).case_id is None


@pytest.mark.parametrize("name,method,pattern,allowed", URLS, ids=[u[0] for u in URLS])
def test_without_a_session_every_inbox_url_goes_to_the_login_page(client, name, method, pattern, allowed):
    side = _side(KEC_A)
    response = getattr(client, method)(pattern.format(**side))
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")


def test_an_officer_of_another_service_does_not_see_the_residents_messages(client):
    officer = make_staff("kk-only", Role.OFFICER, services=["KK"], kecamatan=[KEC_A])
    inside = _side(KEC_A)
    sign_in(client, officer)
    assert inside["case"].request_number not in client.get("/console/kotak-masuk/").content.decode()
    assert client.get(f"/console/kotak-masuk/berkas/{inside['doc']}/").status_code == 404
