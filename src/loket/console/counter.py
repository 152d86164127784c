"""The counter check-in page and the printing list: the console's pages over scheduling.

They go through the console's access helper (`console_view("pickup")`, cases limited to the
person's area by `cases_for`) and every view and action is written to the console's audit.
They live in the console because the console sits above scheduling (ARCHITECTURE.md); the
public receipt check `/v/<token>` stays in `loket.scheduling.views`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loket.cases.models import IllegalTransition
from loket.console import audit
from loket.console.access import StaffRequest, cases_for, console_view
from loket.domain.calendar import long_date
from loket.domain.checklists import KINDS
from loket.domain.masking import mask_number
from loket.scheduling import pickups, printing
from loket.scheduling.approval import record_recording
from loket.scheduling.counter import HandOverRefused, hand_over
from loket.scheduling.models import Booking, HandOver, Purpose
from loket.scheduling.office import office_calendar, today
from loket.scheduling.receipts import holder_name, mask_name, receipt_facts, token_from_scan, verify


@console_view("pickup")
@require_http_methods(["GET", "POST"])
def counter(request: StaffRequest) -> HttpResponse:
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    context: dict = {"code": code, "relations": HandOver.Relation.choices, "flagged": _flagged(request)}
    if not code:
        context.update(_pickup_list(request))
    if code:
        result = verify(token_from_scan(code))
        context["result"] = result
        if result.receipt is not None:
            booking = result.receipt.booking
            # A receipt for a case outside the person's area is answered as if unknown.
            if not cases_for(request).filter(pk=booking.case_id).exists():
                raise Http404("Permohonan tidak ditemukan.")
            if request.method == "GET":
                audit.record(request, "counter_scan", case=booking.case)
            context.update(receipt_facts(result.receipt))
            context["booking"] = booking
            context["case"] = booking.case
            # Each document gets a `kind_label` for the template (an attribute, not a field).
            documents: list[Any] = list(booking.case.documents.all())
            context["documents"] = documents
            for document in documents:
                kind = KINDS.get(document.label)
                document.kind_label = kind.label if kind else (document.label or "Dokumen")
            context["hand_over"] = (
                HandOver.objects.filter(case=booking.case).select_related("officer").first()
            )
            context["is_appointment"] = booking.purpose == Purpose.APPOINTMENT
        if request.method == "POST" and result.receipt is not None:
            return _counter_action(request, result.receipt, code)
    return render(request, "console/counter.html", context)


def _counter_action(request: StaffRequest, receipt, code: str) -> HttpResponse:
    back = f"{reverse('console:counter')}?{urlencode({'code': code})}"
    case = receipt.booking.case
    try:
        if request.POST.get("action") == "rekam":
            pickup = record_recording(receipt.booking, actor=request.user)
            audit.record(request, "recording_done", case=case, detail=f"booking={pickup.pk}")
            messages.success(
                request, f"Perekaman dicatat. Jadwal ambil kartu: {long_date(pickup.day)} ({pickup.part})."
            )
        else:
            hand_over(
                receipt,
                officer=request.user,
                relation=request.POST.get("relation", ""),
                recipient_name=request.POST.get("recipient_name", ""),
                identity_document=request.POST.get("identity_document", ""),
                identity_number_end=request.POST.get("identity_number_end", ""),
            )
            audit.record(request, "counter_hand_over", case=case)
            messages.success(request, f"Kartu {receipt.booking.case.request_number} sudah diserahkan.")
    except (HandOverRefused, IllegalTransition) as exc:
        messages.error(request, str(exc))
    return redirect(back)


def _pickup_list(request: StaffRequest) -> dict:
    """The day's pickups of the person's area (default today), or a search over every day."""
    day = _list_day(request)
    query = pickups.clean_query(request.GET.get("q", ""))
    bookings = pickups.waiting_bookings(cases_for(request), day=day, query=query)
    page = pickups.page_of(bookings, request.GET.get("halaman"))
    # The query may be a name: the audit keeps only that a search was made.
    audit.record(request, "counter_list", detail="search" if query else f"day={day.isoformat()}")
    return {
        "day": day,
        "day_label": long_date(day),
        "is_today": day == today(),
        "previous_day": _step(day, -1),
        "next_day": _step(day, 1),
        "query": query,
        "page": page,
        "rows": pickups.rows_for(page),
    }


def _list_day(request: StaffRequest) -> dt.date:
    """The day asked for, else today, else (the office is closed today) the next working day."""
    try:
        return dt.date.fromisoformat(request.GET.get("hari") or "")
    except ValueError:
        calendar, now = office_calendar(), today()
        return now if calendar.is_working_day(now) else calendar.next_working_day(now)


def _flagged(request: StaffRequest):
    return Booking.objects.filter(
        status=Booking.Status.ACTIVE, flagged_at__isnull=False, case__in=cases_for(request)
    ).select_related("case")[:50]


def _day(request: StaffRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
    except ValueError:
        return office_calendar().next_working_day(today())


@console_view("pickup")
@require_GET
def printing_list(request: StaffRequest) -> HttpResponse:
    day = _day(request)
    bookings = list(printing.print_list(day, cases_for(request)))
    audit.record(request, "printing_view", detail=f"day={day.isoformat()}")
    for booking in bookings:
        booking.masked_name = mask_name(holder_name(booking.case))
        booking.masked_subject = mask_number(booking.case.subject)
    context = {
        "day": day,
        "day_label": long_date(day),
        "previous": _step(day, -1),
        "next": _step(day, 1),
        "bookings": bookings,
        "to_print": sum(1 for b in bookings if b.case.state == "approved"),
    }
    return render(request, "console/printing.html", context)


def _step(day: dt.date, direction: int) -> dt.date:
    """The working day before or after `day`."""
    calendar = office_calendar()
    candidate = day + dt.timedelta(days=direction)
    for _ in range(366):
        if calendar.is_working_day(candidate):
            return candidate
        candidate += dt.timedelta(days=direction)
    return day + dt.timedelta(days=direction)


@console_view("pickup")
@require_GET
def printing_export(request: StaffRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format tidak dikenal")
    day = _day(request)
    audit.record(request, "export", detail=f"printing day={day.isoformat()} {fmt}")
    if fmt == "xlsx":
        body = printing.export_xlsx(day, cases_for(request))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = printing.export_csv(day, cases_for(request))
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cetak-{day:%Y-%m-%d}.{fmt}"'
    return response


@console_view("pickup")
@require_POST
def printing_mark(request: StaffRequest) -> HttpResponse:
    day = _day(request)
    ids = [int(v) for v in request.POST.getlist("booking") if v.isdigit()]
    batch = printing.mark_printed(day, ids, cases_for(request), actor=request.user)
    if batch is not None:
        for booking in batch.booking_set.select_related("case"):
            audit.record(request, "printing_mark", case=booking.case, detail=f"batch={batch.pk}")
    if batch is None:
        messages.error(request, "Tidak ada kartu yang dipilih, atau semuanya sudah ditandai tercetak.")
    else:
        count = batch.booking_set.count()
        messages.success(
            request, f"{count} kartu ditandai tercetak; pemohon sudah diberi tahu lewat WhatsApp."
        )
    return redirect(f"{reverse('console:printing')}?day={day.isoformat()}")
