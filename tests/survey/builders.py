"""Survey rows and served requests for the report's tests (no conversation)."""

from __future__ import annotations

import datetime as dt
import itertools

from loket.cases.models import CaseEvent, State
from loket.domain.skm import ELEMENTS
from loket.survey.models import Outcome, Status, Survey
from tests.scheduling import builders as case_builders

_keys = itertools.count(1)
DAY = dt.date(2026, 11, 30)
# The reference's worked example (adminduk-domain §4.2): IKM 81.13 with 0.11, 81.94 with 1/9.
EXAMPLE = (
    (4, 3, 3, 4, 3, 4, 4, 3, 3),
    (3, 4, 2, 4, 4, 3, 4, 2, 3),
    (4, 3, 3, 4, 3, 4, 3, 3, 2),
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
)


def survey(answers, *, service="KIA", day=DAY, outcome=Outcome.SERVED, kecamatan="360303", **extra) -> Survey:
    return Survey.objects.create(
        case_key=f"test-{next(_keys)}",
        outcome=outcome,
        service=service,
        kode_kecamatan=kecamatan,
        served_on=day,
        status=Status.COMPLETED,
        expires_at=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC),
        **dict(zip(ELEMENTS, answers, strict=True)),
        **extra,
    )


def example(**kw) -> list[Survey]:
    return [survey(row, **kw) for row in EXAMPLE]


def served(count: int, *, service="KIA", at=None, to_state=State.COLLECTED) -> None:
    """`count` residents whose request was handed over (or rejected) on `at`."""
    at = at or dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)
    for _ in range(count):
        case = case_builders.case(service, complete=False)
        CaseEvent.objects.create(case=case, from_state=State.READY_FOR_PICKUP, to_state=to_state, at=at)
