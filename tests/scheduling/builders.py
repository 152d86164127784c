"""Builders for scheduling tests: residents, cases in a given state, schedules."""

from __future__ import annotations

import datetime as dt
import itertools

from loket.cases.models import Case, Resident, State, next_request_number
from loket.scheduling.schedules import get_schedule
from tests import approvable

_numbers = itertools.count(1)

NAMES = {"KIA": "nama", "KTP": "nama", "KK": "nama_kepala_keluarga", "SKPWNI": "nama", "SKDWNI": "nama"}


def resident(n: int | None = None) -> Resident:
    n = next(_numbers) if n is None else n
    obj, _ = Resident.objects.get_or_create(
        channel_number="1001",
        user_id=f"62812{n:08d}",
        defaults={"wa_id": f"62812{n:08d}", "profile_name": "Ibu"},
    )
    return obj


def case(
    service: str = "KIA",
    state: str = State.IN_REVIEW,
    name: str = "SITI AMINAH",
    complete: bool = True,
    **fields,
) -> Case:
    """A request as the channel opens it (parsed data), in `state`; `complete`: with every
    required document and the parent's consent, so the approval guard lets it through."""
    n = next(_numbers)
    columns = approvable.case_fields(
        approvable.request(service, name=name, jenis=fields.pop("jenis", "PEMULA"))
    )
    columns["fields"].update(fields)
    created = Case.objects.create(
        request_number=next_request_number(service, dt.date(2026, 11, 30)),
        resident=resident(n),
        state=state,
        **columns,
    )
    return approvable.make_complete(created) if complete else created


def schedule(key: str = "KIA", **changes):
    obj = get_schedule(key)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj
