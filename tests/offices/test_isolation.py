"""The isolation suite (issue 16): staff of office A against every URL of office B.

Every URL pattern of the project is either walked here (`WALK`) or listed as office-free
with the reason (`OFFICE_FREE`); a new URL that is neither fails
`test_every_url_is_walked_or_declared_office_free`. Staff of every role of office A ask
for office B's objects (cases, documents, receipts, bookings, erasure requests, campaigns,
conversations, operator submissions): 404, or 403 where the role has no business there.
Lists, counts, exports and dashboards of A's staff contain nothing of B. The province
monitor reads figures of both offices and no personal page.

`EXTRA_PATHS` is the hook for paths other apps add (the REST API): each entry is
(name, method, a function of B's world giving the path); the walk asks each of them as
every role of office A and expects 403 or 404.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from loket.console.models import Role
from tests.console.builders import sign_in
from tests.offices.api_walk import API_WALK
from tests.offices.paths import CONSOLE, OPERATOR, subscription
from tests.offices.world import OfficeWorld, make_office_staff, two_offices

pytestmark = pytest.mark.django_db

# Paths other apps add to the walk (the lead extends this for the API): name, method, path of
# an object of office B. Staff of office A must get 403 or 404 on each.
EXTRA_PATHS: list[tuple[str, str, Callable[[OfficeWorld], str]]] = []

# URL name -> why it holds no office's data (asked by nobody here, or the same for everyone).
OFFICE_FREE: dict[str, str] = {
    "home": "the public start page: no data",
    "healthz": "liveness: no data",
    "readyz": "readiness figures of the installation's queue: no resident data, token-free by design",
    "metrics": "installation metrics behind LOKET_METRICS_TOKEN: counts, no office's rows",
    "whatsapp-webhook": "Meta's deliveries for the one app of the installation (HMAC), routed by number later",
    "whatsapp-simulator": "demo only (LOKET_DEMO), no console session",
    "whatsapp-simulator-send": "demo only (LOKET_DEMO)",
    "whatsapp-simulator-chat": "demo only (LOKET_DEMO)",
    "whatsapp-simulator-media": "demo only (LOKET_DEMO)",
    "scheduling:verify": "public receipt check by its signed token: names the case's office (tested apart)",
    "console:login": "sign-in form",
    "console:verify": "second-factor form",
    "console:logout": "signs out",
    "console:preferences": "the person's own shortcut setting",
    "console:canned": "ready replies of the installation: no resident data",
    "coverage:dashboard_alias": "a redirect to coverage:dashboard (walked)",
    "coverage:geojson": "the packaged kecamatan boundaries: public reference data",
    "coverage:imports": "coverage files (aggregate statistics, no person): an office-limited account may not import",
    "coverage:import_confirm": "confirms the file previewed in the person's own session",
    "coverage:import_detail": "an import's figures, filtered to the person's kecamatan/office (walked in test_coverage_import)",
    "coverage:review": "reviewing imported figures: regency-wide accounts only (403 for office-limited ones)",
    "whatsapp-quarantine": "installation operations: masked delivery metadata, no content; Meta's deliveries are "
    "the installation's before a number names an office",
    "whatsapp-quarantine-delivery-retry": "installation operations (see whatsapp-quarantine)",
    "whatsapp-quarantine-delivery-discard": "installation operations (see whatsapp-quarantine)",
    "whatsapp-quarantine-item-retry": "installation operations (see whatsapp-quarantine)",
    "whatsapp-quarantine-item-discard": "installation operations (see whatsapp-quarantine)",
    "console:operator_new": "the operator's own form: chooses a service",
    "console:operator_form": "the operator's own form, checked against their own office's desa",
}

# URL name -> (method, path of office B's object or of a list, kind). "object": A's staff get
# 403/404; "list": A's staff get a page (or 403) with nothing of B in it; "action": a form
# posted with B's ids, after which nothing of B has changed.
WALK: dict[str, tuple[str, Callable[[OfficeWorld], str], str]] = {
    "console:home": ("get", lambda b: "/console/", "list"),
    "console:queue": ("get", lambda b: "/console/antrean/KIA/", "list"),
    "console:take": ("post", lambda b: "/console/antrean/KIA/ambil/", "list"),
    "console:export": ("get", lambda b: "/console/antrean/KIA/ekspor.csv", "list"),
    "console:case": ("get", CONSOLE.case("queued", "/"), "object"),
    "console:take_case": ("post", CONSOLE.case("queued", "/ambil/"), "object"),
    "console:document": ("get", CONSOLE.document("booked", "/"), "object"),
    "console:label": ("post", CONSOLE.document("in_review", "/label/"), "object"),
    "console:correction": ("post", CONSOLE.case("in_review", "/perbaikan/"), "object"),
    "console:approve": ("post", CONSOLE.case("in_review", "/setujui/"), "object"),
    "console:receipt": ("get", CONSOLE.case("booked", "/bukti.pdf"), "object"),
    "console:reject": ("post", CONSOLE.case("in_review", "/tolak/"), "object"),
    "console:hand_over": ("post", CONSOLE.case("in_review", "/serahkan/"), "object"),
    "console:reply": ("post", CONSOLE.case("in_review", "/balas/"), "object"),
    "console:checklist": ("post", CONSOLE.case("in_review", "/daftar-dokumen/"), "object"),
    "console:paper_consent": ("post", CONSOLE.case("in_review", "/persetujuan-kertas/"), "object"),
    "console:audit": ("get", lambda b: "/console/audit/", "list"),
    "console:reports": ("get", lambda b: "/console/laporan/", "list"),
    "console:staff": ("get", lambda b: "/console/staf/", "list"),
    "console:inbox": ("get", lambda b: "/console/kotak-masuk/", "list"),
    "console:inbox_handled": (
        "post",
        lambda b: f"/console/kotak-masuk/percakapan/{b.conversation.pk}/selesai/",
        "object",
    ),
    "console:inbox_document": ("get", lambda b: f"/console/kotak-masuk/berkas/{b.unfiled.pk}/", "object"),
    "console:inbox_file": ("post", lambda b: f"/console/kotak-masuk/berkas/{b.unfiled.pk}/catat/", "object"),
    "console:counter": ("get", lambda b: f"/console/counter/?hari={b.booking.day.isoformat()}", "list"),
    "console:printing": ("get", lambda b: f"/console/printing/?day={b.booking.day.isoformat()}", "list"),
    "console:printing-export": (
        "get",
        lambda b: f"/console/printing/export.xlsx?day={b.booking.day.isoformat()}",
        "list",
    ),
    # Marking B's booking printed: whatever the answer, B's case stays approved (checked below).
    "console:printing-mark": ("post", lambda b: "/console/printing/mark", "action"),
    "console:operator_list": ("get", lambda b: "/console/operator/", "list"),
    "console:operator_case": ("get", OPERATOR.case("in_review", "/"), "object"),
    "console:operator_documents": ("post", OPERATOR.case("in_review", "/dokumen/"), "object"),
    "privacy:erasures": ("get", lambda b: "/console/hapus-data/", "list"),
    "privacy:confirm": ("post", lambda b: f"/console/hapus-data/{b.erasure.pk}/hapus/", "object"),
    "privacy:refuse": ("post", lambda b: f"/console/hapus-data/{b.erasure.pk}/tolak/", "object"),
    "coverage:dashboard": ("get", lambda b: "/console/coverage/", "list"),
    "coverage:trend": ("get", lambda b: "/console/coverage/trend/", "list"),
    "coverage:priorities": ("get", lambda b: "/console/coverage/priorities/", "list"),
    "coverage:service": ("get", lambda b: "/console/coverage/service/", "list"),
    "coverage:plan": ("get", lambda b: "/console/coverage/rencana/", "list"),
    "coverage:export": ("get", lambda b: "/console/coverage/export/cakupan.csv", "list"),
    "coverage:monthly_pdf": ("get", lambda b: "/console/coverage/report.pdf", "list"),
    "survey:report": ("get", lambda b: "/console/skm/", "list"),
    "survey:xlsx": ("get", lambda b: "/console/skm/ikm.xlsx", "list"),
    "survey:pdf": ("get", lambda b: "/console/skm/ikm.pdf", "list"),
    "outreach:campaigns": ("get", lambda b: "/console/kampanye/", "list"),
    "outreach:campaign": ("get", lambda b: f"/console/kampanye/{b.campaign.pk}/", "object"),
    "hooks:page": ("get", lambda b: "/console/webhooks/", "list"),
    # Creating a subscription makes one in the person's own office, whatever the form says.
    "hooks:create": ("post", lambda b: "/console/webhooks/baru/", "action"),
    "hooks:deactivate": ("post", subscription("/nonaktifkan/"), "object"),
    "hooks:ping": ("post", subscription("/uji/"), "object"),
    "hooks:retry": ("post", subscription("/ulang/"), "object"),
    "outreach:poster": (
        "get",
        lambda b: f"/console/kampanye/{b.campaign.pk}/poster/{b.kecamatan}.pdf",
        "object",
    ),
}
# Pages that show a person's data: the province monitor gets none of them.
AGGREGATES = {
    "console:home",
    "coverage:dashboard",
    "coverage:trend",
    "coverage:priorities",
    "coverage:service",
    "coverage:plan",
    "coverage:export",
    "coverage:monthly_pdf",
    "survey:report",
    "survey:xlsx",
    "survey:pdf",
    "console:reports",
}


def url_names(resolver=None, namespace: str = "") -> list[str]:
    """Every named URL pattern of the project, with its namespace (Django's admin apart)."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            names += url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL {pattern.pattern} has no name: name it and walk it here"
            names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    if content_type.startswith("application/pdf"):
        return ""  # PDF text is compressed; its figures are the page's, checked on the page
    return response.content.decode("utf-8-sig", errors="replace")


def test_every_url_is_walked_or_declared_office_free():
    names = set(url_names())
    missing = sorted(names - set(WALK) - set(OFFICE_FREE) - set(API_WALK))
    assert not missing, f"URLs neither walked nor declared office-free: {missing}"
    stale = sorted((set(WALK) | set(OFFICE_FREE) | set(API_WALK)) - names)
    assert not stale, f"walked or declared URLs that no longer exist: {stale}"


@pytest.fixture
def offices():
    return two_offices()


def _data(name: str, world: OfficeWorld) -> dict:
    """The form a person would post (with B's ids where the form names objects)."""
    return {
        "console:printing-mark": {"day": world.booking.day.isoformat(), "booking": [world.booking.pk]},
        "console:approve": {"confirm": "1"},
        "console:reject": {"reason": "Bukan warga.", "instead": "Ajukan di domisili."},
        "console:reply": {"text": "Halo"},
        "privacy:refuse": {"reason": "Masih diperlukan."},
    }.get(name, {})


def _ask(client, method: str, path: str, data: dict | None = None):
    return getattr(client, method)(path, data or {})


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER, Role.ADMIN, Role.OPERATOR])
def test_staff_of_office_a_never_reach_office_b(client, offices, role):
    a, b = offices
    sign_in(client, a.staff[role])
    b_markers = b.markers
    for name, (method, path_of, kind) in WALK.items():
        path = path_of(b)
        response = _ask(client, method, path, _data(name, b))
        if kind == "action":
            continue
        if kind == "object":
            assert response.status_code in (403, 404), (role, name, path, response.status_code)
            continue
        assert response.status_code in (200, 302, 403), (role, name, path, response.status_code)
        if response.status_code == 200:
            body = text_of(response)
            leaked = [marker for marker in b_markers if marker in body]
            assert not leaked, (role, name, leaked)
    for name, method, path_of in EXTRA_PATHS:
        assert _ask(client, method, path_of(b)).status_code in (403, 404), (role, name)
    # Nothing of B moved: its cases kept their state, its erasure request is pending.
    for case in (b.queued, b.in_review, b.booked):
        before = case.state
        case.refresh_from_db()
        assert case.state == before, (role, case.request_number)
    b.erasure.refresh_from_db()
    assert b.erasure.status == "pending"
    b.subscription.refresh_from_db()
    assert b.subscription.active and not b.subscription.deliveries.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER])
