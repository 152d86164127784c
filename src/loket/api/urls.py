"""/api/v1/: the API's operations, and a problem for any other path under the prefix
(never a redirect to a trailing slash, never an HTML page)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from loket.api import problems
from loket.api.api import api
from loket.api.cases import router as cases_router
from loket.api.reference import router as reference_router

api.add_router("", cases_router)
api.add_router("", reference_router)


def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problems.response(request, "not-found", "Alamat API ini tidak ada. Lihat /api/v1/openapi.json.")


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1(?P<rest>/.*)?$", unknown, name="api-unknown"),
]
