"""Splitting deliveries: every item handled, each message once, one resident's in order."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp import envelopes, ingest
from loket.channels.whatsapp.models import Conversation, Delivery, InboundMessage, OutboundMessage
from loket.jobs import queue
from loket.jobs.models import Job
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    KK_NUMBER,
    SHIFT,
    SITI,
    deliver,
    envelope,
    fixture,
    inbound_settings,
    office_numbers,
    post,
    text,
    work,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def test_a_batch_of_entries_changes_messages_and_statuses_is_handled_item_by_item():
    assert post(fixture("batch.json")).status_code == 200
    work()
    assert set(InboundMessage.objects.values_list("wamid", flat=True)) == {
        "wamid.BATCH-A-1",
        "wamid.BATCH-A-2",
        "wamid.BATCH-B-1",
    }
    assert InboundMessage.objects.filter(handled_at__isnull=True).count() == 0
    statuses = Job.objects.filter(name="whatsapp.apply_status").order_by("pk")
    assert [(j.payload["phone_number_id"], j.payload["status"]["status"]) for j in statuses] == [
        (KIA_NUMBER, "delivered"),
        (KIA_NUMBER, "sent"),
        (KK_NUMBER, "failed"),
    ]
    assert statuses[2].payload["status"]["errors"][0]["code"] == 131047
    delivery = Delivery.objects.get()
    assert "error:131000" in delivery.flags and "field:message_template_status_update" in delivery.flags
    # two residents: one asked for an officer then for STATUS, the other for STATUS
    assert Resident.objects.count() == 2
    assert OutboundMessage.objects.count() == 3


def test_a_duplicate_delivery_is_handled_once():
    payload = envelope(text("STATUS", wamid="wamid.DUP-1"))
    for _ in range(3):
        assert post(payload).status_code == 200
    work()
    assert post(payload).status_code == 200  # days later, after it was handled
    work()
    assert Delivery.objects.count() == 4
    assert InboundMessage.objects.filter(wamid="wamid.DUP-1").count() == 1
    assert OutboundMessage.objects.count() == 1


def test_shuffled_redeliveries_are_handled_once_each_in_timestamp_order():
    messages = [text("STATUS", wamid=f"wamid.ORD-{n}", ts=1764400000 + n) for n in range(6)]
    rng = random.Random(7)
    for _ in range(4):
        batch = rng.sample(messages, 4)
        post(envelope(*batch))
    ingest.dispatch_pending()
    handled = Job.objects.filter(name="whatsapp.handle_message").order_by("pk")
    order = [InboundMessage.objects.get(pk=j.payload["message_id"]).wamid for j in handled]
    # deliveries split together are ordered by WhatsApp's timestamp, not by arrival
    assert order == [f"wamid.ORD-{n}" for n in range(6)]
    work()
    assert InboundMessage.objects.filter(handled_at__isnull=True).count() == 0
    assert OutboundMessage.objects.count() == 6
    assert len({j.ordering_key for j in handled}) == 1


def test_one_residents_messages_run_one_at_a_time_and_others_in_parallel():
    post(envelope(text("STATUS", ts=1764400001), text("STATUS", ts=1764400002)))
    post(envelope(text("STATUS", ts=1764400003, frm="6281300000001"), wa_id="6281300000001", bsuid="ID.77"))
    ingest.dispatch_pending()
    first = queue.claim("w1", names=["whatsapp.handle_message"], limit=5)
    # Siti's first message and the other resident's message, never Siti's second at the same time
    assert len(first) == 2
    assert len({j.ordering_key for j in first}) == 2


def test_a_worker_killed_mid_message_loses_nothing_and_does_nothing_twice():
    post(envelope(text("PETUGAS", wamid="wamid.KILL-1")))
    ingest.dispatch_pending()
    (job,) = queue.claim("worker-that-dies", names=["whatsapp.handle_message"])
    # The worker dies before committing anything: its lease runs out.
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    work()
    message = InboundMessage.objects.get(wamid="wamid.KILL-1")
    assert message.handled_at is not None
    assert OutboundMessage.objects.count() == 1
    # And when a worker dies after committing, running the job again changes nothing.
    queue.enqueue("whatsapp.handle_message", {"message_id": message.pk})
    work()
    assert OutboundMessage.objects.count() == 1


def test_every_inbound_type_is_kept_with_a_summary_and_unknown_types_flagged():
    post(fixture("every_type.json"))
    ingest.dispatch_pending()
    kept = {m.wamid.removeprefix("wamid.T-"): m for m in InboundMessage.objects.all()}
    assert set(kept) == {
        "text", "image", "document", "voice", "video", "sticker", "location", "contacts",
        "button", "list", "flow", "template-button", "reaction", "unsupported", "futuretype",
    }  # fmt: skip
    assert kept["text"].summary == "halo"
    assert kept["image"].summary == "[image] AKTA"
    assert kept["voice"].summary == "[audio (pesan suara)]"
    assert "Kantor Desa Sentul" in kept["location"].summary
    assert kept["contacts"].summary == "[kontak] Budi Santoso"
    assert kept["list"].summary == "[pilihan] KIA"
    assert "flow_token" in kept["flow"].summary
    assert kept["template-button"].summary == "[tombol] Baik"
    assert kept["reaction"].summary.startswith("[reaksi]")
    assert "unsupported" in kept["unsupported"].flags and "errors:131051" in kept["unsupported"].flags
    assert "unsupported" in kept["futuretype"].flags
    assert {k for k, m in kept.items() if m.media_state == "pending"} == {
        "image",
        "document",
        "voice",
        "video",
    }
    assert kept["image"].payload["image"]["caption"] == "AKTA"  # the whole message is kept


def test_an_unregistered_office_number_is_stored_and_flagged_not_answered():
    post(fixture("unknown_number.json"))
    work()
    message = InboundMessage.objects.get()
    assert message.flags == ["unknown_number"] and message.resident is None
    assert Delivery.objects.get().flags == ["unknown_number:555000555000555"]
    assert OutboundMessage.objects.count() == 0 and Resident.objects.count() == 0


def test_a_username_user_without_phone_number_is_keyed_on_the_business_scoped_id():
    post(fixture("username_user.json"))
    work()
    resident = Resident.objects.get()
    assert (resident.user_id, resident.bsuid, resident.wa_id) == (
        "ID.9999888877776666",
        "ID.9999888877776666",
        "",
    )
    assert OutboundMessage.objects.filter(resident=resident).count() == 1
    # Later the same person arrives with a phone number: the same resident, now with it.
    deliver(
        text("STATUS", ts=1764400200, frm="6281388887777"), wa_id="6281388887777", bsuid="ID.9999888877776666"
    )
    resident.refresh_from_db()
    assert Resident.objects.count() == 1 and resident.wa_id == "6281388887777"


def test_a_message_opens_the_24_hour_window_and_a_late_old_one_does_not_move_it_back():
    deliver(text("STATUS", ts=1764400500))
    deliver(text("STATUS", ts=1764400100))
    resident = Resident.objects.get()
    assert resident.last_inbound_at == dt.datetime.fromtimestamp(1764400500 + SHIFT, tz=dt.UTC)


def test_petugas_flags_the_conversation_for_an_officer_and_says_so():
    deliver(text("petugas"))
    assert Conversation.objects.get().needs_officer
    assert "petugas" in OutboundMessage.objects.get().text.lower()


def test_flood_control_keeps_everything_and_replies_once_politely(settings):
    settings.LOKET_WA_FLOOD_PER_MINUTE = 5
    deliver(*[text("STATUS", wamid=f"wamid.FLOOD-{n}", ts=1764400000 + n) for n in range(12)])
    flooded = [m for m in InboundMessage.objects.all() if "flood" in m.flags]
    assert InboundMessage.objects.count() == 12 and len(flooded) == 7
    notices = [o for o in OutboundMessage.objects.all() if "banyak sekali" in o.text]
    assert len(notices) == 1
    # the flooded ones are kept for an officer, not answered one by one
    assert OutboundMessage.objects.count() == 5 + 1
    assert Conversation.objects.get().needs_officer


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_handling_fails_is_kept_flagged_for_an_officer_and_retried():
    from django.db import connection

    post(envelope(text("STATUS", wamid="wamid.FAIL-1")))
    ingest.dispatch_pending()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cases_case RENAME TO cases_case_away")
    try:
        queue.run_pending(names=["whatsapp.handle_message"])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE cases_case_away RENAME TO cases_case")
    message = InboundMessage.objects.get()
    assert message.handled_at is None and "handling_failed" in message.flags
    assert Conversation.objects.get().needs_officer
    job = Job.objects.get(name="whatsapp.handle_message")
    assert job.state == Job.State.PENDING and job.last_error
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    work()  # the database is back: the retry answers, once
    message.refresh_from_db()
    assert message.handled_at is not None and OutboundMessage.objects.count() == 1


def test_malformed_messages_are_kept_and_handled_without_a_crash():
    odd = [
        {"from": SITI, "id": "wamid.ODD-1", "timestamp": "x", "type": "text", "text": "not an object"},
        {"from": SITI, "id": "wamid.ODD-2", "timestamp": "1764400001", "type": "image", "image": "nope"},
        {
            "from": SITI,
            "id": "wamid.ODD-3",
            "timestamp": "1764400002",
            "type": "interactive",
            "interactive": [1],
        },
        {"from": SITI, "id": "wamid.ODD-4", "timestamp": "1764400003", "type": "system", "system": None},
        {"from": SITI, "id": "wamid.ODD-5", "timestamp": "1764400004"},
        "not a message at all",
    ]
    payload = envelope()
    envelopes.value_of(payload)["messages"] = odd
    assert post(payload).status_code == 200
    work()
    assert InboundMessage.objects.count() == 5
    assert InboundMessage.objects.filter(handled_at__isnull=True).count() == 0
    assert InboundMessage.objects.get(wamid="wamid.ODD-2").media_state == "unavailable"
    assert not Job.objects.filter(state=Job.State.FAILED, name__startswith="whatsapp.").exists()


def test_a_message_held_outside_the_window_goes_once_the_resident_writes_again(fake_graph, settings):
    from loket.channels.whatsapp import outbox

    settings.LOKET_WA_TEMPLATES = ""  # no template for bulk messages: they wait for the window
    deliver(text("STATUS"))
    siti = Resident.objects.get(wa_id=SITI)
    Resident.objects.filter(pk=siti.pk).update(last_inbound_at=timezone.now() - dt.timedelta(days=3))
    held = outbox.enqueue(siti, text="Kantor tutup besok.", kind="bulk")
    work()
    held.refresh_from_db()
    assert held.status == OutboundMessage.Status.HELD

    deliver(text("halo", ts=int(timezone.now().timestamp())))
    held.refresh_from_db()
    assert held.status in {OutboundMessage.Status.SENT, OutboundMessage.Status.DELIVERED}
    assert "Kantor tutup besok." in [m.text for m in fake_graph.messages()]
