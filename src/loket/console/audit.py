"""Recording what staff see and do. Details hold no personal data (ids and codes only)."""

from __future__ import annotations

from django.http import HttpRequest

from loket.console.models import ACTION_LABELS, AuditEntry  # noqa: F401 - re-exported for views
from loket.core.client_ip import client_ip


def client_address(request: HttpRequest) -> str | None:
    return client_ip(request) or None  # behind the proxy, the address it reports (LOKET_PROXY_COUNT)


def record(request: HttpRequest, action: str, *, case=None, document=None, detail: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=request.user if request.user.is_authenticated else None,
        action=action,
        case=case,
        document=document,
        address=client_address(request),
        detail=detail[:500],
    )
