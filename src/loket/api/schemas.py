"""What the API reads and writes (pydantic, through django-ninja): the OpenAPI schema is
generated from these, so the documentation cannot drift from the code."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field, StringConstraints

from loket.cases.workflow import REASONS
from loket.console.services import SERVICES
from loket.scheduling.models import HandOver

# The services, as declared once (`loket.domain.intake.services`).
ServiceCode = enum.Enum("ServiceCode", {code: code for code in SERVICES}, type=str)  # type: ignore[misc]  # an Enum built from the one service declaration
CorrectionReason = enum.Enum("CorrectionReason", {key: key for key in REASONS}, type=str)  # type: ignore[misc]  # an Enum built from the correction reasons
Relation = enum.Enum("Relation", {value: value for value in HandOver.Relation.values}, type=str)  # type: ignore[misc]  # an Enum built from the model choices

KecamatanCode = Annotated[str, StringConstraints(pattern=r"^\d{2}\.\d{2}\.\d{2}$")]
# Free text from a client: bounded, and never a NUL (PostgreSQL refuses it in text).
Text = Annotated[str, StringConstraints(max_length=1000, pattern=r"^[^\x00]*$")]
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]


def _iso_day(value: object) -> object:
    """Only `YYYY-MM-DD` (pydantic alone would read `0` as 1 January 1970)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("tanggal harus berbentuk YYYY-MM-DD")
    if not isinstance(value, str | dt.date):
        raise ValueError("tanggal harus berbentuk YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_day), Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
CaseId = Annotated[int, Field(ge=1, le=2**53, json_schema_extra={"example": 1})]


class ProblemOut(Schema):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(examples=["urn:loket:problem:not-found"])
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None
    reasons: list[str] | None = None


class CaseItem(Schema):
    id: int
    request_number: str
    service: str
    state: str
    state_label: str
    # NIK or KK number: masked (`3603 •••• •••• 0003`) unless the token has `personal`.
    subject: str
    kode_kecamatan: str
    kode_desa: str
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime
    state_changed_at: dt.datetime


class CasePage(Schema):
    items: list[CaseItem]
    next: str | None


class DocumentOut(Schema):
    id: int
    label: str
    label_name: str
    status: str
    mime_type: str
    size: int
    sha256: str
    created_at: dt.datetime
    purged: bool
    # Present only for a token with `personal` (the file is personal data).
    download: str | None


class EventOut(Schema):
    at: dt.datetime
    from_state: str
    to_state: str
    source: str
    note: str


class CaseDetail(CaseItem):
    # The request's data as the resident sent it: only for a token with `personal`.
    fields: dict[str, Any] | None
    reject_reason: str | None
    documents: list[DocumentOut]
    events: list[EventOut]


class CorrectionItemIn(Schema):
    label: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,30}$")]
    reasons: list[CorrectionReason] = Field(default_factory=list, max_length=len(REASONS))
    note: ShortText = ""


class CorrectionIn(Schema):
    items: list[CorrectionItemIn] = Field(min_length=1, max_length=20)
    note: Text = ""


class RejectIn(Schema):
    reason: Text = Field(min_length=1)
    instead: Text = Field(min_length=1)


class HandOverIn(Schema):
    relation: Relation
    recipient_name: ShortText = Field(min_length=1)
    identity_document: Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[^\x00]*$")]
    identity_number_end: Annotated[str, StringConstraints(max_length=4, pattern=r"^[A-Za-z0-9]*$")] = ""


class ActionOut(Schema):
    id: int
    request_number: str
    state: str
    state_label: str
    detail: str


class WorkingDaysOut(Schema):
    start: dt.date
    end: dt.date
    count: int
    days: list[dt.date]


class SessionOut(Schema):
    day: dt.date
    part: str


class NextPickupOut(Schema):
    service: str
    schedule: str
    outcome: str
    # The first day the outcome may happen if approved on `start` (null: sent over WhatsApp).
    earliest: dt.date | None
    # The first session with room from `earliest` (null: none free within the horizon).
    session: SessionOut | None


class RegionOut(Schema):
    kode: str
    level: str
    nama: str
    parent: str


class RegionPage(Schema):
    items: list[RegionOut]
    next: str | None


class CoverageOut(Schema):
    kode_kecamatan: str
    nama: str
    period: str
    children: int
    holders: int
    holders_at_import: int
    collected_since_import: int
    coverage_percent: float | None
    rank: int | None


class CoveragePage(Schema):
    items: list[CoverageOut]
    next: str | None


class ServiceQualityOut(Schema):
    service: str
    values: dict[str, float]


class ServiceQualityPage(Schema):
    start: dt.date
    end: dt.date
    items: list[ServiceQualityOut]
    next: str | None


class SkmUnitOut(Schema):
    service: str
    label: str
    respondents: int
    served: int
    minimum_sample: int
    ikm: float | None
    grade: str | None
    error: str


class SkmOut(Schema):
    since: dt.date
    until: dt.date
    weight: str
    total: SkmUnitOut
    items: list[SkmUnitOut]
    next: str | None