def test_the_same_pages_serve_office_a_its_own_rows(client, offices, role):
    """The walk is not vacuous: the lists A's staff read do show A's own rows."""
    a, b = offices
    sign_in(client, a.staff[role])
    seen = {
        Role.OFFICER: ("/console/antrean/KIA/", a.queued.request_number),
        Role.SUPERVISOR: ("/console/antrean/KIA/ekspor.csv", a.queued.request_number),
        Role.COUNTER: (f"/console/counter/?hari={a.booking.day.isoformat()}", a.booked.request_number),
    }[role]
    response = client.get(seen[0])
    assert response.status_code == 200 and seen[1] in text_of(response)
    own_case = client.get(CONSOLE.case("booked", "/bukti.pdf")(a))
    assert own_case.status_code == 200 and own_case["Content-Type"] == "application/pdf"


def test_the_province_monitor_reads_figures_of_both_offices_and_no_personal_page(client, offices):
    a, b = offices
    province = make_office_staff("provinsi", Role.PROVINCE, a.office)
    sign_in(client, province)
    for name, (method, path_of, _kind) in WALK.items():
        for world in (a, b):
            response = _ask(client, method, path_of(world), _data(name, world))
            if name in AGGREGATES:
                assert response.status_code == 200, (name, response.status_code)
                body = text_of(response)
                leaked = [m for m in (*a.markers, *b.markers) if m in body]
                assert not leaked, (name, leaked)
            else:
                assert response.status_code in (403, 404), (name, response.status_code)
    # SKM: both offices' respondents, neither office's suggestions.
    page = client.get("/console/skm/").content.decode()
    assert "2 responden" in page


def test_a_supervisor_reads_only_their_office_in_the_skm(client, offices):
    a, b = offices
    sign_in(client, a.staff[Role.SUPERVISOR])
    page = client.get("/console/skm/").content.decode()
    assert "1 responden" in page and "saran-A" in page and "saran-B" not in page


def test_the_receipt_and_its_check_name_the_office_of_the_case(client, offices):
    a, b = offices
    page = client.get(urlsplit(b.receipt_url).path).content.decode()
    assert b.office.name in page and b.office.address in page
    assert a.office.name not in page


def test_the_case_page_says_when_the_office_has_no_desa_list(client, offices):
    a, b = offices
    sign_in(client, b.staff[Role.SUPERVISOR])
    page = client.get(CONSOLE.case("queued", "/")(b)).content.decode()
    assert 'id="desa-list-missing"' in page
    sign_in(client, a.staff[Role.SUPERVISOR])
    assert 'id="desa-list-missing"' not in client.get(CONSOLE.case("queued", "/")(a)).content.decode()
