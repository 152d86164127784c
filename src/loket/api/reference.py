"""What is not a resident's data: the pickup calendar, regions, and the office's figures
(coverage, service quality, the satisfaction survey), each within the token's area and
services. Any token (`read` or `write`) reads these."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from loket.api import pagination
from loket.api.cases import READ_ERRORS, token_of
from loket.api.problems import Problem
from loket.api.schemas import (
    CoveragePage,
    Day,
    NextPickupOut,
    ProblemOut,
    RegionPage,
    ServiceCode,
    ServiceQualityPage,
    SkmOut,
    WorkingDaysOut,
)
from loket.coverage import figures, service
from loket.regions.models import Region
from loket.scheduling.allocation import available_sessions
from loket.scheduling.approval import plan_for
from loket.scheduling.models import ServiceSchedule
from loket.scheduling.office import office_calendar, today
from loket.scheduling.schedules import DEFAULTS, get_schedule, schedule_key
from loket.survey import report

router = Router(tags=["reference"])
MAX_SPAN_DAYS = 366


def _span(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise Problem("bad-request", "Tanggal akhir harus sama atau setelah tanggal awal.")
    if (end - start).days >= MAX_SPAN_DAYS:
        raise Problem("bad-request", f"Rentang tanggal paling panjang {MAX_SPAN_DAYS} hari.")


@router.get("/calendar/working-days", response={200: WorkingDaysOut, **READ_ERRORS}, summary="Hari kerja")
def working_days(request: HttpRequest, start: Day, end: Day):
    """Hari kerja kantor dari `start` sampai `end` (libur nasional, cuti bersama, penutupan kantor)."""
    _span(start, end)
    days = office_calendar(token_of(request).office_id).working_days(start, end)
    return {"start": start, "end": end, "count": len(days), "days": days}


Jenis = Annotated[str, Field(pattern=r"^(PEMULA|HILANG|RUSAK)$")]


@router.get(
    "/calendar/next-pickup", response={200: NextPickupOut, **READ_ERRORS}, summary="Jadwal berikutnya"
)
def next_pickup(
    request: HttpRequest, service: ServiceCode, start: Day | None = None, jenis: Jenis = "PEMULA"
):
    """Jika permohonan layanan ini disetujui pada `start` (bawaan: hari ini): hari pertama
    pengambilan atau perekaman, dan sesi pertama yang masih ada tempat."""
    token = token_of(request)
    if not token.sees_service(service.value):
        raise Problem("not-found", "Layanan tidak ditemukan.")
    key = schedule_key(service.value, {"jenis": jenis})
    schedule: ServiceSchedule = get_schedule(key, token.office_id)
    calendar = office_calendar(token.office_id)
    begin = start or today()

    class _Probe:  # plan_for reads only the case's service and fields
        def __init__(self) -> None:
            self.service, self.fields = service.value, {"jenis": jenis}
            self.office_id = token.office_id

    plan = plan_for(_Probe(), calendar, begin)  # type: ignore[arg-type]  # a stand-in with the three fields plan_for reads, not a Case
    session = None
    if plan.purpose and plan.earliest is not None:
        found = available_sessions(plan.schedule, plan.purpose, plan.earliest, calendar, limit=1)
        session = {"day": found[0].day, "part": found[0].part} if found else None
    return {
        "service": service.value,
        "schedule": DEFAULTS[key]["label"] if key in DEFAULTS else schedule.key,
        "outcome": schedule.outcome,
        "earliest": plan.earliest,
        "session": session,
    }


class RegionFilters(Schema):
    level: Region.Level | None = None
    parent: Annotated[str, Field(pattern=r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")] | None = None
    cursor: Annotated[str, Field(max_length=200)] | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 200


@router.get("/regions", response={200: RegionPage, **READ_ERRORS}, summary="Wilayah")
def regions(request: HttpRequest, filters: Query[RegionFilters]):
    """Wilayah Kemendagri (provinsi sampai desa/kelurahan) yang dimuat kantor ini."""
    qs = Region.objects.all()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__kode=filters.parent)
    criteria = filters.dict(exclude={"cursor", "limit"})
    rows, following = pagination.page(
        qs.select_related("parent"),
        cursor=filters.cursor,
        limit=filters.limit,
        kind="regions",
        filters=criteria,
    )
    return {
        "items": [
            {"kode": r.kode, "level": r.level, "nama": r.nama, "parent": r.parent.kode if r.parent else ""}
            for r in rows
        ],
        "next": following,
    }


@router.get("/figures/coverage", response={200: CoveragePage, **READ_ERRORS}, summary="Cakupan KIA")
def coverage(request: HttpRequest):
    """Cakupan KIA per kecamatan (periode impor terakhir ditambah kartu yang diserahkan sejak itu)."""
    token = token_of(request)
    items = [
        {
            "kode_kecamatan": c.line.kode_kecamatan,
            "nama": c.line.kecamatan,
            "period": c.period,
            "children": c.line.anak,
            "holders": c.line.pemilik_kia,
            "holders_at_import": c.holders_at_import,
            "collected_since_import": c.collected,
            "coverage_percent": float(c.line.cakupan),
            "rank": c.line.rank,
        }
        for c in figures.current_coverage(token.area)
    ]
    return {"items": items, "next": None}


class Window(Schema):
    start: Day | None = None
    end: Day | None = None


def _window(w: Window, default_days: int = 30) -> tuple[dt.date, dt.date]:
    end = w.end or today()
    start = w.start or end - dt.timedelta(days=default_days - 1)
    _span(start, end)
    return start, end


@router.get(
    "/figures/service-quality", response={200: ServiceQualityPage, **READ_ERRORS}, summary="Mutu layanan"
)
def service_quality(request: HttpRequest, window: Query[Window]):
    """Per layanan: diterima, selesai otomatis, waktu tanggapan dan keputusan (jam kerja), perbaikan."""
    token = token_of(request)
    start, end = _window(window)
    rows = service.by_service(service.Window(start, end), token.area)
    if token.services:
        rows = [r for r in rows if r.service in token.services]  # the total mixes other services
    return {
        "start": start,
        "end": end,
        "items": [{"service": r.service, "values": {k: float(v) for k, v in r.values.items()}} for r in rows],
        "next": None,
    }


def _unit(found: report.Unit) -> dict:
    return {
        "service": found.service,
        "label": found.label,
        "respondents": found.respondents,
        "served": found.served,
        "minimum_sample": found.minimum,
        "ikm": float(found.result.ikm) if found.result else None,
        "grade": found.result.grade.mutu if found.result else None,
        "error": found.error,
    }


class SkmFilters(Window):
    service: ServiceCode | None = None


@router.get("/figures/skm", response={200: SkmOut, **READ_ERRORS, 403: ProblemOut}, summary="Survei kepuasan")
def skm(request: HttpRequest, window: Query[SkmFilters]):
    """Indeks kepuasan masyarakat (SKM, PermenPANRB 14/2017): keseluruhan dan per layanan."""
    token = token_of(request)
    end = window.end or today()
    start = window.start or dt.date(end.year, 1, 1)
    _span(start, end)
    chosen = window.service.value if window.service else ""
    if chosen and not token.sees_service(chosen):
        raise Problem("not-found", "Layanan tidak ditemukan.")
    if not chosen and token.services and len(token.services) == 1:
        chosen = token.services[0]
    elif not chosen and token.services:
        raise Problem(
            "insufficient-scope", "Token ini terbatas pada beberapa layanan: pilih satu dengan ?service=."
        )
    area = frozenset(token.kecamatan) if token.kecamatan else None
    built = report.build(report.Filters(start, end, service=chosen, area=area, office_id=token.office_id))
    return {
        "since": start,
        "until": end,
        "weight": str(built.weight),
        "total": _unit(built.total),
        "items": [_unit(u) for u in built.services],
        "next": None,
    }
