import hmac
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from loket.core import health, metrics
from loket.jobs.metrics import queue_figures

log = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability, for load balancers and `make demo`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.warning("healthz: database unreachable")
        return HttpResponse("database unreachable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness and the line's length: counts only, no login, no personal data.

    `waiting`: jobs pending and due; `oldest_seconds`: float seconds since the
    longest-waiting of them became due (0 when none); `quarantined`: the sum of every
    registered quarantine source (failed jobs, poison deliveries, ...).
    """
    try:
        queue = queue_figures()
        quarantined = health.quarantined()
    except DatabaseError:
        log.warning("readyz: database unreachable")
        return JsonResponse({"database": "down"}, status=503)
    return JsonResponse(
        {
            "database": "ok",
            "queue": {
                "waiting": queue.waiting,
                "oldest_seconds": queue.oldest_seconds,
                "quarantined": quarantined,
            },
        }
    )


def _bearer_ok(request: HttpRequest, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer":
        return False
    # Constant time over bytes: a wrong guess says nothing about how close it was.
    return hmac.compare_digest(value.strip().encode(), token.encode())


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text, computed from the database now; off (404) without LOKET_METRICS_TOKEN."""
    token = settings.LOKET_METRICS_TOKEN
    if not token:
        return HttpResponse("not found", status=404, content_type="text/plain")
    if not _bearer_ok(request, token):
        response = HttpResponse("unauthorized", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    try:
        body = metrics.render()
    except DatabaseError:
        log.warning("metrics: database unreachable")
        return HttpResponse("database unreachable", status=503, content_type="text/plain")
    return HttpResponse(body, content_type=metrics.CONTENT_TYPE)
