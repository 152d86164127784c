"""RFC 9457 problem details: every error under /api/v1 is one of these, with a stable type.

`PROBLEMS` is the one table of codes (docs/api.md lists it): the type URN, the HTTP status
and the title. `detail` is in Bahasa Indonesia, for the person at the other end; `instance`
is the path asked for. `ProblemMiddleware` turns whatever Django itself answers under the
prefix (an unknown path, a method the path does not take, an unexpected error) into a
problem too, so a client never parses an HTML page.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

log = logging.getLogger(__name__)

PREFIX = "/api/v1/"
CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:loket:problem:"


@dataclass(frozen=True)
class ProblemType:
    code: str
    status: int
    title: str
    detail: str  # the default detail (Bahasa)

    @property
    def uri(self) -> str:
        return TYPE_BASE + self.code


PROBLEMS: dict[str, ProblemType] = {
    p.code: p
    for p in [
        ProblemType("bad-request", 400, "Bad request", "Permintaan tidak dapat dibaca."),
        ProblemType(
            "invalid-cursor", 400, "Invalid cursor", "Kursor halaman tidak sah. Mulai lagi dari awal."
        ),
        ProblemType(
            "unauthorized",
            401,
            "Unauthorized",
            "Token tidak ada, tidak dikenal, atau sudah dicabut. Kirim header 'Authorization: Bearer <token>'.",
        ),
        ProblemType(
            "insufficient-scope", 403, "Insufficient scope", "Token ini tidak berwenang untuk tindakan ini."
        ),
        ProblemType(
            "personal-scope-required",
            403,
            "Personal scope required",
            "Berkas dan data pribadi hanya untuk token dengan cakupan 'personal'.",
        ),
        ProblemType("not-found", 404, "Not found", "Tidak ditemukan."),
        ProblemType(
            "method-not-allowed", 405, "Method not allowed", "Metode ini tidak tersedia di alamat ini."
        ),
        ProblemType(
            "conflict", 409, "Conflict", "Permohonan tidak dalam status yang sesuai untuk tindakan ini."
        ),
        ProblemType(
            "approval-refused", 409, "Approval refused", "Permohonan belum memenuhi syarat untuk disetujui."
        ),
        ProblemType("validation-error", 422, "Validation error", "Isian permintaan tidak sah."),
        ProblemType(
            "rate-limited",
            429,
            "Too many requests",
            "Terlalu banyak permintaan. Coba lagi setelah beberapa saat.",
        ),
        ProblemType(
            "server-error", 500, "Internal server error", "Terjadi kesalahan di server. Coba lagi nanti."
        ),
        ProblemType(
            "unavailable",
            503,
            "Service unavailable",
            "Layanan sedang tidak tersedia (basis data). Coba lagi nanti.",
        ),
    ]
}
BY_STATUS = {400: "bad-request", 401: "unauthorized", 403: "insufficient-scope", 404: "not-found",
             405: "method-not-allowed", 409: "conflict", 422: "validation-error", 429: "rate-limited",
             500: "server-error", 503: "unavailable"}  # fmt: skip


class Problem(Exception):
    """Raised anywhere behind the API: answered as the problem `code`."""

    def __init__(self, code: str, detail: str = "", *, retry_after: int | None = None, **extra: object):
        super().__init__(detail or PROBLEMS[code].detail)
        self.code = code
        self.detail = detail or PROBLEMS[code].detail
        self.retry_after = retry_after
        self.extra = extra


def body(request: HttpRequest, code: str, detail: str = "", **extra: object) -> dict:
    kind = PROBLEMS[code]
    return {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail or kind.detail,
        "instance": request.path,
        **extra,
    }


def response(
    request: HttpRequest, code: str, detail: str = "", *, retry_after: int | None = None, **extra: object
) -> HttpResponse:
    answer = HttpResponse(
        json.dumps(body(request, code, detail, **extra), ensure_ascii=False),
        status=PROBLEMS[code].status,
        content_type=CONTENT_TYPE,
    )
    if retry_after is not None:
        answer["Retry-After"] = str(retry_after)
    return answer


def from_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A database that cannot be reached: 503; anything else unexpected: a bare 500."""
    if isinstance(exc, OperationalError | InterfaceError):
        log.warning("api: database unavailable (%s)", type(exc).__name__)
        return response(request, "unavailable", retry_after=30)
    if isinstance(exc, DatabaseError):
        log.exception("api: database error")
        return response(request, "unavailable", retry_after=30)
    log.exception("api: unexpected error on %s", request.path)
    return response(request, "server-error")


def under_prefix(request: HttpRequest) -> bool:
    return request.path.startswith(PREFIX) or request.path == PREFIX.rstrip("/")


class ProblemMiddleware:
    """Under /api/v1: any error response that is not a problem yet becomes one (the status
    and its headers, such as Allow on a 405, kept); an exception becomes a 500/503 problem."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        answer = self.get_response(request)
        if not under_prefix(request) or answer.status_code < 400:
            return answer
        if answer.get("Content-Type", "").startswith(CONTENT_TYPE):
            return answer
        code = BY_STATUS.get(
            answer.status_code, "server-error" if answer.status_code >= 500 else "bad-request"
        )
        replaced = response(request, code)
        replaced.status_code = answer.status_code
        # Keep what the inner layers said (Allow on a 405, the security headers), not how
        # the old body was encoded.
        for header, value in answer.items():
            if header.lower() not in {
                "content-type",
                "content-length",
                "content-encoding",
                "content-language",
            }:
                replaced[header] = value
        return replaced

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not under_prefix(request):
            return None
        if isinstance(exc, Http404):
            # A view outside ninja's handlers (its bare root, `/api/v1/`) saying "not here":
            # a 404 problem, never a 500.
            return response(request, "not-found")
        return from_exception(request, exc)
