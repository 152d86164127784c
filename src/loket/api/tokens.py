"""Making and checking API tokens.

A token reads `loket_<prefix>_<secret>`: the prefix (12 hex characters) finds the row, the
whole token's sha256 is compared in constant time. 32 random bytes of secret: guessing is
out of reach, so a plain (unsalted) sha256 is enough and costs nothing per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.db import transaction
from django.utils import timezone

from loket.api.models import ApiToken
from loket.offices.models import Office, default_office

TOKEN_SHAPE = re.compile(r"^loket_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
# last_used_at is written at most this often per token (not one write per request).
LAST_USED_EVERY = dt.timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    *,
    name: str,
    scope: str,
    services: list[str] | None = None,
    kecamatan: list[str] | None = None,
    personal: bool = False,
    office: Office | None = None,
    created_by: str = "",
) -> tuple[ApiToken, str]:
    """A new token row and the token itself (shown once, never stored)."""
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(6)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        token = f"loket_{prefix}_{secrets.token_urlsafe(32)}"
        row = ApiToken.objects.create(
            name=name,
            prefix=prefix,
            secret_sha256=digest(token),
            scope=scope,
            services=list(services or []),
            kecamatan=list(kecamatan or []),
            personal=personal,
            office_id=office.pk if office is not None else default_office(),
            created_by=created_by,
        )
    return row, token


def authenticate(token: str) -> ApiToken | None:
    """The live token row for `token`, or None (malformed, unknown, wrong secret, revoked)."""
    shape = TOKEN_SHAPE.match(token or "")
    if shape is None:
        return None
    row = ApiToken.objects.filter(prefix=shape.group(1)).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, digest(token)):
        return None
    if row.revoked_at is not None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
