"""The WhatsApp figures on `/metrics`: messages, Graph errors and webhook answers, no personal data."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from loket.channels.whatsapp import metrics as wa_metrics
from loket.channels.whatsapp.models import Delivery, InboundMessage, OutboundMessage
from tests.core.probes import TOKEN, scrape, unreachable_database, value
from tests.whatsapp.inbound import (  # noqa: F401
    SITI,
    SITI_BSUID,
    deliver,
    envelope,
    inbound_settings,
    office_numbers,
    post,
    text,
    work,
)

pytestmark = pytest.mark.django_db

KIA_SITI = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"
PERSONAL = [SITI, SITI_BSUID, "3603035512180003", "3603031203150007", "SITI AMINAH", "PASIR BOLANG"]


@pytest.fixture(autouse=True)
def metrics_on(settings):
    settings.LOKET_METRICS_TOKEN = TOKEN
    wa_metrics._unwritten.clear()
    yield settings
    wa_metrics._unwritten.clear()


def responses(samples: dict, status: str) -> float:
    return value(samples, "loket_whatsapp_webhook_responses_total", status=status) or 0


def test_messages_in_and_out_and_graph_errors_by_code(fake_graph):
    office_numbers()
    fake_graph.fail_next(code=131026)  # the first reply cannot be delivered: given up
    deliver(text("STATUS"))
    deliver(text(KIA_SITI))
    samples = scrape()

    handled = InboundMessage.objects.filter(handled_at__isnull=False).count()
    assert handled == 2
    assert value(samples, "loket_whatsapp_inbound_messages", type="text", state="handled") == 2
    assert value(samples, "loket_whatsapp_inbound_messages", type="text", state="unhandled") == 0
    for status in OutboundMessage.Status.values:
        expected = OutboundMessage.objects.filter(status=status).count()
        assert value(samples, "loket_whatsapp_outbound_messages", status=status) == expected
    assert value(samples, "loket_whatsapp_outbound_messages", status="failed") == 1
    assert OutboundMessage.objects.exclude(status="failed").exists()
    assert value(samples, "loket_whatsapp_graph_errors", code="131026", status="failed") == 1
    assert value(samples, "loket_whatsapp_deliveries_waiting") == 0
    assert value(samples, "loket_whatsapp_incidents_open", kind="token") == 0


def test_no_personal_data_in_any_figure(fake_graph):
    office_numbers()
    deliver(text(KIA_SITI))
    post(envelope(text(KIA_SITI, wamid="wamid.NOT-SIGNED")), secret="wrong-secret")
    body = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "loket_whatsapp_inbound_messages" in body
    for personal in PERSONAL:
        assert personal not in body
    ready = Client().get("/readyz").content.decode()
    for personal in PERSONAL:
        assert personal not in ready


def test_undispatched_deliveries_are_waiting():
    office_numbers()
    assert post(envelope(text("STATUS"))).status_code == 200
    samples = scrape()
    assert value(samples, "loket_whatsapp_deliveries_waiting") == 1
    assert value(samples, "loket_whatsapp_deliveries_oldest_waiting_seconds") >= 0


def test_webhook_answers_are_counted_by_status(settings):
    before = scrape()
    signed = envelope(text("STATUS"))
    assert post(signed).status_code == 200
    assert post(envelope(text("STATUS"))).status_code == 200
    assert Client().post("/webhooks/whatsapp", b"{}", content_type="application/json").status_code == 401
    assert post(signed, secret="someone-elses-secret").status_code == 403
    assert post(signed, secret="someone-elses-secret").status_code == 403
    settings.LOKET_WA_MAX_BODY_BYTES = 100
    assert post(json.dumps(signed).encode()).status_code == 413
    # The handshake (GET) is not a delivery: not counted.
    Client().get("/webhooks/whatsapp", {"hub.mode": "subscribe", "hub.verify_token": "guess"})
    after = scrape()
    assert responses(after, "200") - responses(before, "200") == 2
    assert responses(after, "401") - responses(before, "401") == 1
    assert responses(after, "403") - responses(before, "403") == 2
    assert responses(after, "413") - responses(before, "413") == 1


def test_purging_deliveries_does_not_lower_the_200_count():
    assert post(envelope(text("STATUS"))).status_code == 200
    before = responses(scrape(), "200")
    Delivery.objects.all().delete()
    assert responses(scrape(), "200") == before >= 1


@pytest.mark.django_db(transaction=True)
def test_503s_while_the_database_is_down_are_counted_once_it_is_back(tmp_path):
    before = scrape()
    signed = envelope(text("STATUS"))
    with unreachable_database(tmp_path):
        assert post(signed).status_code == 503
        assert post(signed).status_code == 503
    # Kept in this process, written by the next answer that reaches the database.
    assert dict(wa_metrics._unwritten) == {503: 2}
    assert post(signed).status_code == 200
    assert not wa_metrics._unwritten
    after = scrape()
    assert responses(after, "503") - responses(before, "503") == 2
    assert responses(after, "200") - responses(before, "200") == 1
