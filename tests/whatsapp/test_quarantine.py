"""Poison never stops the line: it is cleaned, or set aside (quarantined) while the rest flows.

Each trigger that once stopped all inbound processing, alone and mixed with a valid message
in one delivery; a hundred poison deliveries ahead of valid ones; a failure the database
raises for no reason we know (retried, then quarantined); one incident, one log line.
"""

import json
import logging

import pytest
from django.conf import settings
from django.db import connection

from loket.channels.whatsapp import envelopes, ingest, quarantine
from loket.channels.whatsapp.models import Delivery, InboundMessage, Incident, QuarantinedItem
from loket.core import health
from loket.jobs import queue
from loket.jobs.models import Job
from tests.whatsapp.inbound import (  # noqa: F401
    envelope,
    inbound_settings,
    office_numbers,
    post,
    text,
    work,
)
from tests.whatsapp.poison import (
    BODIES,
    BOOM,
    CLEANED,
    QUARANTINED,
    body_of,
    failing_delivery_updates,
    failing_inserts,
)

pytestmark = pytest.mark.django_db

LOGGERS = ("loket.channels.whatsapp.ingest", "loket.channels.whatsapp.incidents")


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def _handled(wamid: str) -> bool:
    return InboundMessage.objects.filter(wamid=wamid, handled_at__isnull=False).exists()


def _open_incidents() -> int:
    return Incident.objects.filter(kind="quarantine", closed_at__isnull=True).count()


@pytest.mark.parametrize("name", sorted(CLEANED))
@pytest.mark.parametrize("mixed", [False, True], ids=["alone", "mixed"])
def test_text_the_database_cannot_hold_is_cleaned_flagged_and_answered(name, mixed):
    poison = CLEANED[name]()
    valid = text("STATUS", wamid="wamid.VALID-1", ts=1764400001)
    assert post(body_of(poison, valid) if mixed else body_of(poison)).status_code == 200
    if not mixed:
        assert post(body_of(valid)).status_code == 200
    work()
    kept = InboundMessage.objects.get(wamid=poison["id"])
    assert "cleaned_text" in kept.flags and kept.handled_at is not None
    assert "\x00" not in json.dumps(kept.payload) and "\\ud800" not in json.dumps(kept.payload)
    assert _handled("wamid.VALID-1")
    assert quarantine.count() == 0 and not Delivery.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.parametrize("name", sorted(QUARANTINED))
@pytest.mark.parametrize("mixed", [False, True], ids=["alone", "mixed"])
def test_a_message_that_can_never_be_stored_is_quarantined_at_once_and_the_rest_flows(name, mixed):
    build, reason = QUARANTINED[name]
    poison = build()
    valid = text("STATUS", wamid="wamid.VALID-1", ts=1764400001)
    assert post(body_of(poison, valid) if mixed else body_of(poison)).status_code == 200
    if not mixed:
        assert post(body_of(valid)).status_code == 200
    assert ingest.dispatch_pending() == 2 - mixed  # one run: no retries for a deterministic failure
    work()
    assert _handled("wamid.VALID-1")
    item = QuarantinedItem.objects.get()
    assert (item.reason, item.kind, item.status) == (reason, "message", "quarantined")
    assert item.path == "entry[0].changes[0].value.messages[0]"
    # never truncated into a row of its own: the only message stored is the valid one
    assert list(InboundMessage.objects.values_list("wamid", flat=True)) == ["wamid.VALID-1"]
    # masked metadata only: no sender number, no text
    shown = json.dumps(item.metadata)
    assert "6281298765432" not in shown and "STATUS" not in shown
    assert Delivery.objects.filter(dispatched_at__isnull=True).count() == 0
    assert quarantine.count() == 1 and health.quarantined_by_source()["whatsapp"] == 1
    assert _open_incidents() == 1


@pytest.mark.parametrize("name", sorted(BODIES))
def test_a_body_that_cannot_be_read_is_quarantined_at_once(name):
    body, reason = BODIES[name]
    assert post(body).status_code == 200
    assert post(body_of(text("STATUS", wamid="wamid.VALID-1"))).status_code == 200
    assert ingest.dispatch_pending() == 2
    work()
    assert _handled("wamid.VALID-1")
    bad = Delivery.objects.get(quarantined_at__isnull=False)
    assert bytes(bad.body) == body and bad.dispatched_at is None
    assert bad.error.startswith(reason) and bad.attempts == 0
    assert Delivery.objects.filter(quarantined_at__isnull=False).count() == quarantine.count() == 1
    assert _open_incidents() == 1


