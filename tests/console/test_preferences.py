"""A person's own settings: the single-key shortcuts (WCAG 2.1.4) can be turned off, and
stay off for that person only."""

import pytest
from django.test import Client

from loket.console.models import Role, StaffProfile
from tests.console.builders import make_staff, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_role_turns_its_own_shortcuts_off_and_on(client, role):
    person = make_staff("saya", role, services=["KIA"])
    other = make_staff("rekan", Role.OFFICER, services=["KIA"])
    sign_in(client, person)
    page = client.get("/console/pengaturan/").content.decode()
    assert 'data-shortcuts="on"' in page and 'name="shortcuts" value="on" checked' in page

    response = client.post("/console/pengaturan/", {})  # the box unticked: nothing sent
    assert response.status_code == 302 and response["Location"] == "/console/pengaturan/"
    assert StaffProfile.objects.get(user=person).shortcuts is False
    assert StaffProfile.objects.get(user=other).shortcuts is True
    page = client.get("/console/").content.decode()
    assert "data-shortcuts" not in page

    client.post("/console/pengaturan/", {"shortcuts": "on"})
    assert StaffProfile.objects.get(user=person).shortcuts is True


def test_settings_need_a_verified_staff_session():
    anonymous = Client()
    response = anonymous.post("/console/pengaturan/", {"shortcuts": "on"})
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    half = Client()  # password but no second factor
    user = make_staff("setengah", Role.OFFICER)
    half.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert half.post("/console/pengaturan/", {}).status_code == 302
    assert StaffProfile.objects.get(user=user).shortcuts is True


def test_the_case_page_names_its_document_type_controls_and_has_a_skip_link(client):
    from loket.cases.models import State
    from tests.console.builders import make_case

    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    sign_in(client, officer)
    page = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert (
        page.count('<label class="doc-label">Jenis dokumen <select name="label">') == case.documents.count()
    )
    assert 'href="#isi"' in page and '<main id="isi"' in page
