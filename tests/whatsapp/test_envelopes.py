"""The one builder of Meta webhook envelopes (channels/whatsapp/envelopes.py): what it builds
is what the webhook accepts and the worker reads, and nobody else builds one by hand."""

import json
import re
from pathlib import Path

import pytest

from loket.cases.models import Resident
from loket.channels.whatsapp import envelopes
from loket.channels.whatsapp.fake_graph import Sent
from loket.channels.whatsapp.models import InboundMessage
from loket.channels.whatsapp.webhook import signature_ok
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    deliver,
    inbound_settings,
    office_numbers,
    text,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_signed_body_passes_the_webhooks_check_and_a_changed_one_does_not():
    payload = envelopes.envelope(KIA_NUMBER, messages=[envelopes.text("Halo", wamid="w.1", timestamp=1)])
    body = envelopes.body(payload)
    headers = envelopes.headers("rahasia", body)
    assert headers["Content-Type"] == "application/json"
    assert signature_ok("rahasia", body, headers["X-Hub-Signature-256"])
    assert not signature_ok("rahasia", body.replace(b"Halo", b"Hal0"), headers["X-Hub-Signature-256"])
    assert not signature_ok("lain", body, headers["X-Hub-Signature-256"])


def test_the_body_escapes_non_ascii_like_meta_and_reads_back_the_same():
    message = envelopes.text("Ibu Añi — “tolong”", wamid="w.2", timestamp=1764400000, sender="628123")
    payload = envelopes.envelope(KIA_NUMBER, messages=[message])
    for compact in (False, True):
        body = envelopes.body(payload, compact=compact)
        assert body.isascii() and b"\\u201c" in body
        assert json.loads(body) == payload
    assert b", " not in envelopes.body(payload, compact=True)


def test_only_what_is_given_is_in_the_value():
    status = {"id": "wamid.X", "status": "sent", "timestamp": "1"}
    value = envelopes.value_of(envelopes.envelope(KIA_NUMBER, display_number="62811", statuses=[status]))
    assert value == {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "62811", "phone_number_id": KIA_NUMBER},
        "statuses": [status],
    }
    assert envelopes.contact(user_id="ID.1", name="Ani") == {"profile": {"name": "Ani"}, "user_id": "ID.1"}
    assert "from" not in envelopes.text("x", wamid="w", timestamp=1)


@pytest.mark.django_db
def test_a_username_only_resident_built_here_is_stored_by_the_worker(fake_graph):
    office_numbers()
    deliver(text("STATUS", frm=""), wa_id="", bsuid="ID.USERNAMEONLY1")
    message = InboundMessage.objects.get()
    assert message.resident == Resident.objects.get(bsuid="ID.USERNAMEONLY1")


def test_the_fake_graph_status_webhook_is_built_here(fake_graph):
    sent = Sent(1, "wamid.A", KIA_NUMBER, "628123", {"to": "628123", "type": "text"})
    payload = fake_graph.status_payload(sent, "delivered")
    (status,) = envelopes.value_of(payload)["statuses"]
    assert (status["id"], status["status"], status["recipient_id"]) == ("wamid.A", "delivered", "628123")
    display = fake_graph.display_numbers.get(KIA_NUMBER, KIA_NUMBER)
    assert payload == envelopes.envelope(KIA_NUMBER, display_number=display, statuses=[status])


def _hand_built(path: Path) -> list[int]:
    """Lines that write a `changes` key of an envelope (bytes literals of poison are allowed)."""
    lines = path.read_text().splitlines()
    return [
        n
        for n, line in enumerate(lines, 1)
        if re.search(r"[\"']changes[\"']\s*:", line) and not re.search(r"\bb[\"']", line)
    ]


def test_no_module_builds_an_envelope_by_hand():
    builder = ROOT / "src/loket/channels/whatsapp/envelopes.py"
    found = {
        str(path.relative_to(ROOT)): lines
        for folder in ("src", "bench", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if path != builder and (lines := _hand_built(path))
    }
    assert found == {}
    assert _hand_built(builder)  # the check does see a hand-built envelope
