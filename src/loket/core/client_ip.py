"""The client's address, as the one trusted proxy header says.

Behind `LOKET_PROXY_COUNT` proxies, each appends the address it received the request from
to X-Forwarded-For, so the client is the entry that many places from the right: entries
further left were written by the client and prove nothing. With no proxy (the default on
plain http), REMOTE_ADDR. Used by every per-client limit and record (login lockouts,
receipt checks, the console's audit).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, or "" when there is none that parses as one."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.LOKET_PROXY_COUNT
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer hops than proxies configured: the request did not come through all of them.
        return remote
    return _valid(forwarded[-proxies]) or remote


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return ""
