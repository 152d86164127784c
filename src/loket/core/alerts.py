"""Operations alerts to an office's own chat or pager: one JSON POST per incident change.

When `LOKET_ALERT_WEBHOOK_URL` is set, every incident that opens or closes (any
capability's: WhatsApp's token, template, stalled outbox, ...) records one keyed job in the
same transaction as the change, and a worker POSTs it, retrying with the queue's backoff
until the receiver answers 2xx. Unset, nothing is recorded and nothing changes.

The body is short and holds no personal data:

    {"kind": "token", "state": "open", "office": "...", "office_code": "36.03",
     "scope": "", "since": "2026-12-05T02:13:00+00:00", "summary": "..."}

With `LOKET_ALERT_WEBHOOK_SECRET` the exact body bytes are signed:
`X-Loket-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from typing import Literal

import httpx
from django.conf import settings

from loket.jobs import queue
from loket.jobs.models import Job

log = logging.getLogger(__name__)

ALERT_JOB = "core.alert"
SIGNATURE_HEADER = "X-Loket-Signature"
SUMMARY_LIMIT = 300
# Retried with the queue's backoff (2 s doubling, capped at 30 min): about a day in all.
ATTEMPTS = 60
TIMEOUT_SECONDS = 10.0
# Client errors that a later try can cure; any other 4xx means the alert itself is refused.
_RETRYABLE_4XX = {408, 425, 429}

State = Literal["open", "closed"]


def enabled() -> bool:
    return bool(settings.LOKET_ALERT_WEBHOOK_URL)


def incident_changed(
    *,
    source: str,
    incident_id: int,
    kind: str,
    state: State,
    since: dt.datetime,
    summary: str,
    scope: str = "",
) -> Job | None:
    """Record the alert of one incident change (call it inside the transaction of the change).

    The key names the incident and its new state, so one change is one POST however many
    workers notice it. `summary` must hold no personal data (incident texts do not).
    Returns None when no alert address is set.
    """
    if not enabled():
        return None
    body = {
        "kind": kind,
        "state": state,
        "office": settings.LOKET_OFFICE_NAME,
        "office_code": settings.LOKET_REGION_CODE,
        "scope": scope,
        "since": since.astimezone(dt.UTC).isoformat(),
        "summary": " ".join(summary.split())[:SUMMARY_LIMIT],
    }
    return queue.enqueue(
        ALERT_JOB,
        {"body": body},
        key=f"alert:{source}:{incident_id}:{state}",
        priority=10,
        max_attempts=ATTEMPTS,
    )


def encode(body: dict) -> bytes:
    """The exact bytes posted (and signed)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(data: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


@queue.handler(ALERT_JOB)
def deliver(payload: dict) -> None:
    """POST one alert. Non-2xx or no answer raises: the queue retries with backoff."""
    url = settings.LOKET_ALERT_WEBHOOK_URL
    if not url:
        raise queue.GiveUp("LOKET_ALERT_WEBHOOK_URL is no longer set")
    data = encode(payload["body"])
    headers = {"Content-Type": "application/json", "User-Agent": "loket-alerts"}
    if settings.LOKET_ALERT_WEBHOOK_SECRET:
        headers[SIGNATURE_HEADER] = signature(data, settings.LOKET_ALERT_WEBHOOK_SECRET)
    try:
        response = httpx.post(url, content=data, headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        # The address is the office's own configuration, not personal data; keep it out anyway.
        raise ConnectionError(f"alert webhook unreachable: {type(exc).__name__}") from None
    if response.is_success:
        return
    if 400 <= response.status_code < 500 and response.status_code not in _RETRYABLE_4XX:
        raise queue.GiveUp(f"alert webhook refused the alert: HTTP {response.status_code}")
    raise ConnectionError(f"alert webhook answered HTTP {response.status_code}")
