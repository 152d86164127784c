"""What a page costs on the wire, measured in Chromium through the Network domain (CDP), with
static files collected as `loket serve` collects them (hashed names, brotli and gzip copies)
and served by whitenoise as in production (not by the test server's own static handler).

Budgets (issue 19): the coverage dashboard's first load at most 1 MB, every chart page too;
console pages at most 150 KB; the HTML and every script compressed; a repeat visit takes
its static files from the browser's cache. Set LOKET_WEIGHT_REPORT=<file> to write the
figures (and the load time at 400 kbps) as JSON; docs/console.md quotes them.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.testcases import LiveServerThread

from loket.cases.models import State
from loket.console.models import Role
from tests.accessibility import PHONE, Transfer, photo
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import add_document, make_case, make_staff, sign_in
from tests.coverage.builders import run_import

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]
MB = 1_000_000
CHART_PAGES = ["/console/coverage/", "/console/coverage/trend/", "/console/coverage/service/"]
CONSOLE_BUDGET = 150_000


@pytest.fixture
def production_server(settings, tmp_path):
    """A live server whose static files are collected and served by whitenoise."""
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)
    thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def load(page, transfer: Transfer, url: str) -> tuple[int, float, dict]:
    transfer.reset()
    started = time.monotonic()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return transfer.total(), time.monotonic() - started, dict(transfer.responses)


@pytest.mark.django_db(transaction=True)
def test_pages_come_compressed_within_their_budget_and_static_files_are_cached(production_server, settings):
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    make_case(state=State.QUEUED)
    supervisor = make_staff("pengawas", Role.SUPERVISOR, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=supervisor)
    add_document(case, "", content=photo())
    client = Client()
    sign_in(client, supervisor)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    console_pages = ["/console/", "/console/antrean/KIA/", f"/console/permohonan/{case.pk}/"]

    figures: dict[str, dict] = {}
    with watched_browser(production_server, cookies) as (context, watch):
        context.set_extra_http_headers({"Accept-Encoding": "gzip, br"})
        page = context.new_page()
        page.set_viewport_size(PHONE)
        transfer = Transfer(context, page)
        for url in CHART_PAGES + console_pages:
            transfer.cdp.send("Network.clearBrowserCache")  # a first visit
            total, seconds, responses = load(page, transfer, url)
            document = next(r for r in responses.values() if r["type"] == "Document")
            scripts = [r for r in responses.values() if r["type"] == "Script"]
            assert document["encoding"] in ("gzip", "br"), (url, document)
            for script in scripts:
                assert script["encoding"] in ("gzip", "br"), (url, script)
                # Hashed names: a year in the browser's cache.
                assert (
                    "immutable" in script["cache_control"] and "max-age=315360000" in script["cache_control"]
                ), script
            budget = MB if url.startswith("/console/coverage/") else CONSOLE_BUDGET
            assert total <= budget, (url, total, responses)
            figures[url] = {"first_load_bytes": total, "requests": len(responses)}

            # A repeat visit: the HTML again, its static files from the cache.
            repeat, _, responses = load(page, transfer, url)
            assert all(r["from_cache"] for r in responses.values() if r["type"] in ("Script", "Stylesheet"))
            figures[url]["repeat_bytes"] = repeat

        # The same first loads on a 400 kbps line (cache emptied first).
        transfer.throttle(400)
        for url in ["/console/coverage/", "/console/coverage/trend/", "/console/"]:
            transfer.cdp.send("Network.clearBrowserCache")
            _, seconds, _ = load(page, transfer, url)
            figures[url]["seconds_at_400kbps"] = round(seconds, 1)
        transfer.throttle(None)
        watch.assert_no_violations()

    if os.environ.get("LOKET_WEIGHT_REPORT"):
        Path(os.environ["LOKET_WEIGHT_REPORT"]).write_text(json.dumps(figures, indent=2))


@pytest.mark.django_db(transaction=True)
def test_a_client_that_accepts_no_compression_gets_plain_bytes(production_server, settings):
    """Compression only when asked: a client without Accept-Encoding reads plain HTML and JS."""
    import httpx

    supervisor = make_staff("pengawas", Role.SUPERVISOR)
    client = Client()
    sign_in(client, supervisor)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    with httpx.Client(
        base_url=production_server, cookies=cookies, headers={"Accept-Encoding": "identity"}
    ) as http:
        html = http.get("/console/coverage/trend/")
        assert html.status_code == 200 and "content-encoding" not in html.headers
        script = html.text.split('<script src="')[2].split('"')[0]  # loket.js, then plotly's bundle
        assert ".min." in script and script.startswith("/static/")
        js = http.get(script)
        assert js.status_code == 200 and "content-encoding" not in js.headers
        assert js.content.startswith(b"/**\n* plotly.js (basic")
        compressed = http.get(script, headers={"Accept-Encoding": "br"})
        assert compressed.headers["content-encoding"] == "br"
        assert int(compressed.headers["content-length"]) < len(js.content) / 3
