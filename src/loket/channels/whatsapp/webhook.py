"""`/webhooks/whatsapp`: Meta's door into Loket.

The hot path is deliberately tiny: check the size, check the signature over the raw bytes,
store the bytes with one INSERT, answer 200. Everything else (JSON, routing, residents,
media, replies) happens in the worker (`ingest.py`), so a slow step can never make Meta
time out and redeliver, and nothing is answered 200 that is not stored.
"""

from __future__ import annotations

import hmac
import logging
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from loket.channels.whatsapp.envelopes import sign
from loket.channels.whatsapp.ingest import DISPATCH
from loket.channels.whatsapp.models import Delivery
from loket.jobs import queue

log = logging.getLogger(__name__)

# A stored delivery is split by the job `whatsapp.dispatch_deliveries`, which runs every
# second anyway; to answer sooner, a webhook also asks for one at once, but at most every
# WAKE_EVERY seconds per process, so that under load the hot path stays one INSERT.
WAKE_EVERY = 0.25
_last_wake = 0.0

_INSERT = f"INSERT INTO {Delivery._meta.db_table} (body, flags) VALUES (%s, %s)"  # noqa: S608 - constant


def signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    # Meta's header is `sha256=<hex>`: the same value the envelope builder signs with.
    return hmac.compare_digest(sign(app_secret, body)[7:], header[7:].strip().lower())


def _text(status: int, text: str = "") -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain")


@csrf_exempt
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _receive(request)
    if request.method == "GET":
        return _handshake(request)
    return _text(405)


def _handshake(request: HttpRequest) -> HttpResponse:
    token = settings.LOKET_WA_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        token
        and request.GET.get("hub.mode") == "subscribe"
        and hmac.compare_digest(token.encode(), given.encode())
    ):
        return _text(200, request.GET.get("hub.challenge", ""))
    return _text(403, "forbidden")


def _receive(request: HttpRequest) -> HttpResponse:
    limit = settings.LOKET_WA_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _text(400, "bad content-length")
    if declared > limit:
        return _text(413, "too large")
    try:
        body = request.body
    except RequestDataTooBig:
        return _text(413, "too large")
    if len(body) > limit:
        return _text(413, "too large")
    header = request.headers.get("X-Hub-Signature-256")
    if not header:
        return _text(401, "signature missing")
    if not signature_ok(settings.LOKET_WA_APP_SECRET, body, header):
        return _text(403, "bad signature")
    try:
        # Autocommit: when execute returns, the row is durable; only then do we say 200.
        # The body column is binary (bytea): NUL bytes, `\u0000` or lone-surrogate escapes,
        # bad UTF-8 and nesting of any depth are only bytes here, so a signed body is always
        # storable; the worker decides what it means (and quarantines what it cannot read).
        with connection.cursor() as cursor:
            cursor.execute(_INSERT, [body, "[]"])
    except DatabaseError:
        log.exception("webhook delivery could not be stored; answering 503 so Meta retries")
        return _text(503, "not stored, retry")
    _wake_worker()
    return _text(200, "ok")


def _wake_worker() -> None:
    global _last_wake
    now = time.monotonic()
    if now - _last_wake < WAKE_EVERY:
        return
    _last_wake = now
    try:
        slot = int(time.time() / WAKE_EVERY)
        queue.enqueue(DISPATCH, {}, key=f"wa-dispatch:{slot}", priority=6, max_attempts=1)
    except DatabaseError:
        pass  # the delivery is stored; the periodic dispatch splits it a moment later