def test_deep_nesting_is_a_recursion_error_recorded_not_raised():
    body, _ = BODIES["deep_body"]
    post(body)
    ingest.dispatch_pending()
    assert Delivery.objects.get().error.startswith("invalid_json: RecursionError")


def test_an_unknown_failure_is_retried_then_only_the_failing_message_is_quarantined():
    boom = text("STATUS", wamid=f"{BOOM}1")
    valid = text("STATUS", wamid="wamid.VALID-1", ts=1764400001)
    post(body_of(boom, valid))
    with failing_inserts():
        for attempt in range(1, settings.LOKET_WA_DISPATCH_ATTEMPTS):
            assert ingest.dispatch_pending() == 1
            delivery = Delivery.objects.get()
            # the try was rolled back, its count was not
            assert delivery.attempts == attempt and delivery.dispatched_at is None
            assert "refused by test trigger" in delivery.error
            assert not InboundMessage.objects.exists()
        ingest.dispatch_pending()  # the last try: the failing message is set aside
        work()
    assert _handled("wamid.VALID-1")
    item = QuarantinedItem.objects.get()
    assert item.reason == "failed" and "refused by test trigger" in item.error
    assert Delivery.objects.get().dispatched_at is not None


def test_a_delivery_that_keeps_failing_as_a_whole_is_quarantined_after_its_tries():
    post(body_of(text("STUCKMARK", wamid="wamid.STUCK-1")))
    post(body_of(text("STATUS", wamid="wamid.VALID-1", ts=1764400001)))
    with failing_delivery_updates("STUCKMARK"):
        for _ in range(settings.LOKET_WA_DISPATCH_ATTEMPTS):
            ingest.dispatch_pending()
        stuck = Delivery.objects.get(quarantined_at__isnull=False)
        assert stuck.attempts == settings.LOKET_WA_DISPATCH_ATTEMPTS
        assert stuck.error.startswith("failed: ") and "refused by test trigger" in stuck.error
        assert ingest.dispatch_pending() == 0  # the queue flows past it: nothing left to try
        work()
    assert _handled("wamid.VALID-1")
    assert not InboundMessage.objects.filter(wamid="wamid.STUCK-1").exists()  # rolled back, kept in its body


def _poison_deliveries(count: int) -> list[bytes]:
    """Every kind of poison in turn, each delivery with its own message ids."""
    kinds = [lambda n, body=body: body for body, _ in BODIES.values()]
    kinds += [lambda n, build=build: body_of(build()) for build, _ in QUARANTINED.values()]
    kinds += [lambda n, build=build: body_of(build()) for build in CLEANED.values()]
    kinds.append(lambda n: body_of(text("STATUS", wamid=f"{BOOM}{n}")))
    return [kinds[n % len(kinds)](n) for n in range(count)]


@pytest.mark.slow
def test_a_hundred_poison_deliveries_do_not_hold_back_twenty_valid_ones(caplog):
    caplog.set_level(logging.INFO)
    for body in _poison_deliveries(100):
        assert post(body).status_code == 200
    valid = [f"wamid.V-{n}" for n in range(20)]
    for n, wamid in enumerate(valid):
        resident = f"62813000000{n:02d}"
        post(body_of(text("STATUS", wamid=wamid, frm=resident), wa_id=resident, bsuid=f"ID.{n}"))
    runs = 0
    with failing_inserts():
        while not all(_handled(w) for w in valid):
            runs += 1
            assert runs <= 8, "valid messages held back by poison"
            ingest.dispatch_pending()
            queue.run_pending()
    assert quarantine.count() > 0 and health.quarantined() > 0
    assert Delivery.objects.filter(dispatched_at__isnull=True, quarantined_at__isnull=True).count() == 0
    # one incident, one log line above INFO for all of it; no traceback per try
    assert _open_incidents() == 1
    loud = [r for r in caplog.records if r.name in LOGGERS and r.levelno >= logging.WARNING]
    assert [r.getMessage().split(":")[0] for r in loud] == ["WhatsApp incident opened"]
    assert not any(r.exc_info for r in caplog.records if r.name in LOGGERS)


def test_the_incident_is_refreshed_not_reopened_while_poison_keeps_coming(caplog):
    caplog.set_level(logging.INFO)
    for n in range(3):
        post(body_of(text("STATUS", wamid=f"wamid.{n}-" + "A" * 250)))
        work()
    incident = Incident.objects.get(kind="quarantine")
    assert incident.closed_at is None and incident.occurrences == 3
    assert len([r for r in caplog.records if "incident opened" in r.getMessage()]) == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_delivery_of_three_thousand_messages_is_split_into_bounded_transactions(settings):
    settings.LOKET_WA_DISPATCH_CHUNK = 300
    office_numbers()
    messages = [text("STATUS", wamid=f"wamid.HUGE-{n}", ts=1764400000 + n) for n in range(3000)]
    body = body_of(*messages)
    assert post(body).status_code == 200
    inserts_per_transaction: dict[object, int] = {}

    def observe(execute, sql, params, many, context):
        result = execute(sql, params, many, context)  # a refused duplicate raises: not counted
        if sql.startswith("INSERT INTO") and "whatsapp_inboundmessage" in sql:
            outermost = connection.atomic_blocks[0]  # a key of the dict: kept alive, never reused
            inserts_per_transaction[outermost] = inserts_per_transaction.get(outermost, 0) + 1
        return result

    runs = 0
    with connection.execute_wrapper(observe):
        while ingest.dispatch_pending():
            runs += 1
            if runs == 3:
                assert post(body).status_code == 200  # Meta redelivers the whole batch meanwhile
    assert runs == 20  # 10 chunks of the first delivery, 10 of the redelivery
    assert len(inserts_per_transaction) == 10 and max(inserts_per_transaction.values()) == 300
    assert sum(inserts_per_transaction.values()) == 3000  # the redelivery inserted nothing
    assert InboundMessage.objects.count() == 3000
    assert InboundMessage.objects.values("wamid").distinct().count() == 3000
    assert Job.objects.filter(name="whatsapp.handle_message").count() == 3000
    assert Delivery.objects.filter(dispatched_at__isnull=True).count() == 0
    assert set(Delivery.objects.values_list("progress", flat=True)) == {3000}


HOSTILE_BODIES = {
    "raw_nul_byte": b'{"object": "whatsapp_business_account", "entry": [], "x": "a\x00b"}',
    "nul_escape": b'{"entry": [{"changes": [{"value": {"messages": [{"text": {"body": "a\\u0000b"}}]}}]}]}',
    "lone_surrogate_escape": b'{"entry": [], "x": "\\ud800"}',
    "invalid_utf8": b"\xff\xfe\xfd not utf-8",
    "deep_nesting": BODIES["deep_body"][0],
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_the_webhook_stores_any_signed_body_byte_for_byte(name):
    # The body column is binary (bytea on PostgreSQL): NUL, surrogates and bad UTF-8 are
    # only bytes there; the worker decides later what they mean.
    body = HOSTILE_BODIES[name]
    response = post(body)
    assert response.status_code == 200
    assert bytes(Delivery.objects.get().body) == body
    ingest.dispatch_pending()  # never raises, whatever the body
    delivery = Delivery.objects.get()
    assert delivery.dispatched_at is not None or delivery.quarantined_at is not None


def test_statuses_are_cleaned_or_quarantined_like_messages():
    payload = envelope(text("STATUS", wamid="wamid.VALID-1"))
    value = envelopes.value_of(payload)
    value["statuses"] = [
        {"id": "wamid.S-" + "A" * 300, "status": "delivered", "recipient_id": "6281298765432"},
        {"id": "wamid.S-2", "status": "failed", "errors": [{"code": 131047, "title": "a\x00b\ud800"}]},
    ]
    assert post(json.dumps(payload).encode()).status_code == 200
    ingest.dispatch_pending()
    item = QuarantinedItem.objects.get()
    assert (item.kind, item.reason, item.path) == (
        "status",
        "oversized_id",
        "entry[0].changes[0].value.statuses[0]",
    )
    assert "6281298765432" not in json.dumps(item.metadata)
    job = Job.objects.get(name="whatsapp.apply_status")
    assert job.key == "wa-status:wamid.S-2:failed"
    assert job.payload["status"]["errors"][0]["title"] == "a\ufffdb\ufffd"
    assert InboundMessage.objects.filter(wamid="wamid.VALID-1").exists()


def test_the_dispatch_job_leaves_a_failed_try_to_the_next_run_instead_of_spinning():
    post(body_of(text("STATUS", wamid=f"{BOOM}spin"), text("STATUS", wamid="wamid.OK-2", ts=1764400001)))
    Job.objects.all().delete()  # the webhook's wake-up: one job is enough here
    queue.enqueue(ingest.DISPATCH, {})
    with failing_inserts():
        queue.run_pending(names=[ingest.DISPATCH])
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.quarantined_at is None  # one try per job, a pause between
