"""The SKM report in the console (`/console/skm/`) and its exports; supervisors (the head of
office has a supervisor account) and administrators, limited to their kecamatan."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from loket.console.access import StaffRequest, console_view
from loket.console.models import Role
from loket.survey import exports
from loket.survey.models import Outcome
from loket.survey.report import SERVICE_NAMES, Filters, build

ACTION = "skm"


def _date(text: str | None, default: dt.date) -> tuple[dt.date, bool]:
    try:
        return dt.date.fromisoformat(text or ""), True
    except ValueError:
        return default, not text


def filters_of(request: StaffRequest) -> tuple[Filters, list[str]]:
    """The period, service and outcome asked for (year to date by default), and what was refused."""
    area = frozenset(request.staff.kecamatan or []) or None
    default = Filters.year_to_date(area)
    problems = []
    since, ok_since = _date(request.GET.get("dari"), default.since)
    until, ok_until = _date(request.GET.get("sampai"), default.until)
    if not (ok_since and ok_until):
        problems.append("Tanggal tidak dikenali; dipakai periode awal tahun sampai hari ini.")
        since, until = default.since, default.until
    if until < since:
        problems.append("Tanggal akhir sebelum tanggal awal; keduanya ditukar.")
        since, until = until, since
    service = request.GET.get("layanan", "")
    if service and service not in SERVICE_NAMES:
        problems.append("Layanan tidak dikenali; ditampilkan semua layanan.")
        service = ""
    outcome = request.GET.get("hasil", "")
    if outcome and outcome not in Outcome.values:
        problems.append("Hasil layanan tidak dikenali; ditampilkan semuanya.")
        outcome = ""
    # Staff read their office's surveys; the province monitor every office's figures.
    province = request.staff.role == Role.PROVINCE
    office_id = None if province else request.staff.office_id
    return Filters(since, until, service, outcome, area, office_id, not province), problems


@console_view(ACTION)
def report_page(request: StaffRequest) -> HttpResponse:
    filters, problems = filters_of(request)
    report = build(filters)
    return render(
        request,
        "survey/report.html",
        {
            "report": report,
            "problems": problems,
            "services": SERVICE_NAMES,
            "outcomes": Outcome.choices,
            "query": request.GET.urlencode(),
        },
    )


@console_view(ACTION)
def export(request: StaffRequest, fmt: str) -> HttpResponse:
    filters, _problems = filters_of(request)
    report = build(filters)
    stamp = f"{filters.since:%Y%m%d}-{filters.until:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ikm-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    response["Last-Modified"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response
