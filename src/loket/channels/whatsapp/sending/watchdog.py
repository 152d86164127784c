"""The watchdog: alerts that no single send would raise (a stalled outbox, silent webhooks)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from loket.channels.whatsapp import hours, incidents
from loket.channels.whatsapp.models import Incident, OutboundMessage
from loket.channels.whatsapp.sending.held import release_held
from loket.channels.whatsapp.sending.rows import SENDABLE
from loket.jobs import queue
from loket.jobs.queue import handler

WATCHDOG_JOB = "whatsapp.watchdog"


def _in_office_hours(now: dt.datetime) -> dt.datetime | None:
    """When today's office hours began, if `now` is inside them (the office's one calendar)."""
    here = hours.local(now)
    cal = hours.calendar()
    if not cal.is_open(here):
        return None
    today = cal.opening_hours(here.date())
    assert today is not None  # open now, so it has hours today
    return dt.datetime.combine(here.date(), today[0], tzinfo=here.tzinfo)


def last_webhook_at() -> dt.datetime | None | Literal[False]:
    """Newest stored webhook delivery (LOKET_WA_WEBHOOK_CLOCK); False when there is no such model."""
    label, _, field_name = str(settings.LOKET_WA_WEBHOOK_CLOCK).rpartition(".")
    try:
        model = apps.get_model(label)
        model._meta.get_field(field_name)
    except (LookupError, ValueError):
        return False
    return model.objects.order_by(f"-{field_name}").values_list(field_name, flat=True).first()


def check_outbox_draining(now: dt.datetime) -> None:
    stall = dt.timedelta(seconds=settings.LOKET_WA_STALL_SECONDS)
    oldest = (
        OutboundMessage.objects.filter(status__in=SENDABLE)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is not None and now - oldest > stall:
        minutes = int((now - oldest).total_seconds() // 60)
        waiting = OutboundMessage.objects.filter(status__in=SENDABLE).count()
        incidents.open_incident(
            Incident.Kind.STALLED,
            f"{waiting} pesan menunggu dikirim; yang tertua sudah {minutes} menit. "
            "Periksa apakah 'loket worker' berjalan dan lihat gangguan lain.",
        )
    else:
        incidents.close_incidents(Incident.Kind.STALLED)


def check_webhooks_arriving(now: dt.datetime) -> None:
    silence = dt.timedelta(minutes=settings.LOKET_WA_WEBHOOK_SILENCE_MINUTES)
    opened = _in_office_hours(now)
    last = last_webhook_at()
    if last is False:
        return  # no delivery table to read (yet)
    if opened is None:
        return  # outside office hours silence is normal: keep whatever state we had
    if now - opened > silence and (last is None or now - last > silence):
        incidents.open_incident(
            Incident.Kind.WEBHOOK_SILENCE,
            f"Tidak ada webhook WhatsApp masuk selama lebih dari {settings.LOKET_WA_WEBHOOK_SILENCE_MINUTES} "
            "menit di jam kerja. Periksa langganan webhook di Meta dan alamat server.",
        )
    elif last is not None and now - last <= silence:
        incidents.close_incidents(Incident.Kind.WEBHOOK_SILENCE)


@handler(WATCHDOG_JOB)
def watchdog(payload: dict | None = None) -> None:
    now = timezone.now()
    release_held()
    check_outbox_draining(now)
    check_webhooks_arriving(now)


queue.periodic(WATCHDOG_JOB, 60)
