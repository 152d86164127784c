"""The API object: Bearer tokens, the rate limit, problem details for every error, and the
OpenAPI document (error responses typed `application/problem+json`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer

from loket.api import problems
from loket.api.models import ApiToken
from loket.api.problems import Problem
from loket.api.tokens import authenticate
from loket.core import ratelimit


class BearerToken(HttpBearer):
    """`Authorization: Bearer loket_…`: a live token, within its rate limit."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        row = authenticate(token)
        if row is None:
            return None
        verdict = ratelimit.hit(f"api:{row.prefix}", limit=settings.LOKET_API_PER_MINUTE, period=60)
        if not verdict.allowed:
            raise Problem(
                "rate-limited",
                f"Token '{row.name}' melewati batas {settings.LOKET_API_PER_MINUTE} permintaan per menit.",
                retry_after=verdict.retry_after,
            )
        return row


class LoketAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {problems.CONTENT_TYPE: content["application/json"]}
                    if int(status) == 429:
                        answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        return schema


class OfflineSwagger(DocsBase):
    """Swagger UI from our own static files (`static/api/swagger/`, SOURCE.md there): no CDN,
    no inline script."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings_ = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings_})


api = LoketAPI(
    title="Loket API",
    version="1",
    description=(
        "Permohonan adminduk, kalender pengambilan, wilayah dan angka layanan untuk operator SIAK "
        "dan dasbor daerah. Token: `loket api token add`; panduan: docs/api.md."
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


# ninja types a handler's exception as `E | type[E]`; it is always an instance here.
def _problem(request: HttpRequest, exc: Any) -> HttpResponse:
    return problems.response(request, exc.code, exc.detail, retry_after=exc.retry_after, **exc.extra)


def _unauthorized(request: HttpRequest, exc: Any) -> HttpResponse:
    answer = problems.response(request, "unauthorized")
    answer["WWW-Authenticate"] = 'Bearer realm="loket"'
    return answer


def _not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return problems.response(request, "not-found", str(exc) if str(exc) else "")


def _invalid(request: HttpRequest, exc: Any) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problems.response(request, "validation-error", errors=errors)


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    # ninja's own refusals (an unreadable JSON body: 400, ...)
    return problems.response(request, problems.BY_STATUS.get(exc.status_code, "bad-request"))


api.add_exception_handler(Problem, _problem)
api.add_exception_handler(AuthenticationError, _unauthorized)
api.add_exception_handler(Http404, _not_found)
api.add_exception_handler(ValidationError, _invalid)
api.add_exception_handler(HttpError, _http_error)
api.add_exception_handler(Exception, lambda request, exc: problems.from_exception(request, exc))  # type: ignore[arg-type]  # an instance, see above
