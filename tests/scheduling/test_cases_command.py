"""`loket cases approve`: the console's approval from the command line."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from loket.cases.models import State

from . import builders

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False)
def test_a_queued_request_is_approved_through_review_and_both_steps_are_recorded():
    case = builders.case("KIA", state=State.QUEUED)
    out = io.StringIO()
    call_command("cases", "approve", case.request_number.lower(), stdout=out)
    case.refresh_from_db()
    assert case.state == State.APPROVED
    assert [(e.from_state, e.to_state, e.source) for e in case.events.all()] == [
        (State.QUEUED, State.IN_REVIEW, "cli"),
        (State.IN_REVIEW, State.APPROVED, "cli"),
    ]
    assert "2026-12-18 pagi" in out.getvalue()
    assert case.approval.source == "cli"


def test_an_unknown_number_or_a_wrong_state_is_a_clear_error():
    with pytest.raises(CommandError, match="No request numbered KIA-1"):
        call_command("cases", "approve", "KIA-1")
    case = builders.case("KIA", state=State.WAITING_DOCUMENTS)
    with pytest.raises(CommandError, match="tidak dapat disetujui"):
        call_command("cases", "approve", case.request_number)
    case.refresh_from_db()
    assert case.state == State.WAITING_DOCUMENTS and not case.events.exists()
