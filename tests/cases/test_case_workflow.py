"""The case state machine: only legal transitions, each one recorded."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from loket.cases.models import Case, IllegalTransition, Resident, State, next_request_number

pytestmark = pytest.mark.django_db


def make_case(subject="3603035512180003", service="KIA", **kwargs):
    resident, _ = Resident.objects.get_or_create(channel_number="1001", user_id="6281200000001")
    number = next_request_number(service, dt.date(2026, 11, 30))
    return Case.objects.create(
        request_number=number, service=service, subject=subject, resident=resident, **kwargs
    )


def test_request_numbers_count_per_service_and_day():
    day = dt.date(2026, 11, 30)
    assert next_request_number("KIA", day) == "KIA-20261130-0001"
    assert next_request_number("KIA", day) == "KIA-20261130-0002"
    assert next_request_number("KK", day) == "KK-20261130-0001"
    assert next_request_number("KIA", dt.date(2026, 12, 1)) == "KIA-20261201-0001"


def test_a_legal_transition_is_recorded():
    case = make_case()
    case.move_to(State.QUEUED, source="channel")
    case.refresh_from_db()
    assert case.state == State.QUEUED
    event = case.events.get()
    assert (event.from_state, event.to_state, event.source) == (
        State.WAITING_DOCUMENTS,
        State.QUEUED,
        "channel",
    )


def test_an_illegal_transition_is_refused_with_a_clear_message():
    case = make_case()
    with pytest.raises(IllegalTransition, match="tidak dapat diubah menjadi 'Disetujui'"):
        case.move_to(State.APPROVED, through=State.APPROVED)
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS
    assert not case.events.exists()


@pytest.mark.parametrize(
    ("target", "action"),
    [
        (State.APPROVED, "loket cases approve"),
        (State.READY_FOR_PICKUP, "Daftar cetak"),
        (State.COLLECTED, "counter"),
    ],
)
def test_a_state_with_its_own_guarded_action_is_never_entered_directly(target, action):
    """Whatever the caller (admin, command line, a script): approval, printing and hand-over
    happen only through their own action, which checks its guard."""
    case = make_case()
    for step in (State.QUEUED, State.IN_REVIEW):
        case.move_to(step)
    Case.objects.filter(pk=case.pk).update(
        state={State.APPROVED: State.IN_REVIEW}.get(target, State.APPROVED)
    )
    with pytest.raises(IllegalTransition, match=action):
        case.move_to(target, source="admin")
    assert not case.events.filter(to_state=target).exists()


def test_closed_cases_never_reopen():
    case = make_case()
    case.move_to(State.CANCELLED)
    for state in State:
        assert not case.can_move_to(state)


def test_one_open_case_per_resident_service_and_subject():
    make_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_case()


def test_a_new_case_may_follow_a_closed_one():
    first = make_case()
    first.move_to(State.CANCELLED)
    second = make_case()
    assert second.is_open
