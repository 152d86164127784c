"""Case actions through the API: the console's workflow and guards, write scope only,
audited with the token's name, the wrong state a 409 problem."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from loket.cases.models import CaseEvent, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import AuditEntry
from loket.scheduling.models import HandOver
from tests.api.conftest import assert_problem
from tests.console.builders import KEC_B, make_case
from tests.scheduling import builders

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
HAND_OVER = {"relation": "orang_tua", "recipient_name": "Ibu Siti", "identity_document": "KTP-el"}


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def test_approve_goes_through_the_guard_books_and_is_audited(writer):
    case = builders.case("KIA")
    response = writer.post(f"/api/v1/cases/{case.pk}/approve")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.APPROVED
    case.refresh_from_db()
    assert case.bookings.filter(status="active").exists()  # scheduling booked the pickup
    assert CaseEvent.objects.filter(case=case, to_state=State.APPROVED, source="api").exists()
    assert AuditEntry.objects.get(action="api_approve", case=case).detail == "token=writer"


def test_approve_refused_by_the_guard_is_409_with_the_reasons(writer):
    case = builders.case("KIA", complete=False)
    body = assert_problem(writer.post(f"/api/v1/cases/{case.pk}/approve"), 409, "approval-refused")
    assert body["reasons"]
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
    assert AuditEntry.objects.filter(action="api_approve_refused", case=case).exists()


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("approve", None),
        ("reject", {"reason": "Data tidak cocok", "instead": "Datang ke kantor"}),
        ("correction", {"items": [{"label": "kk", "reasons": ["buram"]}]}),
        ("printed", None),
        ("hand-over", HAND_OVER),
    ],
)
def test_an_action_on_a_case_in_the_wrong_state_is_409_and_changes_nothing(writer, action, body):
    case = make_case(state=State.COLLECTED)
    assert_problem(writer.post(f"/api/v1/cases/{case.pk}/{action}", body), 409, "conflict")
    case.refresh_from_db()
    assert case.state == State.COLLECTED


@pytest.mark.parametrize("action", ["approve", "reject", "correction", "printed", "hand-over"])
def test_a_read_token_may_not_act(reader, action):
    case = builders.case("KIA")
    body = {"reason": "a", "instead": "b", "items": [{"label": "kk", "reasons": ["buram"]}], **HAND_OVER}
    assert_problem(reader.post(f"/api/v1/cases/{case.pk}/{action}", body), 403, "insufficient-scope")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW


def test_reject_tells_the_resident_and_is_audited(writer):
    case = builders.case("KIA")
    response = writer.post(f"/api/v1/cases/{case.pk}/reject", {"reason": "Data beda", "instead": "Ke kantor"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == State.REJECTED
    assert OutboundMessage.objects.filter(resident=case.resident, text__contains="Data beda").exists()
    assert AuditEntry.objects.filter(action="api_reject", case=case, detail="token=writer").exists()


def test_reject_without_a_reason_is_422(writer):
    case = builders.case("KIA")
    assert_problem(
        writer.post(f"/api/v1/cases/{case.pk}/reject", {"reason": "", "instead": ""}), 422, "validation-error"
    )


def test_correction_sends_the_case_back(writer):
    case = builders.case("KIA")
    body = {"items": [{"label": "kk", "reasons": ["buram"]}], "note": "Foto ulang KK"}
    assert writer.post(f"/api/v1/cases/{case.pk}/correction", body).status_code == 200
    case.refresh_from_db()
    assert case.state == State.NEEDS_CORRECTION
    assert AuditEntry.objects.get(action="api_correction", case=case).detail == "token=writer kk"


def test_correction_with_an_unknown_reason_is_422(writer):
    case = builders.case("KIA")
    body = {"items": [{"label": "kk", "reasons": ["jelek"]}]}
    assert_problem(writer.post(f"/api/v1/cases/{case.pk}/correction", body), 422, "validation-error")


def test_printed_then_hand_over_then_not_twice(writer):
    case = builders.case("KIA")
    assert writer.post(f"/api/v1/cases/{case.pk}/approve").status_code == 200
    assert_problem(
        writer.post(f"/api/v1/cases/{case.pk}/hand-over", HAND_OVER), 409, "conflict"
    )  # not printed
    response = writer.post(f"/api/v1/cases/{case.pk}/printed")
    assert response.json()["state"] == State.READY_FOR_PICKUP
    assert_problem(writer.post(f"/api/v1/cases/{case.pk}/printed"), 409, "conflict")
    response = writer.post(f"/api/v1/cases/{case.pk}/hand-over", HAND_OVER)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.COLLECTED
    assert HandOver.objects.get(case=case).recipient_name == "Ibu Siti"
    assert_problem(writer.post(f"/api/v1/cases/{case.pk}/hand-over", HAND_OVER), 409, "conflict")
    actions = set(AuditEntry.objects.filter(case=case).values_list("action", flat=True))
    assert {"api_approve", "api_mark_printed", "api_hand_over"} <= actions


def test_a_write_token_of_another_kecamatan_cannot_act(make_token):
    case = builders.case("KIA")
    _, client = make_token("elsewhere", "write", kecamatan=[KEC_B])
    assert case.kode_kecamatan != KEC_B
    assert_problem(client.post(f"/api/v1/cases/{case.pk}/approve"), 404, "not-found")
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW
