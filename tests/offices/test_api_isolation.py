"""A token of office A never reaches office B through the REST API (issue 16, with 17).

Every API operation (`api_walk.API_WALK`, counted as walked by `test_isolation`'s
completeness test) is asked with read and write tokens of office A, personal included,
about office B's cases and documents: 404 for B's objects, nothing of B in lists or
figures, B's cases unchanged. A's own token does see A's rows (the walk is not vacuous).
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from loket.api.tokens import issue
from tests.offices.api_walk import API_WALK
from tests.offices.paths import API
from tests.offices.world import two_offices

BODIES = {
    "api:correction": {"items": [{"label": "akta", "reasons": []}], "note": "Foto buram."},
    "api:reject_case": {"reason": "Bukan warga.", "instead": "Ajukan di domisili."},
    "api:hand_over": {"relation": "pemohon", "recipient_name": "Orang B", "identity_document": "KTP-el"},
}


@pytest.fixture
def offices(db):
    return two_offices()


def _ask(client, token: str, name: str, method: str, path: str):
    headers = {"Authorization": f"Bearer {token}"}
    if method == "post":
        return client.post(path, BODIES.get(name, {}), content_type="application/json", headers=headers)
    return client.get(path, headers=headers)


@override_settings(LOKET_API_PERSONAL_DATA=True)
@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_token_of_office_a_never_reaches_office_b(client, offices, scope):
    a, b = offices
    _row, token = issue(name=f"siak-a-{scope}", scope=scope, personal=True, office=a.office)
    states = {case.pk: case.state for case in (b.queued, b.in_review, b.booked)}
    for name, (method, path_of, kind) in API_WALK.items():
        path = path_of(b)
        response = _ask(client, token, name, method, path)
        if kind == "object":
            assert response.status_code == 404, (scope, name, path, response.status_code)
            continue
        allowed = (200, 404) if kind == "free" else (200, 403)
        assert response.status_code in allowed, (scope, name, path, response.status_code)
        assert response.status_code < 500, (scope, name, path)
        body = response.content.decode("utf-8", errors="replace")
        leaked = [marker for marker in b.markers if marker in body]
        assert not leaked, (scope, name, leaked)
    for case in (b.queued, b.in_review, b.booked):
        case.refresh_from_db()
        assert case.state == states[case.pk], (scope, case.request_number)


def test_the_same_paths_serve_office_a_its_own_rows(client, offices):
    a, b = offices
    _row, token = issue(name="siak-a", scope="read", office=a.office)
    listed = client.get("/api/v1/cases?limit=100", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    numbers = {item["request_number"] for item in listed.json()["items"]}
    assert {a.queued.request_number, a.in_review.request_number, a.booked.request_number} <= numbers
    assert not numbers & {b.queued.request_number, b.in_review.request_number, b.booked.request_number}
    own = client.get(API.case("queued")(a), headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200


def test_a_token_needs_its_office_named_when_there_are_several(offices, capsys):
    with pytest.raises(CommandError, match="beberapa kantor"):
        call_command("api", "token", "add", "--name", "tanpa-kantor", "--scope", "read")
    call_command("api", "token", "add", "--name", "kota", "--scope", "read", "--office", "36.71")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("loket_")
