"""The one wrapper of case actions (console/acting.py): an officer acts only on the cases
assigned to them (a supervisor on any); a reply may come from anyone who sees the case;
a refusal goes back to the case page, told, with nothing changed and nothing audited."""

import pytest
from django.contrib.messages import get_messages

from loket.cases.models import Case, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.acting import BUSY
from loket.console.models import AuditEntry, Role
from tests.console.builders import add_document, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db

# url tail, POST data, audit action of a success
ASSIGNEE_ONLY = [
    ("perbaikan/", {"label": "kk", "note": "Foto buram"}, "correction"),
    ("setujui/", {"confirm": "1"}, "approve"),
    ("tolak/", {"reason": "lainnya", "instead": ""}, "reject"),
    ("serahkan/", {"to": "0"}, "hand_over"),
    ("daftar-dokumen/", {"single_parent": "1"}, "checklist"),
    ("dokumen/{doc}/label/", {"label": "kk"}, "label_document"),
]


def someone_elses_case():
    owner = make_staff("pemilik", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=owner, docs=())
    return case, add_document(case, "ktp_ibu")


@pytest.mark.parametrize("tail,data,action", ASSIGNEE_ONLY, ids=[a for _, _, a in ASSIGNEE_ONLY])
def test_an_officer_cannot_act_on_a_colleagues_case(client, tail, data, action):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, officer)
    case, doc = someone_elses_case()
    before = Case.objects.get(pk=case.pk)
    response = client.post(f"/console/permohonan/{case.pk}/" + tail.format(doc=doc.pk), data)
    assert response.status_code == 302 and response["Location"] == f"/console/permohonan/{case.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [BUSY]
    after = Case.objects.get(pk=case.pk)
    assert (after.state, after.assigned_to_id, after.checklist_options) == (
        before.state,
        before.assigned_to_id,
        before.checklist_options,
    )
    doc.refresh_from_db()
    assert doc.label == "ktp_ibu"
    assert not AuditEntry.objects.filter(action=action).exists()


def test_a_supervisor_acts_on_any_case(client):
    supervisor = make_staff("sup", Role.SUPERVISOR)
    sign_in(client, supervisor)
    case, _ = someone_elses_case()
    client.post(f"/console/permohonan/{case.pk}/daftar-dokumen/", {"single_parent": "1"})
    assert Case.objects.get(pk=case.pk).checklist_options == {"single_parent": True}
    assert AuditEntry.objects.filter(action="checklist", case=case).count() == 1


def test_anyone_who_sees_the_case_may_reply(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, officer)
    case, _ = someone_elses_case()
    response = client.post(f"/console/permohonan/{case.pk}/balas/", {"text": "Mohon kirim ulang KK."})
    assert response["Location"] == f"/console/permohonan/{case.pk}/"
    assert OutboundMessage.objects.get(case=case).text == "Mohon kirim ulang KK."
    assert AuditEntry.objects.filter(action="reply", case=case).count() == 1


def test_an_action_answers_only_its_methods_and_only_inside_the_area(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KK"])  # not KIA: the case is not theirs
    sign_in(client, officer)
    case, _ = someone_elses_case()
    assert client.post(f"/console/permohonan/{case.pk}/tolak/", {"reason": "lainnya"}).status_code == 404
    sign_in(client, make_staff("sup", Role.SUPERVISOR))
    assert client.get(f"/console/permohonan/{case.pk}/tolak/").status_code == 405
    assert client.get(f"/console/permohonan/{case.pk}/setujui/").status_code == 200
