"""Sending one delivery: a job of the queue (`hooks.deliver`), retried with capped
exponential backoff and jitter, at least once, the same delivery id on every attempt.

Outcomes (docs/webhooks.md): 2xx delivered; a redirect or a 4xx other than 408, 425 and
429 is a permanent refusal (failed at once, no retry); 408/425/429, 5xx, a timeout or no
connection is retried until `LOKET_HOOKS_MAX_ATTEMPTS`, then failed. Failed deliveries stay
visible on `/console/webhooks/`, where an administrator can send them again.

Order: the jobs of one subscription and one case share an ordering key, so the queue sends
them one at a time, in the order the changes happened; a delivery waiting for its retry
holds back the later ones of that case (not those of other cases or subscriptions).

Logs name the delivery id, the subscription and the status code: never the body.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import ssl

import httpx
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from loket.hooks import signing, targets
from loket.hooks.models import EventDelivery, Subscription
from loket.hooks.payloads import stamp
from loket.jobs import queue

log = logging.getLogger(__name__)

DELIVER_JOB = "hooks.deliver"
BACKOFF_FIRST = 10.0  # seconds
BACKOFF_CAP = 60 * 60.0
# Only a worker that dies or hangs mid-attempt counts against the job's own attempts (a
# retry the handler asks for does not): three such crashes in a row fail the delivery.
JOB_ATTEMPTS = 3
# Client errors a later attempt can cure; any other 4xx means the receiver refuses the event.
RETRYABLE_4XX = frozenset({408, 425, 429})
ERROR_LIMIT = 300


def backoff(attempt: int) -> float:
    """Seconds before the attempt after `attempt`: doubling from 10 s, capped at an hour,
    with jitter (between half and all of it) so that many receivers coming back do not all
    get hit in the same second."""
    ceiling = min(BACKOFF_CAP, BACKOFF_FIRST * 2.0 ** max(0, attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def ordering_key(delivery: EventDelivery) -> str:
    return f"hooks:{delivery.subscription_id}:{delivery.case_id or delivery.event}"


def schedule(delivery: EventDelivery, *, retry: bool = False) -> None:
    """Record the job that sends `delivery` (in the caller's transaction)."""
    queue.enqueue(
        DELIVER_JOB,
        {"delivery": delivery.pk},
        # The first send is keyed (once however often it is asked); an administrator's resend is new.
        key=None if retry else f"hooks:{delivery.delivery_id}",
        ordering_key=ordering_key(delivery),
        max_attempts=JOB_ATTEMPTS,
    )


def body_for(delivery: EventDelivery, attempt: int, now: dt.datetime) -> dict:
    """The snapshot plus this attempt's envelope; `sent_at` makes the time part of the signature."""
    return {
        **delivery.payload,
        "delivery_id": str(delivery.delivery_id),
        "attempt": attempt,
        "sent_at": stamp(now),
    }


def _finish(delivery: EventDelivery, status: str, **fields) -> None:
    now = timezone.now()
    stamp_field = {"delivered_at": now} if status == EventDelivery.Status.DELIVERED else {"failed_at": now}
    EventDelivery.objects.filter(pk=delivery.pk, status=EventDelivery.Status.PENDING).update(
        status=status, next_attempt_at=None, **stamp_field, **fields
    )


@functools.cache
def _tls() -> ssl.SSLContext:
    """Built once per process: loading the CA bundle costs a third of a second each time,
    more than sending the webhook (measured by bench/bench_hooks.py)."""
    return httpx.create_ssl_context()


def post(target: targets.Target, data: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST to the checked address; (status code, "") or (None, why there was no answer)."""
    extensions = {"sni_hostname": target.host} if target.pinned_url.startswith("https") else {}
    timeout = httpx.Timeout(float(settings.LOKET_HOOKS_TIMEOUT_SECONDS))
    try:
        # trust_env=False: no proxy from the environment may stand between the check and the
        # connection; follow_redirects=False: a redirect could lead anywhere.
        with httpx.Client(verify=_tls(), timeout=timeout, trust_env=False, follow_redirects=False) as client:
            request = client.build_request(
                "POST", target.pinned_url, content=data, headers=headers, extensions=extensions
            )
            # Only the status line and headers are read: a receiver's body, however big, is not.
            response = client.send(request, stream=True)
            response.close()
    except httpx.TimeoutException:
        return None, "waktu habis menunggu jawaban"
    except httpx.HTTPError as exc:
        return None, f"tidak tersambung ({type(exc).__name__})"
    return response.status_code, ""


def _job_failed(payload: dict, error: str) -> None:
    """The job ended failed without the handler deciding (a worker died on its last attempt)."""
    delivery = EventDelivery.objects.filter(pk=int(payload.get("delivery") or 0)).first()
    if delivery is not None:
        _finish(delivery, EventDelivery.Status.FAILED, last_error=error[:ERROR_LIMIT])


@queue.handler(DELIVER_JOB, on_failure=_job_failed)
def deliver(payload: dict) -> str:
    delivery = EventDelivery.objects.select_related("subscription").filter(pk=payload["delivery"]).first()
    if delivery is None or delivery.status != EventDelivery.Status.PENDING:
        return "nothing to do"  # purged, or already delivered by an earlier run of this job
    subscription: Subscription = delivery.subscription
    if not subscription.active:
        _finish(delivery, EventDelivery.Status.FAILED, last_error="langganan dinonaktifkan")
        return "inactive"
    attempt = delivery.attempts + 1
    now = timezone.now()
    data = signing.encode(body_for(delivery, attempt, now))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "loket-hooks/1",
        "Host": targets.host_header(subscription.url),
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.delivery_id),
        signing.TIMESTAMP_HEADER: str(int(now.timestamp())),
        signing.SIGNATURE_HEADER: signing.signature(data, subscription.secret),
    }
    try:
        target = targets.vet(subscription.url)
    except targets.TargetRefused as exc:
        code, error = None, str(exc)
        permanent = True
    else:
        code, error = post(target, data, headers)
        permanent = code is not None and (
            300 <= code < 400 or (400 <= code < 500 and code not in RETRYABLE_4XX)
        )
    # Count the attempt (only if no other run of this job counted it first).
    counted = EventDelivery.objects.filter(
        pk=delivery.pk, status=EventDelivery.Status.PENDING, attempts=delivery.attempts
    ).update(
        attempts=F("attempts") + 1, last_attempt_at=now, last_status_code=code, last_error=error[:ERROR_LIMIT]
    )
    if not counted:
        return "counted elsewhere"
    ident = f"{delivery.delivery_id} (subscription #{subscription.pk}, attempt {attempt})"
    if code is not None and 200 <= code < 300:
        _finish(delivery, EventDelivery.Status.DELIVERED, last_error="")
        log.info("webhook %s delivered: HTTP %s", ident, code)
        return "delivered"
    if code is not None and not error:
        error = f"HTTP {code}"
    if permanent:
        reason = error if code is None else f"ditolak penerima: HTTP {code}"
        _finish(delivery, EventDelivery.Status.FAILED, last_error=reason[:ERROR_LIMIT])
        log.warning("webhook %s refused for good: %s", ident, f"HTTP {code}" if code else "target refused")
        return "failed"
    if attempt >= settings.LOKET_HOOKS_MAX_ATTEMPTS:
        _finish(
            delivery,
            EventDelivery.Status.FAILED,
            last_error=f"gagal {attempt}x; terakhir: {error}"[:ERROR_LIMIT],
        )
        log.warning("webhook %s failed after %s attempts", ident, attempt)
        return "failed"
    delay = backoff(attempt)
    EventDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now + dt.timedelta(seconds=delay))
    log.info(
        "webhook %s not taken (%s); again in %.0fs", ident, f"HTTP {code}" if code else "no answer", delay
    )
    raise queue.RetryLater(delay, f"webhook not taken: {error}")
