"""API calls that touch personal data, in the console's one audit trail (`AuditEntry`).

No staff account stands behind a token: the entry has no actor and names the token in its
detail (`token=<name>`), so supervisors read API access beside the console's own.
"""

from __future__ import annotations

from django.http import HttpRequest

from loket.api.models import ApiToken
from loket.console.audit import client_address
from loket.console.models import AuditEntry


def record(
    request: HttpRequest, token: ApiToken, action: str, *, case=None, document=None, detail: str = ""
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=None,
        action=action,
        case=case,
        document=document,
        address=client_address(request),
        detail=f"token={token.name}{' ' + detail if detail else ''}"[:500],
    )
