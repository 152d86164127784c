"""The capacity planner page (`/console/coverage/rencana/`): what reaching a coverage
target by a date takes, with what-if inputs that recompute at once (htmx: the form sends
GET requests and swaps in the result) and CSV exports with dot decimals."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from loket.coverage import figures, planner
from loket.coverage.access import CoverageRequest, coverage_view
from loket.coverage.planner_text import assumption_rows, fmt_date, fmt_number
from loket.domain.planning import PlanError

FIELDS = ("target", "by", *planner.OVERRIDES)


def default_by(today: dt.date) -> dt.date:
    """The end of this year, or of the next when this one ends within 60 days."""
    end = dt.date(today.year, 12, 31)
    return end if (end - today).days >= 60 else dt.date(today.year + 1, 12, 31)


def default_target(today: dt.date) -> str:
    target = figures.next_target(today)
    return str(target[1]) if target else "90"


def _kodes(request: CoverageRequest) -> set[str] | None:
    scope = request.coverage_scope
    return None if scope.kecamatan is None else set(scope.kecamatan)


def _compute(request: CoverageRequest) -> dict:
    today = timezone.localdate()
    given = {name: request.GET.get(name, "").strip() for name in FIELDS}
    target = given["target"] or default_target(today)
    context: dict = {"given": given, "target": target, "today": today, "result": None, "error": ""}
    try:
        by = dt.date.fromisoformat(given["by"]) if given["by"] else default_by(today)
    except ValueError:
        context["error"] = "Tanggal target tidak dikenali; pilih tanggal dari kalender."
        context["by"] = default_by(today)
        return context
    context["by"] = by
    overrides = {name: given[name] for name in planner.OVERRIDES}
    try:
        result = planner.build(target, by, today, overrides, _kodes(request))
    except PlanError as exc:
        context["error"] = str(exc)
        return context
    context["result"] = result
    context["assumptions"] = assumption_rows(result)
    context["query"] = urlencode({k: v for k, v in given.items() if v})
    return context


@coverage_view
def plan_page(request: CoverageRequest) -> HttpResponse:
    context = _compute(request)
    export = request.GET.get("format", "")
    if export == "csv" and context["result"] is not None:
        return _csv(context["result"], request.GET.get("part", "ringkasan"))
    view = _page_values(context)
    # htmx restoring a page from history asks for the whole page, not the result.
    if request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request"):
        return render(request, "coverage/planner_result.html", view)
    view["fields"] = _fields(context)
    return render(request, "coverage/planner.html", view)


def _page_values(context: dict) -> dict:
    result = context["result"]
    if result is None:
        return context
    p = result.plan
    bottleneck = p.bottleneck
    context.update(
        {
            "n": {
                key: fmt_number(value)
                for key, value in {
                    "target": p.inputs.target_percent,
                    "children": p.inputs.children,
                    "holders_imported": p.inputs.holders_imported,
                    "holders_loket": p.inputs.holders_loket,
                    "holders": p.inputs.holders,
                    "cards_needed": p.cards_needed,
                    "working_days": p.inputs.working_days,
                    "cards_per_working_day": p.cards_per_working_day,
                    "officers": p.officers,
                    "officer_minutes": p.officer_minutes_per_day_needed,
                    "counter_sessions": p.counter_sessions_per_day,
                    "printing": p.printing_per_day,
                }.items()
            },
            "by_label": fmt_date(result.by),
            "from_label": fmt_date(result.today + dt.timedelta(days=1)),
            "imported_label": fmt_date(timezone.localtime(result.base.imported_at).date()),
            "resources": [
                {
                    "label": r.label,
                    "needed": fmt_number(r.needed),
                    "available": fmt_number(r.available),
                    "load": "tidak tersedia" if r.load is None else fmt_number(r.load * 100, 0) + "%",
                    "short": fmt_number(r.short),
                    "is_bottleneck": bottleneck is not None and r.key == bottleneck.key,
                }
                for r in p.resources
            ],
            "bottleneck": bottleneck,
            "kecamatan": [
                {
                    "name": r.name,
                    "period": r.period,
                    "children": fmt_number(r.children),
                    "holders": fmt_number(r.holders),
                    "gap": fmt_number(r.gap),
                    "cards": fmt_number(r.contribution),
                    "per_day": fmt_number(Fraction(r.contribution, p.inputs.working_days), 1, fixed=True),
                }
                for r in result.kecamatan
            ],
        }
    )
    return context


def _fields(context: dict) -> list[dict]:
    result = context["result"]
    current = result.assumptions if result else {}
    fields = []
    for name, kind in planner.OVERRIDES.items():
        item = current.get(name)
        fields.append(
            {
                "name": name,
                "label": planner.DESCRIPTIONS[name],
                "value": context["given"][name],
                "placeholder": fmt_number(item.value) if item else "",
                "mode": "numeric" if kind == "int" else "decimal",
            }
        )
    return fields


def _dot(value) -> str:
    plain = planner.plain(value)
    return f"{plain:f}" if isinstance(plain, Decimal) else str(plain)


def _csv(result: planner.PlanResult, part: str) -> HttpResponse:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if part == "kecamatan":
        writer.writerow(
            [
                "kode_kecamatan",
                "kecamatan",
                "periode",
                "anak",
                "pemilik_kia",
                "kekurangan",
                "kartu",
                "kartu_per_hari_kerja",
            ]
        )
        days = result.plan.inputs.working_days
        for r in result.kecamatan:
            per_day = (Decimal(r.contribution) / Decimal(days)).quantize(Decimal("0.01"))
            writer.writerow(
                [r.kode, r.name, r.period, r.children, r.holders, r.gap, r.contribution, f"{per_day:f}"]
            )
    else:
        part = "ringkasan"
        record = planner.as_record(result)
        writer.writerow(["nama", "nilai", "sumber", "catatan"])
        for key in (
            "period", "children", "holders_imported", "holders_loket", "holders", "target", "today", "by",
            "cards_needed", "working_days", "cards_per_working_day", "officer_minutes_per_day", "officers",
            "counter_sessions_per_day", "printing_per_day", "bottleneck",
        ):  # fmt: skip
            value = record[key]
            writer.writerow([key, "" if value is None else _dot(value), "hasil", ""])
        for name, item in result.assumptions.items():
            writer.writerow([f"assumptions.{name}", _dot(item.value), item.source, item.note])
    response = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="rencana-{part}-{stamp}.csv"'
    return response
