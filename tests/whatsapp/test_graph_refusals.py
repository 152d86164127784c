"""One Graph client for sends and media: a refusal met on a download means what it means on a send.

A refused token opens the same incident whichever call met it (and pauses sending), the
error table decides what retries and which incident opens (on a send, a download, or a
late failure status), and a download that works proves the token again.
"""

import datetime as dt

import pytest
from django.utils import timezone

from loket.cases.models import Document
from loket.channels.whatsapp import graph, incidents, media, outbox
from loket.channels.whatsapp.errors import ERROR_TABLE, Action, GraphError, rule_for
from loket.channels.whatsapp.models import InboundMessage, Incident
from loket.channels.whatsapp.sending import apply_status
from loket.jobs.models import Job
from tests.whatsapp.inbound import (  # noqa: F401
    deliver,
    inbound_settings,
    jpeg,
    office_numbers,
    photo,
    work,
)
from tests.whatsapp.outbound_builders import drain, resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def run_download_again() -> None:
    job = Job.objects.get(name="whatsapp.download_media")
    Job.objects.filter(pk=job.pk).update(run_after=job.created_at)
    work()


def test_a_token_refused_on_a_media_download_opens_the_token_incident_and_pauses_sending(fake_graph):
    fake_graph.access_token = "rotated-by-meta"  # ours is refused from now on (code 190)
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    message = InboundMessage.objects.get()
    # Not the file's fault: it waits for another try, and operations hear of it at once.
    assert message.media_state == "pending" and message.media_attempts == 1
    assert "190" in message.media_error
    [incident] = incidents.active_incidents()
    assert (incident.kind, incident.error_code, incident.pauses_sending, incident.scope) == (
        Incident.Kind.TOKEN,
        190,
        True,
        "",
    )
    # The same token sends too: sending is paused until a probe, as after a refused send.
    assert incidents.sending_paused_until(message.phone_number_id) is not None
    # The retry waits at least what the error table asks of a refused token.
    job = Job.objects.get(name="whatsapp.download_media")
    assert job.run_after >= timezone.now() + dt.timedelta(seconds=ERROR_TABLE[190].wait - 5)


def test_the_file_is_stored_once_the_token_works_again_and_that_closes_the_incident(fake_graph):
    real_token = fake_graph.access_token
    fake_graph.access_token = "rotated-by-meta"
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    assert incidents.active_incidents()

    fake_graph.access_token = real_token  # the administrator set the new token
    run_download_again()
    message = InboundMessage.objects.get()
    assert message.media_state == "stored" and message.media_attempts == 2
    assert Document.objects.get().file
    assert incidents.active_incidents() == []
    assert Incident.objects.get(kind=Incident.Kind.TOKEN).closed_at is not None


def test_a_bare_401_from_the_media_host_is_read_as_a_refused_token(fake_graph):
    fake_graph.fail_next(kind="download", http_status=401)
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    message = InboundMessage.objects.get()
    assert message.media_state == "pending"
    assert [i.kind for i in incidents.active_incidents()] == [Incident.Kind.TOKEN]


def test_an_unknown_media_id_is_given_up_at_once_without_an_incident(fake_graph):
    item = photo(fake_graph, jpeg(), caption="AKTA")
    item["image"]["id"] = "999999999"  # Meta answers code 100: retrying cannot help
    deliver(item)
    message = InboundMessage.objects.get()
    assert message.media_state == "unavailable" and message.media_attempts == 1
    assert "media_unavailable" in message.flags and "(100)" in message.media_error
    assert incidents.active_incidents() == []


def test_a_rate_limited_media_lookup_waits_as_the_table_says_and_opens_nothing(fake_graph):
    fake_graph.fail_next(kind="media_get", code=4)
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    message = InboundMessage.objects.get()
    assert message.media_state == "pending" and incidents.active_incidents() == []
    job = Job.objects.get(name="whatsapp.download_media")
    assert job.run_after >= timezone.now() + dt.timedelta(seconds=ERROR_TABLE[4].wait - 5)
    run_download_again()
    assert InboundMessage.objects.get().media_state == "stored"


def test_a_refused_account_on_a_download_pauses_only_that_office_number(fake_graph):
    fake_graph.fail_next(kind="media_get", code=133010)
    deliver(photo(fake_graph, jpeg(), caption="AKTA"))
    [incident] = incidents.active_incidents()
    message = InboundMessage.objects.get()
    assert (incident.kind, incident.scope) == (Incident.Kind.ACCOUNT, message.phone_number_id)
    assert incidents.sending_paused_until("some-other-number") is None


def test_the_download_is_streamed_and_stops_at_the_limit(fake_graph, settings):
    media_id = fake_graph.add_media(b"x" * 50_000, "application/pdf")
    client = graph.client()
    url = client.media_info(media_id)["url"]
    assert client.download(url, max_bytes=50_000) == b"x" * 50_000
    with pytest.raises(graph.BodyTooLarge):
        client.download(url, max_bytes=49_999)


def test_a_proxys_error_page_on_the_media_lookup_is_retried_not_given_up(fake_graph):
    fake_graph.fail_next(kind="media_get", http_status=502)
    with pytest.raises(media.MediaError) as caught:
        media.fetch(fake_graph.add_media(jpeg(), "image/jpeg"), kind="image")
    assert not caught.value.permanent and caught.value.refusal is not None
    assert incidents.active_incidents() == []


def test_every_pausing_rule_names_an_incident_the_model_knows():
    kinds = set(Incident.Kind.values)
    pausing = [rule for rule in ERROR_TABLE.values() if rule.action == Action.PAUSE]
    assert pausing and all(rule.incident in kinds for rule in pausing)
    assert rule_for(None, 401).incident == Incident.Kind.TOKEN
    # Nothing but a pause opens an incident from a refusal (templates are the sender's own).
    assert incidents.graph_refused(GraphError(100, "Invalid parameter")) is None
    assert incidents.graph_refused(GraphError(131000, "Something went wrong", http_status=500)) is None


def test_media_has_no_http_client_of_its_own():
    # Sends and media share graph.GraphClient: one error table, one token, one set of timeouts.
    assert not hasattr(media, "httpx")


@pytest.mark.parametrize(
    ("code", "kind", "per_number"),
    [(131048, Incident.Kind.ACCOUNT, True), (131031, Incident.Kind.ACCOUNT, False), (190, "token", False)],
)
def test_a_late_pausing_failure_status_opens_the_incident_the_table_names(fake_graph, code, kind, per_number):
    message = outbox.enqueue(resident(), text="Kabar", kind="reply")
    drain()
    message.refresh_from_db()
    assert message.status == "sent"
    failed = fake_graph.status_payload(fake_graph.messages()[0], "failed", error_code=code)
    apply_status(message.phone_number_id, failed["entry"][0]["changes"][0]["value"]["statuses"][0])
    [incident] = incidents.active_incidents()
    scope = message.phone_number_id if per_number else ""
    assert (incident.kind, incident.scope, incident.error_code, incident.pauses_sending) == (
        kind,
        scope,
        code,
        True,
    )
