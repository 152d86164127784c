"""Coverage and service dashboards for supervisors and the head of office."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from loket.console.models import Role
from loket.coverage import charts, figures, mapsvg, service, tables
from loket.coverage.access import coverage_view
from loket.coverage.importing import ImportRefused, import_table
from loket.coverage.models import CoverageImport, KecamatanFigure, RegencyFigure, Review
from loket.domain.regions import DATA_DIR

PREVIEW_KEY = "coverage_preview"
MAX_UPLOAD = 5 * 1024 * 1024


def _kodes(request):
    scope = request.coverage_scope
    return None if scope.kecamatan is None else set(scope.kecamatan)


def _window(request) -> service.Window:
    month = request.GET.get("month", "")
    if month:
        try:
            year, mon = (int(x) for x in month.split("-"))
            return service.Window.month(year, mon)
        except ValueError:
            pass
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 730))
    except ValueError:
        days = 30
    return service.Window.last_days(days)


def headline(kodes, backlog=None, current=None) -> dict:
    """The few figures a head of office decides from: backlog and its age, waiting time, the
    coverage with its period and import date, and the gap to the next target."""
    backlog = service.backlog(kodes) if backlog is None else backlog
    window = service.Window.last_days(30)
    rows = service.by_service(window, kodes)
    overall = rows[-1] if rows else None
    truth = figures.coverage_truth(kodes, current)
    return {
        "backlog": backlog,
        "decision_hours": overall.decision_avg if overall else None,
        "first_response_hours": overall.first_response_avg if overall else None,
        "truth": truth,
        "gap": truth.gap if truth else None,
        "stale_months": settings.LOKET_COVERAGE_STALE_MONTHS,
    }


def _sorted(request, table: tables.Table) -> tables.Table:
    key = request.GET.get("sort", "")
    return table.sorted_by(key.lstrip("-"), key.startswith("-"))


@coverage_view
def dashboard(request):
    kodes = _kodes(request)
    current = figures.current_coverage(kodes)
    table = _sorted(request, tables.coverage_table(kodes, current))
    return render(
        request,
        "coverage/dashboard.html",
        {
            "head": headline(kodes, current=current),
            "table": table,
            "sort": request.GET.get("sort", ""),
            "map": mapsvg.coverage_map(current, kodes) if current else None,
            "legend": sorted(current, key=lambda c: c.line.kecamatan),
        },
    )


@coverage_view
def trend(request):
    by_date = None
    if request.GET.get("by"):
        try:
            by_date = dt.date.fromisoformat(request.GET["by"])
        except ValueError:
            messages.error(request, "Tanggal tidak dikenali; pilih tanggal dari kalender.")
    if by_date is not None and by_date <= timezone.localdate():
        messages.error(request, "Tanggal target harus setelah hari ini; pilih tanggal lain.")
        by_date = None
    try:
        year = int(request.GET.get("target", "")) or None
    except ValueError:
        year = None
    projection = figures.projection_view(year, by_date)
    points = figures.trend_points()
    return render(
        request,
        "coverage/trend.html",
        {
            "chart": charts.trend_chart(
                points,
                figures.targets(),
                projection.projection if projection else None,
                projection.base_date if projection else None,
                timezone.localdate(),
            ),
            "table": tables.trend_table(),
            "projection": projection,
            "truth": figures.coverage_truth(),
            "stale_months": settings.LOKET_COVERAGE_STALE_MONTHS,
            "targets": figures.targets(),
            "by": projection.by_date if projection else by_date,
            "today": timezone.localdate(),
        },
    )


@coverage_view
def priorities(request):
    priorities = tables.priorities_table(_kodes(request))
    priorities_rows = list(priorities.rows)
    table = _sorted(request, priorities)
    return render(
        request,
        "coverage/table_page.html",
        {
            "table": table,
            "sort": request.GET.get("sort", ""),
            # The campaign form (loket.outreach) prefilled with the top three kecamatan.
            "campaign_link": "/console/kampanye/?"
            + urlencode([("kecamatan", row["kode_kecamatan"]) for row in priorities_rows[:3]])
            if priorities_rows
            else "",
            "intro": "Urutan menurut jumlah anak yang belum punya KIA, "
            "lalu cakupan terendah: di sini sosialisasi bersama camat dan kepala desa paling berarti.",
        },
    )


def _names_people(request) -> bool:
    """Figures per officer (by name) are their office's to read; the province monitor reads
    every office's figures without any person's name (docs/offices.md)."""
    return request.staff.role != Role.PROVINCE


@coverage_view
def service_quality(request):
    kodes = _kodes(request)
    window = _window(request)
    backlog = service.backlog(kodes)
    return render(
        request,
        "coverage/service.html",
        {
            "window": window,
            "head": headline(kodes, backlog=backlog),
            "service": tables.service_table(window, kodes),
            "backlog": tables.backlog_table(kodes, backlog),
            "no_shows": backlog.no_shows,
            "reasons": tables.reasons_table(window, kodes),
            "officers": tables.officers_table(window, kodes) if _names_people(request) else None,
            "monthly": charts.monthly_chart(service.monthly_received(12, kodes)),
            "query": request.GET.urlencode(),
        },
    )


EXPORTS = {
    "cakupan": lambda request, kodes, window: tables.coverage_table(kodes),
    "prioritas": lambda request, kodes, window: tables.priorities_table(kodes),
    "tren": lambda request, kodes, window: tables.trend_table(),
    "layanan": lambda request, kodes, window: tables.service_table(window, kodes),
    "antrean": lambda request, kodes, window: tables.backlog_table(kodes),
    "petugas": lambda request, kodes, window: tables.officers_table(window, kodes),
    "alasan": lambda request, kodes, window: tables.reasons_table(window, kodes),
}


@coverage_view
def export(request, name: str, fmt: str):
    if (
        name not in EXPORTS
        or fmt not in ("csv", "xlsx")
        or (name == "petugas" and not _names_people(request))
    ):
        raise Http404("Tabel tidak ditemukan.")
    table = EXPORTS[name](request, _kodes(request), _window(request))
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(tables.to_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            tables.to_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


@coverage_view
def monthly_pdf(request):
    from loket.coverage.pdf import monthly_report

    today = timezone.localdate()
    try:
        year, mon = (int(x) for x in request.GET.get("month", f"{today:%Y-%m}").split("-"))
        window = service.Window.month(year, mon)
    except ValueError:
        raise Http404("Bulan tidak dikenali.") from None
    pdf = monthly_report(window, _kodes(request), with_officers=_names_people(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="laporan-kia-{window.start:%Y-%m}.pdf"'
    return response


# --- imports ---------------------------------------------------------------------------
def _regency_wide(request) -> None:
    # Imports replace figures for every kecamatan: only a regency-wide account may.
    if request.coverage_scope.kecamatan is not None:
        raise PermissionDenied("Impor data hanya untuk akun seluruh kabupaten.")


@coverage_view
def imports(request):
    preview = None
    if request.method == "POST":
        _regency_wide(request)
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Pilih berkas CSV atau XLSX dulu.")
        elif upload.size > MAX_UPLOAD:
            messages.error(request, "Berkas terlalu besar (paling besar 5 MB).")
        else:
            content = upload.read()
            period = request.POST.get("period", "").strip() or None
            try:
                result = import_table(
                    content, upload.name, period=period, user=request.user, source="console", preview=True
                )
            except ImportRefused as exc:
                messages.error(request, str(exc))
            else:
                request.session[PREVIEW_KEY] = {
                    "name": upload.name,
                    "period": period,
                    "content": base64.b64encode(content).decode("ascii"),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
                preview = {"result": result, "name": upload.name, "period": period}
    history = CoverageImport.objects.select_related("imported_by").defer("content")[:50]
    return render(request, "coverage/imports.html", {"preview": preview, "history": history})


@coverage_view
@require_POST
def import_confirm(request):
    _regency_wide(request)
    held = request.session.pop(PREVIEW_KEY, None)
    if not held:
        messages.error(request, "Pratinjau sudah tidak ada; unggah berkasnya lagi.")
        return redirect("coverage:imports")
    content = base64.b64decode(held["content"])
    try:
        result = import_table(
            content, held["name"], period=held["period"], user=request.user, source="console"
        )
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("coverage:imports")
    messages.success(request, f"{held['name']} diimpor dengan {len(result.findings)} temuan.")
    return redirect("coverage:import_detail", pk=result.record.pk)


@coverage_view
def import_detail(request, pk: int):
    record = get_object_or_404(CoverageImport.objects.defer("content"), pk=pk)
    # An account limited to some kecamatan (or to one office of several) reads only their
    # rows of the file; the regency's total is for regency-wide accounts.
    kodes = _kodes(request)
    findings, kecamatan_figures = record.findings.all(), record.kecamatan_figures.all()
    regency_figures = record.regency_figures.all()
    if kodes is not None:
        findings = findings.filter(kode_kecamatan__in=kodes)
        kecamatan_figures = kecamatan_figures.filter(kode_kecamatan__in=kodes)
        regency_figures = regency_figures.none()
    flagged_rows = set(findings.exclude(row=None).values_list("row", flat=True))
    return render(
        request,
        "coverage/import_detail.html",
        {
            "record": record,
            "findings": findings,
            "kecamatan_figures": kecamatan_figures,
            "regency_figures": regency_figures,
            "flagged_rows": flagged_rows,
            "reviews": Review,
        },
    )


@coverage_view
@require_POST
def review_figure(request, kind: str, pk: int):
    if kind not in ("kecamatan", "regency"):
        raise Http404
    _regency_wide(request)
    figure: KecamatanFigure | RegencyFigure = (
        get_object_or_404(KecamatanFigure, pk=pk)
        if kind == "kecamatan"
        else get_object_or_404(RegencyFigure, pk=pk)
    )
    decision = request.POST.get("review", "")
    note = request.POST.get("note", "").strip()
    if decision not in (Review.ACCEPTED, Review.EXCLUDED, Review.NONE):
        messages.error(request, "Pilihan tidak dikenali.")
    elif decision == Review.ACCEPTED and not note:
        messages.error(request, "Tulis catatan mengapa angka ini diterima.")
    else:
        figure.review, figure.review_note = decision, note
        figure.reviewed_by, figure.reviewed_at = request.user, timezone.now()
        figure.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])
        messages.success(request, "Tinjauan disimpan.")
    return redirect("coverage:import_detail", pk=figure.source_import_id)


# --- the kecamatan boundaries as data (the dashboard draws its map on the server: mapsvg) ---
@lru_cache(maxsize=1)
def _geojson() -> bytes:
    return (DATA_DIR / "kecamatan_3603.geojson").read_bytes()


def kecamatan_geojson(request):
    response = HttpResponse(_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response
