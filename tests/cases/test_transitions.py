"""Every pair of states: legal moves succeed and are recorded, all others are refused,
whether they come from code, the command line or the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from loket.cases.models import TRANSITIONS, IllegalTransition, State
from loket.scheduling.models import Approval, Booking
from tests.console.builders import make_case

pytestmark = pytest.mark.django_db

PAIRS = [(a, b) for a in State for b in State]


@pytest.mark.parametrize("start,target", PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_each_transition_is_allowed_exactly_when_the_workflow_says(start, target):
    case = make_case(state=start, docs=())
    before = case.events.count()
    # `through`: as the guarded action of an approval, printing or hand-over would move it.
    if target in TRANSITIONS[start]:
        case.move_to(target, source="console", through=target)
        case.refresh_from_db()
        assert case.state == target
        assert case.events.count() == before + 1
    else:
        with pytest.raises(IllegalTransition, match=f"tidak dapat diubah menjadi '{target.label}'"):
            case.move_to(target, source="console", through=target)
        case.refresh_from_db()
        assert case.state == start
        assert case.events.count() == before


def test_the_command_line_moves_a_case_legally_and_refuses_an_illegal_move(capsys):
    case = make_case(state=State.QUEUED, docs=())
    call_command("case", "move", case.request_number, "in_review", "--note", "dari terminal")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert case.events.last().source == "cli"
    with pytest.raises(CommandError, match="tidak dapat diubah menjadi 'Menunggu dokumen'"):
        call_command("case", "move", case.request_number, "waiting_documents")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW


@pytest.mark.parametrize(
    ("target", "command"),
    [
        ("approved", "loket cases approve"),
        ("ready_for_pickup", "/console/printing/"),
        ("collected", "/console/counter/"),
    ],
)
def test_the_command_line_refuses_states_that_have_their_own_guarded_action(target, command):
    case = make_case(state=State.IN_REVIEW if target == "approved" else State.APPROVED)
    before = case.state
    with pytest.raises(CommandError, match=command):
        call_command("case", "move", case.request_number, target)
    case.refresh_from_db()
    assert case.state == before and not case.events.filter(to_state=target, source="cli").exists()


def test_the_command_line_does_not_queue_an_incomplete_request():
    case = make_case(state=State.WAITING_DOCUMENTS, docs=("kk",))
    for target in ("queued", "in_review"):
        with pytest.raises(CommandError, match="belum lengkap .*Akta kelahiran"):
            call_command("case", "move", case.request_number, target)
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS


def test_the_command_line_names_an_unknown_case():
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("case", "move", "KIA-20990101-0001", "queued")


def _admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "", "sandi-admin-panjang")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return admin


def _admin_form(case, target):
    return {
        "kode_kecamatan": case.kode_kecamatan,
        "kode_desa": "",
        "assigned_to": "",
        "move_to": target,
        "move_note": "lewat admin",
        "events-TOTAL_FORMS": str(case.events.count()),
        "events-INITIAL_FORMS": str(case.events.count()),
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        **{f"events-{i}-id": str(e.pk) for i, e in enumerate(case.events.all())},
        **{f"events-{i}-case": str(case.pk) for i, e in enumerate(case.events.all())},
    }


def test_the_admin_changes_state_through_the_workflow(client):
    _admin_client(client)
    case = make_case(state=State.QUEUED, docs=())
    response = client.post(f"/admin/cases/case/{case.pk}/change/", _admin_form(case, "in_review"))
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert case.events.last().source == "admin"


def test_the_admin_refuses_an_illegal_state_with_a_clear_message(client):
    _admin_client(client)
    case = make_case(state=State.QUEUED, docs=())
    response = client.post(f"/admin/cases/case/{case.pk}/change/", _admin_form(case, "collected"))
    assert response.status_code == 200
    assert "tidak dapat diubah menjadi" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.QUEUED


def test_the_admin_cannot_approve_around_the_guard(client):
    """Whether the admin refuses the move or shows cases read-only, nothing is approved or booked."""
    _admin_client(client)
    case = make_case(state=State.IN_REVIEW, docs=())
    client.post(f"/admin/cases/case/{case.pk}/change/", _admin_form(case, "approved"))
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert not Approval.objects.exists() and not Booking.objects.exists()
