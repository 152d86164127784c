"""The bytes a webhook sends and how they are signed (receivers: docs/webhooks.md).

`X-Loket-Signature: sha256=<hex HMAC-SHA256 of the raw body with the subscription secret>`.
The body itself carries `sent_at` (and the delivery id), so the time is part of the signed
material: a receiver that refuses bodies older than a few minutes is safe from replays, and
one that remembers delivery ids is safe from duplicates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

SIGNATURE_HEADER = "X-Loket-Signature"
DELIVERY_HEADER = "X-Loket-Delivery"
EVENT_HEADER = "X-Loket-Event"
TIMESTAMP_HEADER = "X-Loket-Timestamp"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that tells what the value is, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encode(body: dict) -> bytes:
    """The exact bytes posted (and signed): compact, keys sorted, UTF-8."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(data: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def verify(data: bytes, header: str, secret: str) -> bool:
    """What a receiver does (constant-time comparison); used by the tests as a receiver."""
    return hmac.compare_digest(signature(data, secret), header or "")
