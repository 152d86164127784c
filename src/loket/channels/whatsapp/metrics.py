"""The WhatsApp channel's figures for `/metrics`, computed from the database at scrape time.

Registered into `loket.core.metrics` from the app's `ready()`. Labels carry types,
statuses and Meta error codes only, never a phone number, a name or a message text.

Webhook responses by status (`loket_whatsapp_webhook_responses_total`) are counted so
that the figure adds up across every web process and survives restarts, while the
200 path stays exactly one INSERT:

- 200s are the deliveries stored: every stored delivery drew one id from the
  `whatsapp_delivery` id sequence (PostgreSQL sequence, SQLite AUTOINCREMENT), which
  never goes back, so purging old deliveries does not lower the count;
- every other status (400, 401, 403, 413, 503 ...) is bumped with one UPSERT into
  `WebhookRejection`, only on those paths. A 503 answered because the database is down
  cannot be written then: it is kept in the process and written by the next response
  that reaches the database.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator

from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from loket.channels.whatsapp.models import (
    Delivery,
    InboundMessage,
    Incident,
    OutboundMessage,
    WebhookRejection,
)

log = logging.getLogger(__name__)

View = Callable[[HttpRequest], HttpResponse]

_REJECTIONS = WebhookRejection._meta.db_table
_UPSERT = (
    f"INSERT INTO {_REJECTIONS} (status, count) VALUES (%s, %s) "  # noqa: S608 - our table name
    f"ON CONFLICT (status) DO UPDATE SET count = {_REJECTIONS}.count + excluded.count"
)

# Refusals this process could not write yet (the database was down), by status.
_unwritten: Counter[int] = Counter()
_unwritten_lock = threading.Lock()


def record_rejection(status: int) -> None:
    """Count one webhook POST answered `status` (not 200), with any count still unwritten."""
    with _unwritten_lock:
        _unwritten[status] += 1
    flush_rejections()


def flush_rejections() -> None:
    with _unwritten_lock:
        pending = dict(_unwritten)
        _unwritten.clear()
    try:
        with connection.cursor() as cursor:
            for status, count in list(pending.items()):
                cursor.execute(_UPSERT, [status, count])
                del pending[status]  # written: never twice
    except DatabaseError:
        with _unwritten_lock:
            _unwritten.update(pending)


def count_responses(view: View) -> View:
    """Wrap the webhook view: count its refusals, add nothing to its 200 path but one check."""

    @functools.wraps(view)
    def counted(request: HttpRequest) -> HttpResponse:
        response = view(request)
        if request.method == "POST":
            if response.status_code != 200:
                record_rejection(response.status_code)
            elif _unwritten:
                flush_rejections()
        return response

    return counted


def deliveries_stored() -> int:
    """Deliveries ever stored (= webhook POSTs answered 200): the id sequence's last value."""
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id'))", [table])
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        else:  # no sequence we know how to read: the rows still there
            cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608 - our table name
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _webhook_responses() -> Metric:
    family = CounterMetricFamily(
        "loket_whatsapp_webhook_responses",
        "Webhook POSTs answered, by HTTP status (200 = deliveries stored), across all processes.",
        labels=["status"],
    )
    family.add_metric(["200"], deliveries_stored())
    for status, count in WebhookRejection.objects.order_by("status").values_list("status", "count"):
        family.add_metric([str(status)], count)
    return family


def _deliveries() -> Iterator[Metric]:
    now = timezone.now()
    found = Delivery.objects.filter(dispatched_at__isnull=True).aggregate(
        waiting=Count("id"), oldest=Min("received_at")
    )
    oldest = found["oldest"]
    yield GaugeMetricFamily(
        "loket_whatsapp_deliveries_waiting",
        "Stored webhook deliveries not yet split into messages.",
        value=found["waiting"],
    )
    yield GaugeMetricFamily(
        "loket_whatsapp_deliveries_oldest_waiting_seconds",
        "Age of the oldest delivery not yet split into messages (0 when none).",
        value=max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0,
    )


def _inbound() -> Iterator[Metric]:
    messages = GaugeMetricFamily(
        "loket_whatsapp_inbound_messages",
        "Messages residents sent, by WhatsApp type and state (handled, unhandled).",
        labels=["type", "state"],
    )
    by_type = (
        InboundMessage.objects.values("type")
        .annotate(
            handled=Count("id", filter=Q(handled_at__isnull=False)),
            unhandled=Count("id", filter=Q(handled_at__isnull=True)),
        )
        .order_by("type")
    )
    for row in by_type:
        messages.add_metric([row["type"], "handled"], row["handled"])
        messages.add_metric([row["type"], "unhandled"], row["unhandled"])
    yield messages

    media = GaugeMetricFamily(
        "loket_whatsapp_inbound_media",
        "Files residents sent, by download state (pending, stored, unavailable).",
        labels=["state"],
    )
    counts = dict(
        InboundMessage.objects.exclude(media_state="")
        .values("media_state")
        .annotate(n=Count("id"))
        .values_list("media_state", "n")
    )
    for state in InboundMessage.Media.values:
        if state:
            media.add_metric([state], counts.get(state, 0))
    yield media


def _outbound() -> Iterator[Metric]:
    messages = GaugeMetricFamily(
        "loket_whatsapp_outbound_messages", "Messages to residents, by status.", labels=["status"]
    )
    counts = dict(OutboundMessage.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))
    for status in OutboundMessage.Status.values:
        messages.add_metric([status], counts.get(status, 0))
    yield messages

    errors = GaugeMetricFamily(
        "loket_whatsapp_graph_errors",
        "Messages to residents whose last Graph API answer was an error, by Meta error code and status."
        " A later success clears the error.",
        labels=["code", "status"],
    )
    by_code = (
        OutboundMessage.objects.filter(last_error_code__isnull=False)
        .values("last_error_code", "status")
        .annotate(n=Count("id"))
        .order_by("last_error_code", "status")
    )
    for row in by_code:
        errors.add_metric([str(row["last_error_code"]), row["status"]], row["n"])
    yield errors


def _incidents() -> Metric:
    family = GaugeMetricFamily(
        "loket_whatsapp_incidents_open", "Open WhatsApp incidents (console banner), by kind.", labels=["kind"]
    )
    counts = dict(
        Incident.objects.filter(closed_at__isnull=True)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    for kind in Incident.Kind.values:
        family.add_metric([kind], counts.get(kind, 0))
    return family


def collect() -> Iterator[Metric]:
    yield _webhook_responses()
    yield from _deliveries()
    yield from _inbound()
    yield from _outbound()
    yield _incidents()
