"""X-Request-ID: taken from the proxy (or the client) when it is safe, else made here; it is
returned on the response and named on every log line written while the request runs
(`loket.core.logs`), so one request can be followed from the proxy's access log to ours.

Safe means 1 to 64 characters of letters, digits and `._:-` (what nginx's `$request_id`,
Caddy's `{http.request.uuid}` and common tracers send); anything else (too long, spaces,
quotes, control characters that could forge a log line) is replaced by a fresh id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from loket.core.logs import current_request_id

HEADER = "X-Request-ID"
MAX_LENGTH = 64
_SAFE = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_LENGTH}}}")


def request_id_from(value: str | None) -> str:
    """The id given, when it is safe; else a new random one (32 hex digits)."""
    if value and _SAFE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute on Django's request
        # Kept until the response is closed (not reset on the way out): Django logs a 4xx or
        # 5xx answer after the middleware chain has returned, and that line needs the id too.
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget(**kwargs: object) -> None:
    """The request is over: this thread's next log lines belong to no request."""
    current_request_id.set("")


request_finished.connect(_forget, dispatch_uid="loket.core.request_id.forget")
