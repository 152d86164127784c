"""Alerts to an office's pager: one signed JSON POST per incident change, from the job
queue, retried until the receiver takes it; nothing at all without an address."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from loket.channels.whatsapp.incidents import close_incidents, open_incident
from loket.channels.whatsapp.models import Incident
from loket.core import alerts
from loket.jobs import queue
from loket.jobs.models import Job

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    """A real HTTP server on an ephemeral port that records what it is sent."""

    url: str = ""
    answers: list[int] = field(default_factory=list)  # statuses to answer, in turn; then 204
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    record = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            record.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            status = record.answers.pop(0) if record.answers else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    record.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/loket"
    settings.LOKET_ALERT_WEBHOOK_URL = record.url
    settings.LOKET_ALERT_WEBHOOK_SECRET = ""
    settings.LOKET_OFFICE_NAME = "Disdukcapil Kabupaten Tangerang"
    yield record
    server.shutdown()
    server.server_close()


def _alert_jobs() -> list[Job]:
    return list(Job.objects.filter(name=alerts.ALERT_JOB).order_by("pk"))


def _drain() -> None:
    for _ in range(10):
        queue.run_pending(names=[alerts.ALERT_JOB])
        due = Job.objects.filter(name=alerts.ALERT_JOB, state=Job.State.PENDING)
        if not due.exists():
            return
        due.update(run_after=timezone.now())


def test_an_incident_that_opens_is_posted_once(receiver: Receiver) -> None:
    open_incident(Incident.Kind.TOKEN, "Token akses ditolak Meta (190). Buat token baru.", error_code=190)
    open_incident(Incident.Kind.TOKEN, "Token akses ditolak Meta (190). Buat token baru.", error_code=190)
    _drain()
    [body] = receiver.bodies()
    incident = Incident.objects.get(kind=Incident.Kind.TOKEN)
    assert body == {
        "kind": "whatsapp.token",
        "state": "open",
        "office": "Disdukcapil Kabupaten Tangerang",
        "office_code": "36.03",
        "scope": "",
        "since": incident.opened_at.isoformat(),
        "summary": "Token akses ditolak: Token akses ditolak Meta (190). Buat token baru.",
    }
    headers, _ = receiver.received[0]
    assert headers["content-type"] == "application/json"
    assert "x-loket-signature" not in headers  # no secret set
    assert [j.state for j in _alert_jobs()] == [Job.State.DONE]


def test_an_incident_that_closes_is_posted_once(receiver: Receiver) -> None:
    open_incident(Incident.Kind.STALLED, "12 pesan menunggu dikirim.")
    assert close_incidents(Incident.Kind.STALLED) == 1
    assert close_incidents(Incident.Kind.STALLED) == 0
    _drain()
    assert [(b["kind"], b["state"]) for b in receiver.bodies()] == [
        ("whatsapp.stalled", "open"),
        ("whatsapp.stalled", "closed"),
    ]
    incident = Incident.objects.get(kind=Incident.Kind.STALLED)
    assert receiver.bodies()[1]["since"] == incident.closed_at.isoformat()
    # A new incident of the same kind is a new change: its own alerts.
    open_incident(Incident.Kind.STALLED, "3 pesan menunggu dikirim.")
    _drain()
    assert len(receiver.received) == 3


def test_a_receiver_answering_500_is_retried_until_it_takes_the_alert(receiver: Receiver) -> None:
    receiver.answers = [500, 503]
    open_incident(Incident.Kind.TEMPLATE, "Template ditolak.", scope="loket_kabar_permohonan")
    queue.run_pending(names=[alerts.ALERT_JOB])
    [job] = _alert_jobs()
    assert job.state == Job.State.PENDING and "HTTP 500" in job.last_error
    assert job.run_after > timezone.now()  # backed off, not hammered
    _drain()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 3
    assert len(receiver.received) == 3
    assert len({body for _, body in receiver.received}) == 1  # the same alert each time


def test_a_refused_alert_fails_at_once(receiver: Receiver) -> None:
    receiver.answers = [404]
    open_incident(Incident.Kind.ACCOUNT, "Akun dibatasi.")
    _drain()
    [job] = _alert_jobs()
    assert job.state == Job.State.FAILED and "HTTP 404" in job.last_error
    assert len(receiver.received) == 1


def test_an_unreachable_receiver_is_retried_without_naming_its_address(receiver: Receiver, settings) -> None:
    settings.LOKET_ALERT_WEBHOOK_URL = "http://127.0.0.1:9/secret-token-in-path"  # discard port: refused
    open_incident(Incident.Kind.ACCOUNT, "Akun dibatasi.")
    queue.run_pending(names=[alerts.ALERT_JOB])
    [job] = _alert_jobs()
    assert job.state == Job.State.PENDING
    assert "unreachable" in job.last_error and "secret-token" not in job.last_error


def test_with_a_secret_the_body_is_signed(receiver: Receiver, settings) -> None:
    settings.LOKET_ALERT_WEBHOOK_SECRET = "s3cret"
    open_incident(Incident.Kind.PERMISSION, "Izin kurang.")
    _drain()
    [(headers, body)] = receiver.received
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["x-loket-signature"] == f"sha256={expected}"


def test_without_an_address_no_job_is_recorded(settings) -> None:
    settings.LOKET_ALERT_WEBHOOK_URL = ""
    open_incident(Incident.Kind.TOKEN, "Token ditolak.")
    close_incidents(Incident.Kind.TOKEN)
    assert _alert_jobs() == []


def test_the_alert_is_recorded_in_the_transaction_of_the_change(receiver: Receiver) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        open_incident(Incident.Kind.TOKEN, "Token ditolak.")
        raise RuntimeError("the change is rolled back")
    assert not Incident.objects.exists()
    assert _alert_jobs() == []


def test_a_long_summary_is_cut_short_on_one_line(receiver: Receiver) -> None:
    open_incident(Incident.Kind.STALLED, "baris satu\nbaris dua " + "x" * 1000)
    _drain()
    [body] = receiver.bodies()
    assert len(body["summary"]) == alerts.SUMMARY_LIMIT and "\n" not in body["summary"]
