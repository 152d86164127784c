"""Public verification of a receipt (`/v/<token>`).

The counter and the printing list, the console pages over scheduling, are in
`loket.console.counter`: the console sits above scheduling.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from loket.core import ratelimit
from loket.core.client_ip import client_ip
from loket.scheduling.models import HandOver
from loket.scheduling.receipts import receipt_facts, verify


@require_GET
@never_cache
def verify_receipt(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the QR may check it: only validity, service, date and a masked name.
    Limited per client address (LOKET_VERIFY_PER_MINUTE) so tokens cannot be tried in bulk."""
    limit = ratelimit.hit(f"verify:{client_ip(request) or 'unknown'}", limit=settings.LOKET_VERIFY_PER_MINUTE)
    if not limit.allowed:
        response = render(request, "scheduling/verify_too_many.html", status=429)
        response["Retry-After"] = str(limit.retry_after)
        return response
    result = verify(token)
    context: dict[str, object] = {"status": result.status}
    if result.receipt is not None:
        context.update(receipt_facts(result.receipt))
        context["collected"] = HandOver.objects.filter(case_id=result.receipt.booking.case_id).exists()
    response = render(request, "scheduling/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
