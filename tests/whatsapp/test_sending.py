"""The outbox sender against the fake Graph API over HTTP: order, retries, window, statuses."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from loket.cases.models import Case
from loket.channels.whatsapp import envelopes, outbox
from loket.channels.whatsapp.incidents import active_incidents
from loket.channels.whatsapp.models import Incident, OutboundMessage
from loket.channels.whatsapp.sending import apply_status, release_held
from loket.jobs.models import Job
from tests.whatsapp.outbound_builders import KIA_NUMBER, drain, pending_jobs, resident

pytestmark = pytest.mark.django_db

Status = OutboundMessage.Status


def reload(message: OutboundMessage) -> OutboundMessage:
    message.refresh_from_db()
    return message


def test_a_reply_goes_to_the_wa_id_from_the_number_the_resident_wrote_to(fake_graph):
    siti = resident("6281298765432")
    message = outbox.enqueue(siti, text="Permohonan diterima.")
    drain()
    [sent] = fake_graph.messages()
    assert sent.phone_number_id == KIA_NUMBER
    assert sent.body["to"] == "6281298765432"
    assert sent.body["type"] == "text"
    assert sent.text == "Permohonan diterima."
    assert sent.callback_data == f"outbox={message.pk}"
    message = reload(message)
    assert (message.status, message.wamid, message.attempts) == (Status.SENT, sent.wamid, 1)
    assert message.accepted_at is not None


def test_without_a_phone_number_the_business_scoped_id_is_the_recipient(fake_graph):
    username_user = resident(wa_id="", bsuid="ID.1234567890123456")
    outbox.enqueue(username_user, text="Halo")
    drain()
    [sent] = fake_graph.messages()
    assert sent.body["recipient"] == "ID.1234567890123456"
    assert "to" not in sent.body


def test_graph_failing_then_recovering_delivers_each_reply_exactly_once(fake_graph):
    fake_graph.fail_next(2, http_status=502)
    fake_graph.fail_next(2, code=131000)
    residents = [resident(f"62812000000{i:02d}") for i in range(3)]
    messages = [outbox.enqueue(r, text=f"Balasan {i}") for i, r in enumerate(residents)]
    drain()
    texts = sorted(s.text for s in fake_graph.messages())
    assert texts == ["Balasan 0", "Balasan 1", "Balasan 2"]
    messages = [reload(m) for m in messages]
    assert all(m.status == Status.SENT for m in messages)
    assert sum(m.attempts for m in messages) == 3 + 4  # every failed call was one visible attempt
    assert len(fake_graph.calls()) == 7


def test_a_transient_failure_is_retried_within_seconds_with_the_error_visible(fake_graph):
    fake_graph.fail_next(code=131000)
    message = outbox.enqueue(resident(), text="Halo")
    drain(fast_forward=False)
    message = reload(message)
    assert message.status == Status.QUEUED
    assert (message.last_error_code, message.attempts) == (131000, 1)
    [job] = pending_jobs()
    assert 0 < (job.run_after - timezone.now()).total_seconds() <= 2.5


def test_a_permanent_error_fails_the_message_at_once_with_code_and_title(fake_graph):
    fake_graph.fail_next(code=131026)
    message = outbox.enqueue(resident(), text="Halo")
    drain()
    message = reload(message)
    assert message.status == Status.FAILED
    assert message.last_error_code == 131026
    assert "undeliverable" in message.last_error_title
    assert message.attempts == 1 and message.needs_officer
    assert len(fake_graph.calls()) == 1


def test_outside_the_window_the_template_of_the_kind_is_sent(fake_graph):
    fake_graph.approve_template("loket_kabar_permohonan", "id")
    old = resident(wrote_ago=dt.timedelta(hours=30))
    case = Case.objects.create(
        request_number="KIA-20261130-0042", service="KIA", subject="3603", resident=old
    )
    message = outbox.enqueue(old, text="Dokumen Anda\nsudah lengkap.", case=case, kind="case_update")
    drain()
    [sent] = fake_graph.messages()
    assert sent.type == "template"
    template = sent.body["template"]
    assert (template["name"], template["language"]["code"]) == ("loket_kabar_permohonan", "id")
    params = [p["text"] for p in template["components"][0]["parameters"]]
    assert params == ["KIA-20261130-0042", "Dokumen Anda sudah lengkap."]
    assert reload(message).template_used == "loket_kabar_permohonan"


def test_outside_the_window_without_a_template_the_message_is_held_then_released(fake_graph, settings):
    settings.LOKET_WA_TEMPLATES = "receipt=loket_bukti_pengambilan:id"
    old = resident(wrote_ago=dt.timedelta(days=3))
    message = outbox.enqueue(old, text="Pengumuman", kind="bulk")
    drain()
    message = reload(message)
    assert (message.status, message.held_reason) == (Status.HELD, OutboundMessage.Held.WINDOW_CLOSED)
    assert message.needs_officer and fake_graph.messages() == []

    assert release_held(resident=old) == 0  # nothing changed yet
    old.last_inbound_at = timezone.now()
    old.save()
    assert release_held(resident=old) == 1
    drain()
    assert [s.text for s in fake_graph.messages()] == ["Pengumuman"]
    assert reload(message).status == Status.SENT


def test_the_24_hour_error_from_meta_sends_the_template_instead(fake_graph):
    fake_graph.fail_next(code=131047)
    message = outbox.enqueue(resident(), text="Kabar", kind="case_update")
    drain()
    [free_form, template] = fake_graph.calls()
    assert free_form.json["type"] == "text" and free_form.answer_status == 400
    assert template.json["type"] == "template"
    message = reload(message)
    assert message.status == Status.SENT
    assert message.template_used == "loket_kabar_permohonan"


def test_a_late_24_hour_failure_status_resends_as_a_template(fake_graph):
    fake_graph.fail_async_next(131047)
    message = outbox.enqueue(resident(), text="Kabar", kind="reply")
    drain()
    first_wamid = reload(message).wamid
    failed = fake_graph.status_payload(fake_graph.messages()[0], "failed", error_code=131047)
    apply_status(KIA_NUMBER, envelopes.value_of(failed)["statuses"][0])
    drain()
    sent = fake_graph.messages()
    assert [s.type for s in sent] == ["text", "template"]
    message = reload(message)
    assert message.status == Status.SENT and message.wamid == sent[1].wamid != first_wamid


def test_throttling_pauses_the_number_then_sends(fake_graph):
    fake_graph.fail_next(code=130429)
    message = outbox.enqueue(resident(), text="Halo")
    drain(fast_forward=False)
    assert reload(message).status == Status.QUEUED
    drain(rounds=3)  # still throttled: jobs wait, nothing is sent
    assert len(fake_graph.calls()) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        drain()
    assert reload(message).status == Status.SENT
    assert len(fake_graph.messages()) == 1


def test_the_pair_rate_limit_error_delays_only_that_resident(fake_graph):
    busy, other = resident("6281200000001"), resident("6281200000002")
    fake_graph.fail_next(code=131056, to=busy.wa_id)
    first = outbox.enqueue(busy, text="A1")
    outbox.enqueue(other, text="B1")
    drain(fast_forward=False)
    assert [s.text for s in fake_graph.messages()] == ["B1"]
    assert reload(first).throttle_strikes == 1
    drain()
    assert [s.text for s in fake_graph.messages()] == ["B1", "A1"]


def test_a_refused_token_pauses_sending_and_resumes_without_failing_anything(fake_graph, settings):
    settings.LOKET_WA_ACCESS_TOKEN = "expired-token"
    messages = [outbox.enqueue(resident(f"62812000001{i}"), text=f"M{i}") for i in range(3)]
    drain(rounds=5)
    [incident] = active_incidents()
    assert (incident.kind, incident.error_code, incident.pauses_sending) == (Incident.Kind.TOKEN, 190, True)
    # One call found the token refused; the others wait instead of failing one by one.
    assert len(fake_graph.calls()) == 1
    assert all(reload(m).status == Status.QUEUED for m in messages)

    settings.LOKET_WA_ACCESS_TOKEN = fake_graph.access_token  # the administrator rotated the token
    with time_machine.travel(
        timezone.now() + dt.timedelta(seconds=settings.LOKET_WA_PAUSE_PROBE_SECONDS + 1)
    ):
        drain()
    assert sorted(s.text for s in fake_graph.messages()) == ["M0", "M1", "M2"]
    assert all(reload(m).status == Status.SENT for m in messages)
    assert active_incidents() == []
    assert Incident.objects.get().closed_at is not None


def test_one_residents_messages_keep_their_order_through_failures(fake_graph):
    siti, budi = resident("6281200000001"), resident("6281200000002")
    fake_graph.fail_next(2, code=131000, to=siti.wa_id)
    for i in range(3):
        outbox.enqueue(siti, text=f"S{i}")
        outbox.enqueue(budi, text=f"B{i}")
    drain()
    assert [s.text for s in fake_graph.sent_to(siti.wa_id)] == ["S0", "S1", "S2"]
    assert [s.text for s in fake_graph.sent_to(budi.wa_id)] == ["B0", "B1", "B2"]


def test_replies_go_before_bulk_sends(fake_graph):
    bulk = [outbox.enqueue(resident(f"62812000002{i}"), text="bulk", kind="bulk") for i in range(3)]
    outbox.enqueue(resident("6281200000099"), text="reply", kind="reply")
    drain()
    assert [s.text for s in fake_graph.messages()] == ["reply", "bulk", "bulk", "bulk"]
    assert all(reload(m).status == Status.SENT for m in bulk)


def test_no_burst_to_one_resident_beyond_the_pair_limit(fake_graph, settings):
    settings.LOKET_WA_PAIR_BURST = 3
    siti = resident()
    for i in range(5):
        outbox.enqueue(siti, text=f"S{i}")
    drain(fast_forward=False)
    assert [s.text for s in fake_graph.messages()] == ["S0", "S1", "S2"]
    [waiting, *_] = pending_jobs()
    wait = (waiting.run_after - timezone.now()).total_seconds()
    assert settings.LOKET_WA_PAIR_WINDOW_SECONDS - 2 < wait <= settings.LOKET_WA_PAIR_WINDOW_SECONDS
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=wait + 1)):
        drain(fast_forward=False)
    assert [s.text for s in fake_graph.messages()] == ["S0", "S1", "S2", "S3", "S4"]


def test_the_per_number_rate_caps_sending(fake_graph, settings):
    settings.LOKET_WA_RATE_PER_NUMBER = 40
    for i in range(12):
        outbox.enqueue(resident(f"628120000{i:03d}"), text="x")
    drain()
    times = [call.at for call in fake_graph.calls()]
    assert len(times) == 12
    # 12 sends at 40/s: at least 11 intervals of 25 ms between the first and the last.
    assert times[-1] - times[0] >= 11 / 40 * 0.95


def test_a_document_is_uploaded_then_sent_by_media_id(fake_graph):
    pdf = b"%PDF-1.4\n%demo receipt\n"
    message = outbox.enqueue(resident(), text="Bukti pengambilan", document=pdf, document_name="bukti.pdf")
    drain()
    [upload] = fake_graph.calls("media")
    [sent] = fake_graph.messages()
    assert sent.type == "document"
    media_id = sent.body["document"]["id"]
    assert fake_graph.media[media_id].data == pdf
    assert sent.body["document"]["filename"] == "bukti.pdf"
    assert sent.body["document"]["caption"] == "Bukti pengambilan"
    assert reload(message).media_id == media_id and upload.answer_status == 200


def test_a_paused_template_holds_the_message_and_alerts(fake_graph):
    fake_graph.approve_template("loket_pengingat_pengambilan", "id", status="PAUSED")
    old = resident(wrote_ago=dt.timedelta(days=2))
    # A reminder about a request (UTILITY): tied to its case.
    case = Case.objects.create(
        request_number="KIA-20261130-0043", service="KIA", subject="3603", resident=old
    )
    message = outbox.enqueue(old, text="Besok ambil KIA", case=case, kind="reminder")
    drain()
    message = reload(message)
    assert (message.status, message.held_reason) == (Status.HELD, OutboundMessage.Held.TEMPLATE_UNAVAILABLE)
    assert message.last_error_code == 132015
    [incident] = active_incidents()
    assert (incident.kind, incident.scope) == (Incident.Kind.TEMPLATE, "loket_pengingat_pengambilan")


# --- timeouts: a duplicate only after an unanswered timeout -------------------------------------------


def test_after_a_timeout_a_status_naming_the_message_prevents_a_resend(fake_graph, settings):
    settings.LOKET_WA_SEND_TIMEOUT_SECONDS = 0.3
    fake_graph.fail_next(delay=0.6)  # Meta accepts it, but too late for our client
    message = outbox.enqueue(resident(), text="Halo")
    drain(fast_forward=False)
    message = reload(message)
    assert message.status == Status.SENDING and message.uncertain_since is not None
    assert fake_graph.wait_for(lambda: len(fake_graph.messages()) == 1)
    [accepted] = fake_graph.messages()
    status = envelopes.value_of(fake_graph.status_payload(accepted, "delivered"))["statuses"][0]
    apply_status(KIA_NUMBER, status)
    drain()
    message = reload(message)
    assert (message.status, message.wamid) == (Status.DELIVERED, accepted.wamid)
    assert len(fake_graph.messages()) == 1 and not message.duplicate_risk


def test_after_an_unanswered_timeout_the_message_is_sent_again(fake_graph, settings):
    settings.LOKET_WA_SEND_TIMEOUT_SECONDS = 0.3
    fake_graph.fail_next(delay=0.6, code=131000)
    message = outbox.enqueue(resident(), text="Halo")
    drain(fast_forward=False)
    drain()  # made due, but still inside the wait: nothing is resent
    assert len(fake_graph.calls()) == 1
    later = timezone.now() + dt.timedelta(seconds=settings.LOKET_WA_TIMEOUT_WAIT_SECONDS + 1)
    with time_machine.travel(later):
        drain()
    message = reload(message)
    assert message.status == Status.SENT and message.duplicate_risk
    assert message.attempts == 2 and len(fake_graph.messages()) == 1


# --- statuses ---------------------------------------------------------------------------------------


def status(message, name, at, **extra):
    return {"id": message.wamid, "status": name, "timestamp": str(at), **extra}


def test_statuses_only_move_forward(fake_graph):
    message = outbox.enqueue(resident(), text="Halo")
    drain()
    message = reload(message)
    apply_status(KIA_NUMBER, status(message, "read", 1764400300))
    apply_status(KIA_NUMBER, status(message, "delivered", 1764400200))
    apply_status(KIA_NUMBER, status(message, "sent", 1764400100))
    apply_status(KIA_NUMBER, status(message, "failed", 1764400400, errors=[{"code": 131000, "title": "x"}]))
    message = reload(message)
    assert message.status == Status.READ
    assert message.delivered_at.timestamp() == 1764400200
    assert message.read_at.timestamp() == 1764400300


def test_a_failed_status_records_metas_code_and_title(fake_graph):
    message = outbox.enqueue(resident(), text="Halo")
    drain()
    message = reload(message)
    errors = [{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "blocked"}}]
    apply_status(KIA_NUMBER, status(message, "failed", 1764400400, errors=errors))
    message = reload(message)
    assert (message.status, message.last_error_code) == (Status.FAILED, 131026)
    assert message.last_error_title == "Message undeliverable" and message.last_error_details == "blocked"


def test_a_status_before_the_send_call_returned_is_found_by_our_outbox_id(fake_graph):
    message = outbox.enqueue(resident(), text="Halo")
    early = {"id": "wamid.EARLY", "status": "delivered", "timestamp": "1764400200"}
    apply_status(KIA_NUMBER, {**early, "biz_opaque_callback_data": f"outbox={message.pk}"})
    message = reload(message)
    assert (message.wamid, message.status) == ("wamid.EARLY", Status.DELIVERED)
    drain()
    assert fake_graph.messages() == []  # it reached Meta already: not sent again


def test_the_status_job_is_registered_under_its_contract_name(fake_graph):
    from loket.jobs import queue

    message = outbox.enqueue(resident(), text="Halo")
    drain()
    message = reload(message)
    queue.enqueue(
        "whatsapp.apply_status",
        {"phone_number_id": KIA_NUMBER, "status": status(message, "delivered", 1764400200)},
    )
    drain()
    assert reload(message).status == Status.DELIVERED
    assert not Job.objects.filter(state=Job.State.FAILED).exists()


def test_a_worker_killed_during_the_call_waits_for_a_status_before_sending_again(fake_graph):
    message = outbox.enqueue(resident(), text="Halo")
    # What a worker killed mid-call leaves behind: the attempt recorded, no answer stored.
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, last_attempt_at=timezone.now()
    )
    drain()
    assert fake_graph.calls() == []
    assert reload(message).uncertain_since is not None
    delivered = {"id": "wamid.FIRST", "status": "delivered", "timestamp": "1764400200"}
    apply_status(KIA_NUMBER, {**delivered, "biz_opaque_callback_data": f"outbox={message.pk}"})
    drain()
    message = reload(message)
    assert (message.status, message.wamid) == (Status.DELIVERED, "wamid.FIRST")
    assert fake_graph.calls() == []


def test_a_late_transient_failure_sends_the_message_again(fake_graph):
    message = outbox.enqueue(resident(), text="Halo")
    drain()
    message = reload(message)
    first_wamid = message.wamid
    apply_status(
        KIA_NUMBER, status(message, "failed", 1764400400, errors=[{"code": 131000, "title": "Oops"}])
    )
    drain()
    message = reload(message)
    assert message.status == Status.SENT and message.wamid != first_wamid
    assert message.send_round == 1 and len(fake_graph.messages()) == 2
