"""Every pair of states: legal moves succeed and are recorded, all others are refused,
whether they come from code or the command line; the admin changes no state."""

import pytest
from django.core.management import CommandError, call_command

from loket.cases.models import TRANSITIONS, IllegalTransition, State
from tests.console.builders import make_case

pytestmark = pytest.mark.django_db

PAIRS = [(a, b) for a in State for b in State]


@pytest.mark.parametrize("start,target", PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_each_transition_is_allowed_exactly_when_the_workflow_says(start, target):
    case = make_case(state=start, docs=())
    before = case.events.count()
    if target in TRANSITIONS[start]:
        case.move_to(target, source="console")
        case.refresh_from_db()
        assert case.state == target
        assert case.events.count() == before + 1
    else:
        with pytest.raises(IllegalTransition, match=f"tidak dapat diubah menjadi '{target.label}'"):
            case.move_to(target, source="console")
        case.refresh_from_db()
        assert case.state == start
        assert case.events.count() == before


def test_the_command_line_moves_a_case_legally_and_refuses_an_illegal_move(capsys):
    case = make_case(state=State.QUEUED, docs=())
    call_command("case", "move", case.request_number, "in_review", "--note", "dari terminal")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert case.events.last().source == "cli"
    with pytest.raises(CommandError, match="tidak dapat diubah menjadi 'Sudah diambil'"):
        call_command("case", "move", case.request_number, "collected")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW


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
