"""A send job that fails for good marks its message failed (visible), never "sending" for ever."""

from __future__ import annotations

import pytest

from loket.channels.whatsapp import outbox
from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.sending import SEND_JOB, requeue, send_job_failed
from loket.jobs.models import Job
from tests.whatsapp.outbound_builders import drain, resident

pytestmark = pytest.mark.django_db

Status = OutboundMessage.Status


def test_a_document_that_vanished_from_storage_fails_its_message_after_the_last_attempt(fake_graph, settings):
    settings.LOKET_WA_TIMEOUT_WAIT_SECONDS = 0
    message = outbox.enqueue(resident(), text="Bukti", document=b"%PDF-1.4\n", document_name="bukti.pdf")
    message.document.storage.delete(message.document.name)  # gone: every attempt raises
    drain(rounds=80)
    [job] = Job.objects.filter(name=SEND_JOB)
    assert job.state == Job.State.FAILED and job.attempts == job.max_attempts
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.last_error_title.startswith("send job failed: FileNotFoundError")
    assert fake_graph.messages() == []


def test_a_failed_old_round_leaves_a_newer_round_of_the_message_alone(fake_graph):
    message = outbox.enqueue(resident(), text="Halo")
    first_round = message.send_round
    requeue(message)  # e.g. resent as a template: a new round with its own job
    message.refresh_from_db()
    send_job_failed({"id": message.pk, "round": first_round}, "boom")
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    send_job_failed({"id": message.pk, "round": message.send_round}, "boom")
    message.refresh_from_db()
    assert message.status == Status.FAILED
