"""The fake Graph API speaks the protocol our client and the acceptance checks rely on."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.whatsapp_fixtures import ACCESS_TOKEN, APP_SECRET

AUTH = {"Authorization": f"Bearer {ACCESS_TOKEN}"}


def send(fake, body, headers=AUTH, pnid="109876543210987"):
    return httpx.post(f"{fake.url}/v26.0/{pnid}/messages", json=body, headers=headers, timeout=5)


def text(to="6281298765432", body="Halo"):
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def test_a_send_is_accepted_with_a_wamid_and_recorded(fake_graph):
    answer = send(fake_graph, text())
    assert answer.status_code == 200
    data = answer.json()
    assert data["messaging_product"] == "whatsapp"
    assert data["contacts"][0]["wa_id"] == "6281298765432"
    wamid = data["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    [sent] = fake_graph.messages()
    assert (sent.wamid, sent.to, sent.text) == (wamid, "6281298765432", "Halo")


def test_a_wrong_token_is_refused_with_error_190(fake_graph):
    answer = send(fake_graph, text(), headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == 190
    assert fake_graph.messages() == []


def test_injected_failures_come_in_order_then_sends_succeed(fake_graph):
    fake_graph.fail_next(code=131047)
    fake_graph.fail_next(http_status=503)
    first, second, third = (send(fake_graph, text()) for _ in range(3))
    assert (first.status_code, first.json()["error"]["code"]) == (400, 131047)
    assert second.status_code == 503
    assert third.status_code == 200
    assert len(fake_graph.messages()) == 1
    assert [r.answer_status for r in fake_graph.calls()] == [400, 503, 200]


def test_only_known_templates_once_templates_are_configured(fake_graph):
    fake_graph.approve_template("loket_kabar_permohonan", "id")
    fake_graph.approve_template("loket_pengingat", "id", status="PAUSED")
    template = {"messaging_product": "whatsapp", "to": "62812", "type": "template"}
    ok = send(
        fake_graph, {**template, "template": {"name": "loket_kabar_permohonan", "language": {"code": "id"}}}
    )
    missing = send(fake_graph, {**template, "template": {"name": "nope", "language": {"code": "id"}}})
    paused = send(
        fake_graph, {**template, "template": {"name": "loket_pengingat", "language": {"code": "id"}}}
    )
    assert ok.status_code == 200
    assert missing.json()["error"]["code"] == 132001
    assert paused.json()["error"]["code"] == 132015


def _list(rows, button="Pilih jawaban", section="U1 Persyaratan"):
    return {
        "messaging_product": "whatsapp",
        "to": "62812",
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "?"},
            "action": {"button": button, "sections": [{"title": section, "rows": rows}]},
        },
    }


def test_lists_over_meta_limits_are_refused_with_131009(fake_graph):
    row = {"id": "a", "title": "Sangat sesuai", "description": "Nilai 4"}
    assert send(fake_graph, _list([row])).status_code == 200
    refused = [
        _list([{**row, "title": "x" * 25}]),
        _list([{**row, "description": "d" * 73}]),
        _list([{**row, "id": f"r{i}"} for i in range(11)]),
        _list([]),
        _list([row], button="x" * 21),
        _list([row], section="s" * 25),
    ]
    for body in refused:
        assert send(fake_graph, body).json()["error"]["code"] == 131009


def test_media_upload_metadata_and_download_with_the_token(fake_graph):
    upload = httpx.post(
        f"{fake_graph.url}/v26.0/109876543210987/media",
        data={"messaging_product": "whatsapp", "type": "application/pdf"},
        files={"file": ("tanda-terima.pdf", b"%PDF-1.4 demo", "application/pdf")},
        headers=AUTH,
    )
    media_id = upload.json()["id"]
    meta = httpx.get(f"{fake_graph.url}/v26.0/{media_id}", headers=AUTH).json()
    assert meta["mime_type"] == "application/pdf"
    assert meta["sha256"] == hashlib.sha256(b"%PDF-1.4 demo").hexdigest()
    assert meta["file_size"] == len(b"%PDF-1.4 demo")
    assert httpx.get(meta["url"]).status_code == 401
    download = httpx.get(meta["url"], headers=AUTH)
    assert download.content == b"%PDF-1.4 demo"
    assert download.headers["content-type"] == "application/pdf"

    photo_id = fake_graph.add_media(b"\xff\xd8\xff jpeg", "image/jpeg")
    assert httpx.get(f"{fake_graph.url}/v26.0/{photo_id}", headers=AUTH).json()["file_size"] == 8


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((body, self.headers.get("X-Hub-Signature-256")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, _Receiver.received
    server.shutdown()
    server.server_close()


def test_statuses_are_posted_back_signed_like_meta(fake_graph, receiver):
    server, received = receiver
    fake_graph.webhook_url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/whatsapp"
    fake_graph.fail_async_next(131047)
    body = {**text(), "biz_opaque_callback_data": "outbox=42"}
    wamid = send(fake_graph, body).json()["messages"][0]["id"]
    assert fake_graph.wait_for(lambda: len(received) == 2)
    statuses = []
    for raw, signature in received:
        expected = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert signature == expected
        payload = json.loads(raw)
        value = payload["entry"][0]["changes"][0]["value"]
        assert value["metadata"]["phone_number_id"] == "109876543210987"
        statuses.extend(value["statuses"])
    assert [s["status"] for s in statuses] == ["sent", "failed"]
    assert all(s["id"] == wamid and s["biz_opaque_callback_data"] == "outbox=42" for s in statuses)
    assert statuses[1]["errors"][0]["code"] == 131047
