"""What an event says about a case. Personal data (NIK/KK, the request's fields with names)
only for a `personal` subscription while `LOKET_API_PERSONAL_DATA` is on; otherwise the
number masked as the console lists show it (`loket.domain.masking`) and no names."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings

from loket.cases.models import Case
from loket.domain.masking import mask_number
from loket.regions.names import region_names


def personal_allowed() -> bool:
    return bool(settings.LOKET_API_PERSONAL_DATA)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _envelope(event: str, event_id: uuid.UUID, occurred_at: dt.datetime, office_code: str) -> dict:
    return {
        "event": event,
        "event_id": str(event_id),
        "occurred_at": stamp(occurred_at),
        # The office (regency/city code) the case or subscription belongs to (docs/offices.md).
        "office_code": office_code,
    }


def case_body(
    event: str,
    event_id: uuid.UUID,
    case: Case,
    *,
    occurred_at: dt.datetime,
    change: dict | None,
    personal: bool,
    kecamatan_name: str = "",
) -> dict:
    body = _envelope(event, event_id, occurred_at, case.office.code)
    body["case"] = {
        "number": case.request_number,
        "service": case.service,
        "state": case.state,
        "kecamatan": {"code": case.kode_kecamatan, "name": kecamatan_name},
        "created_at": stamp(case.created_at),
        "state_changed_at": stamp(case.state_changed_at),
        "subject_masked": mask_number(case.subject),
    }
    if change is not None:
        body["change"] = change
    if personal:
        body["personal"] = {"subject": case.subject, "fields": dict(case.fields or {})}
    return body


def kecamatan_name(case: Case) -> str:
    return region_names([case.kode_kecamatan]).get(case.kode_kecamatan, "")


def ping_body(
    event_id: uuid.UUID, occurred_at: dt.datetime, subscription_name: str, office_code: str
) -> dict:
    body = _envelope("ping", event_id, occurred_at, office_code)
    body["subscription"] = subscription_name
    return body
