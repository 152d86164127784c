"""Builders for inbound tests: office numbers, webhook payloads signed like Meta, running the worker."""

from __future__ import annotations

import copy
import io
import itertools
import json
import time
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image
from pypdf import PdfWriter

from loket.channels.whatsapp import envelopes, ingest
from loket.channels.whatsapp.models import PhoneNumber
from loket.jobs import queue

TESTDATA = Path(__file__).parent / "testdata"
KIA_NUMBER = "109876543210987"
KK_NUMBER = "109876543210001"
SITI = "6281298765432"
SITI_BSUID = "ID.1234567890123456"
_ids = itertools.count(1)
# Tests write timestamps around 1764400000 (2025-11-29); messages carry them shifted to now,
# so the resident's 24-hour window is open as it would be in real life.
SHIFT = int(time.time()) - 1764400000


def fixture(name: str) -> dict:
    return json.loads((TESTDATA / name).read_text())


def office_numbers() -> None:
    PhoneNumber.objects.update_or_create(
        phone_number_id=KIA_NUMBER, defaults={"display_number": "6285694012597", "services": ["KIA"]}
    )
    PhoneNumber.objects.update_or_create(
        phone_number_id=KK_NUMBER, defaults={"display_number": "6281282372016", "services": ["KK"]}
    )


def message(kind: str = "text", *, wamid: str = "", ts: int = 1764400000, frm: str = SITI, **content) -> dict:
    return envelopes.message(
        kind, content, wamid=wamid or f"wamid.TEST-{next(_ids)}", timestamp=ts + SHIFT, sender=frm
    )


def text(body: str, **kw) -> dict:
    return message("text", body=body, **kw)


def envelope(*messages: dict, number: str = KIA_NUMBER, wa_id: str = SITI, bsuid: str = SITI_BSUID) -> dict:
    return envelopes.envelope(
        number,
        contacts=[envelopes.contact(wa_id=wa_id, user_id=bsuid, name="Siti Aminah")],
        messages=[copy.deepcopy(m) for m in messages],
    )


def post(payload, *, secret: str | None = None, client: Client | None = None):
    from django.conf import settings

    body = payload if isinstance(payload, bytes) else envelopes.body(payload)
    headers = {"HTTP_X_HUB_SIGNATURE_256": envelopes.sign(secret or settings.LOKET_WA_APP_SECRET, body)}
    return (client or Client()).post("/webhooks/whatsapp", body, content_type="application/json", **headers)


def work() -> None:
    """What `loket worker` does, until nothing is due: split deliveries, then run the jobs."""
    for _ in range(20):
        split = ingest.dispatch_pending()
        ran = queue.run_pending()
        if not split and not (ran.done or ran.failed or ran.retried):
            return


def deliver(*messages: dict, **kw) -> None:
    response = post(envelope(*messages, **kw))
    assert response.status_code == 200, response.content
    work()


def jpeg(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, "JPEG")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 90, 200)).save(out, "PNG")
    return out.getvalue()


def _one_page_pdf() -> bytes:
    # A real PDF (one blank page): the file check opens it and counts its pages.
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


PDF = _one_page_pdf()


def b64sha(data: bytes) -> str:
    """The sha256 as Meta writes it in webhooks (base64)."""
    return envelopes.media_sha256(data)


def photo(
    fake_graph, data: bytes, *, caption: str = "", kind: str = "image", mime="image/jpeg", **kw
) -> dict:
    media_id = fake_graph.add_media(data, mime)
    content = {"id": media_id, "mime_type": mime, "sha256": b64sha(data)}
    if caption:
        content["caption"] = caption
    if kind == "document":
        content["filename"] = "berkas.pdf"
    return message(kind, **content, **kw)


@pytest.fixture(autouse=True)
def inbound_settings(settings, tmp_path, fake_graph):
    """Imported by each inbound test module: the fake Graph API (replies really go out to it),
    secrets, no acknowledgement delay, files in tmp."""
    settings.LOKET_WA_APP_SECRET = settings.LOKET_WA_APP_SECRET or "test-app-secret"
    settings.LOKET_WA_VERIFY_TOKEN = "test-verify-token"
    settings.LOKET_WA_ACK_DELAY_SECONDS = 0
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings
