"""Every path of the REST API, as a token of office A asks it about office B's objects.

`tests/offices/test_isolation.py` counts these names as walked (a new API operation that is
not listed here fails its completeness test); `test_api_isolation.py` walks them.
kind: "object" names one of B's objects (404 expected), "list" answers with A's own rows
(nothing of B may appear), "free" holds no office's data (the schema, the docs page).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.offices.world import OfficeWorld

ApiStep = tuple[str, Callable[[OfficeWorld], str], str]


def _doc(b: OfficeWorld) -> int:
    return b.booked.documents.first().pk


API_WALK: dict[str, ApiStep] = {
    "api:openapi-json": ("get", lambda b: "/api/v1/openapi.json", "free"),
    "api:openapi-view": ("get", lambda b: "/api/v1/docs", "free"),
    "api:api-root": ("get", lambda b: "/api/v1/", "free"),
    "api-unknown": ("get", lambda b: "/api/v1/nothing-here", "free"),
    "api:list_cases": ("get", lambda b: "/api/v1/cases", "list"),
    "api:case_detail": ("get", lambda b: f"/api/v1/cases/{b.queued.pk}", "object"),
    "api:document_file": (
        "get",
        lambda b: f"/api/v1/cases/{b.booked.pk}/documents/{_doc(b)}/file",
        "object",
    ),
    "api:correction": ("post", lambda b: f"/api/v1/cases/{b.in_review.pk}/correction", "object"),
    "api:approve": ("post", lambda b: f"/api/v1/cases/{b.in_review.pk}/approve", "object"),
    "api:reject_case": ("post", lambda b: f"/api/v1/cases/{b.in_review.pk}/reject", "object"),
    "api:mark_printed": ("post", lambda b: f"/api/v1/cases/{b.booked.pk}/printed", "object"),
    "api:hand_over": ("post", lambda b: f"/api/v1/cases/{b.booked.pk}/hand-over", "object"),
    "api:working_days": (
        "get",
        lambda b: "/api/v1/calendar/working-days?start=2026-12-01&end=2026-12-31",
        "list",
    ),
    "api:next_pickup": ("get", lambda b: "/api/v1/calendar/next-pickup?service=KIA", "list"),
    "api:regions": ("get", lambda b: "/api/v1/regions?level=kecamatan&limit=500", "list"),
    "api:coverage": ("get", lambda b: "/api/v1/figures/coverage", "list"),
    "api:service_quality": ("get", lambda b: "/api/v1/figures/service-quality", "list"),
    "api:skm": ("get", lambda b: "/api/v1/figures/skm?service=KIA", "list"),
}
