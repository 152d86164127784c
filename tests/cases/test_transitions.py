"""Every pair of states: legal moves succeed and are recorded, all others are refused,
whether they come from code or the command line; the admin changes no state."""

import pytest
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


def test_the_admin_never_changes_a_case_state(admin_client):
    """State changes go through the guarded workflow in the console, not the admin."""
    case = make_case(state=State.QUEUED, docs=())
    before = case.events.count()
    form = {"kode_kecamatan": case.kode_kecamatan, "move_to": "in_review", "state": "approved"}
    response = admin_client.post(f"/admin/cases/case/{case.pk}/change/", form)
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == State.QUEUED
    assert case.events.count() == before
    assert not Approval.objects.exists() and not Booking.objects.exists()
