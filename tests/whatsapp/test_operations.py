"""Office numbers from the command line, and the alerts administrators see."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from loket.channels.whatsapp import demo, outbox
from loket.channels.whatsapp.incidents import active_incidents
from loket.channels.whatsapp.models import Incident, OutboundMessage, PhoneNumber
from loket.channels.whatsapp.sending import watchdog
from tests.whatsapp.outbound_builders import drain, resident

pytestmark = pytest.mark.django_db


def loket(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_number_registers_and_a_rerun_replaces_the_services():
    loket(
        "whatsapp",
        "add-number",
        "--id",
        "109000000000004",
        "--display",
        "6281338020399",
        "--services",
        "SKPWNI",
    )
    loket(
        "whatsapp",
        "add-number",
        "--id",
        "109000000000004",
        "--display",
        "081338020399",
        "--services",
        "skdwni",
        "KK",
    )
    number = PhoneNumber.objects.get()
    assert (number.display_number, number.services) == ("6281338020399", ["SKDWNI", "KK"])
    assert "109000000000004" in loket("whatsapp", "numbers")


def test_add_number_refuses_an_unknown_service_clearly():
    with pytest.raises(CommandError, match="Layanan 'PASPOR' tidak dikenal"):
        loket("whatsapp", "add-number", "--id", "1", "--display", "6285694012597", "--services", "PASPOR")
    assert not PhoneNumber.objects.exists()


def test_the_demo_registers_the_regencys_published_numbers():
    demo.load(io.StringIO())
    demo.load(io.StringIO())  # idempotent
    numbers = {n.display_number: n.services for n in PhoneNumber.objects.all()}
    assert numbers == {
        "6281282372016": ["KK"],
        "6281212492477": ["KTP"],
        "6285694012597": ["KIA"],
        "6281338020399": ["SKPWNI", "SKDWNI"],
    }


def test_a_refused_token_is_an_error_in_the_logs_and_a_banner(fake_graph, settings, caplog):
    settings.LOKET_WA_ACCESS_TOKEN = "expired"
    outbox.enqueue(resident(), text="Halo")
    with caplog.at_level(logging.ERROR, logger="loket.channels.whatsapp.incidents"):
        drain(rounds=2)
    assert any("token" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    [banner] = active_incidents()
    assert "Token akses WhatsApp ditolak" in banner.message
    assert "6281298765432" not in caplog.text  # no personal data in logs
    assert "Token akses WhatsApp ditolak" in loket("whatsapp", "incidents")


def test_an_outbox_that_stops_draining_raises_an_incident_and_clears_it(fake_graph, settings):
    message = outbox.enqueue(resident(), text="Halo")
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    watchdog()
    [incident] = active_incidents()
    assert incident.kind == Incident.Kind.STALLED and "1 pesan menunggu" in incident.message
    drain()
    watchdog()
    assert active_incidents() == []


def test_held_messages_are_released_by_the_watchdog_once_the_resident_writes(fake_graph, settings):
    settings.LOKET_WA_TEMPLATES = ""
    siti = resident(wrote_ago=dt.timedelta(days=2))
    message = outbox.enqueue(siti, text="Halo")
    drain()
    siti.last_inbound_at = timezone.now()
    siti.save()
    watchdog()
    drain()
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert [s.text for s in fake_graph.messages()] == ["Halo"]


def test_webhook_silence_in_office_hours_is_alerted(settings):
    settings.LOKET_WA_WEBHOOK_CLOCK = "whatsapp.OutboundMessage.created_at"  # any dated table serves here
    settings.LOKET_WA_WEBHOOK_SILENCE_MINUTES = 60
    # Monday 30 November 2026, 13:00 in Jakarta: office hours began at 07.30.
    monday = dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with time_machine.travel(monday, tick=False):
        watchdog()
        [incident] = active_incidents()
        assert incident.kind == Incident.Kind.WEBHOOK_SILENCE
        OutboundMessage.objects.create(resident=resident(), text="x", created_at=timezone.now())
        watchdog()
        assert active_incidents() == []
    with time_machine.travel(monday.replace(hour=22), tick=False):
        OutboundMessage.objects.all().delete()
        watchdog()  # night: silence is normal
        assert active_incidents() == []
