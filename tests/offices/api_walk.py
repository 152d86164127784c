"""Every path of the REST API, as a token of office A asks it about office B's objects.

`tests/offices/test_isolation.py` counts these names as walked (a new API operation that is
not listed here fails its completeness test); `test_api_isolation.py` walks them.
kind: "object" names one of B's objects (404 expected), "list" answers with A's own rows
(nothing of B may appear), "free" holds no office's data (the schema, the docs page).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.offices.paths import API
from tests.offices.world import OfficeWorld

ApiStep = tuple[str, Callable[[OfficeWorld], str], str]


API_WALK: dict[str, ApiStep] = {
    "api:openapi-json": ("get", lambda b: "/api/v1/openapi.json", "free"),
    "api:openapi-view": ("get", lambda b: "/api/v1/docs", "free"),
    "api:api-root": ("get", lambda b: "/api/v1/", "free"),
    "api-unknown": ("get", lambda b: "/api/v1/nothing-here", "free"),
    "api:list_cases": ("get", lambda b: "/api/v1/cases", "list"),
    "api:case_detail": ("get", API.case("queued"), "object"),
    "api:document_file": ("get", API.document("booked", "/file"), "object"),
    "api:correction": ("post", API.case("in_review", "/correction"), "object"),
    "api:approve": ("post", API.case("in_review", "/approve"), "object"),
    "api:reject_case": ("post", API.case("in_review", "/reject"), "object"),
    "api:mark_printed": ("post", API.case("booked", "/printed"), "object"),
    "api:hand_over": ("post", API.case("booked", "/hand-over"), "object"),
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
