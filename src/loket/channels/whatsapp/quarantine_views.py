"""`/console/karantina/`: administrators review what the worker set aside, and retry or discard it.

The page shows no message content: the reason, the error (exception type and message,
digit runs hidden), where the item sat in its delivery and masked metadata (type, office
number id, the last characters of ids and senders). Viewing, retrying and discarding are
audited like every console action.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from loket.channels.whatsapp import ingest, quarantine
from loket.channels.whatsapp.models import Delivery, QuarantinedItem
from loket.console import audit
from loket.console.access import console_view
from loket.jobs import queue

LIMIT = 200


@console_view("quarantine")
def page(request: HttpRequest) -> HttpResponse:
    audit.record(request, "view_quarantine")
    quarantined = (
        Delivery.objects.filter(quarantined_at__isnull=False)
        .defer("body")
        .annotate(size=Length("body"))
        .order_by("quarantined_at", "pk")[:LIMIT]
    )
    deliveries = [
        {"delivery": d, "size": d.size, "reason": quarantine.reason_label(d.error.split(":", 1)[0])}
        for d in quarantined
    ]
    items = [
        {"item": i, "reason": quarantine.reason_label(i.reason)}
        for i in QuarantinedItem.objects.filter(status=QuarantinedItem.Status.QUARANTINED).order_by(
            "quarantined_at", "pk"
        )[:LIMIT]
    ]
    resolved = QuarantinedItem.objects.exclude(status=QuarantinedItem.Status.QUARANTINED).order_by(
        "-resolved_at", "-pk"
    )[:50]
    context = {"deliveries": deliveries, "items": items, "resolved": resolved, "total": quarantine.count()}
    return render(request, "whatsapp/quarantine.html", context)


@console_view("quarantine")
@require_POST
def retry_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    if not quarantine.retry_delivery(pk):
        raise Http404("Kiriman tidak ada di karantina.")
    audit.record(request, "quarantine_retry", detail=f"delivery={pk}")
    _wake_dispatch()
    messages.success(request, f"Kiriman #{pk} dikembalikan ke antrean. Bila gagal lagi, ia kembali ke sini.")
    return redirect("whatsapp-quarantine")


@console_view("quarantine")
@require_POST
def discard_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    if not quarantine.discard_delivery(pk):
        raise Http404("Kiriman tidak ada di karantina.")
    audit.record(request, "quarantine_discard", detail=f"delivery={pk}")
    messages.success(request, f"Kiriman #{pk} dibuang. Isinya tetap tersimpan untuk pemeriksaan.")
    return redirect("whatsapp-quarantine")


@console_view("quarantine")
@require_POST
def retry_item(request: HttpRequest, pk: int) -> HttpResponse:
    if not QuarantinedItem.objects.filter(pk=pk, status=QuarantinedItem.Status.QUARANTINED).exists():
        raise Http404("Item tidak ada di karantina.")
    again = ingest.retry_item(pk)
    audit.record(
        request, "quarantine_retry", detail=f"item={pk}" + (f" quarantined_again={again.pk}" if again else "")
    )
    if again is None:
        messages.success(request, f"Item #{pk} berhasil dicatat.")
    else:
        messages.error(
            request, f"Item #{pk} gagal lagi ({quarantine.reason_label(again.reason)}); dikarantina lagi."
        )
    return redirect("whatsapp-quarantine")


@console_view("quarantine")
@require_POST
def discard_item(request: HttpRequest, pk: int) -> HttpResponse:
    if quarantine.resolve_item(pk, QuarantinedItem.Status.DISCARDED) is None:
        raise Http404("Item tidak ada di karantina.")
    quarantine.close_if_clear()
    audit.record(request, "quarantine_discard", detail=f"item={pk}")
    messages.success(request, f"Item #{pk} dibuang. Kirimannya tetap tersimpan untuk pemeriksaan.")
    return redirect("whatsapp-quarantine")


def _wake_dispatch() -> None:
    queue.enqueue(ingest.DISPATCH, {}, priority=6, max_attempts=1)
