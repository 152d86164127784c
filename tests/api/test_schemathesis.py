"""schemathesis against the live schema, in process (WSGI), with a write token and seeded
cases: no server error, every response as the schema says (status, content type, body).

Budget: MAX_EXAMPLES per operation (14 operations); the whole module takes well under
90 s on SQLite (see the report in docs/api.md). Marked slow; part of `make test`.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from loket.api.tokens import issue
from loket.api.urls import api
from loket.cases.models import State
from tests.console.builders import KEC_A, make_case

MAX_EXAMPLES = 12

# The schema exactly as /api/v1/openapi.json serves it (built here, with no request at
# collection time), run against the WSGI application itself.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
schema.location = "/api/v1/openapi.json"


@pytest.fixture
def seeded(db, settings):
    """A few cases in the states actions take (low ids, which the schema's examples name) and
    a write token with the personal scope (every operation reachable)."""
    settings.LOKET_API_PER_MINUTE = 100_000
    # As Django's test client does: the WSGI handler must not close the test's connection
    # (its transaction holds the seeded cases) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    for state in (State.IN_REVIEW, State.QUEUED, State.APPROVED, State.COLLECTED):
        make_case(state=state, kecamatan=KEC_A, created_at=dt.datetime(2026, 11, 30, 3, tzinfo=dt.UTC))
    _, token = issue(name="schemathesis", scope="write", personal=True)
    yield {"Authorization": f"Bearer {token}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_keeps_its_schema(case, seeded):
    # Identity encoding: the WSGI transport hands schemathesis the bytes as sent, and
    # responses are gzipped for clients that ask (core.compression). A schema-valid cursor
    # string is still not a cursor we made: 400 invalid-cursor is right, so the check that
    # every schema-valid request is accepted does not apply to an opaque token.
    # The real token replaces the generated one; a case generated without the header (to see
    # it refused) stays without.
    headers = {"Accept-Encoding": "identity"}
    if "Authorization" in (case.headers or {}):
        headers.update(seeded)
    case.call_and_validate(
        headers=headers,
        excluded_checks=[checks.positive_data_acceptance],
    )
