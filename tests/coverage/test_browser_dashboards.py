"""The dashboards in a real browser under the Content-Security-Policy: every chart draws
(plotly.js from our own server, specs from JSON islands) and no violation is reported."""

from pathlib import Path

import pytest
from django.test import Client

from loket.console.models import Role
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import make_staff, sign_in
from tests.coverage.builders import run_import

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

DASHBOARDS = [
    "/console/coverage/",
    "/console/coverage/trend/",
    "/console/coverage/priorities/",
    "/console/coverage/service/",
]


@pytest.mark.django_db(transaction=True)
def test_every_dashboard_draws_its_charts_with_no_csp_violation(live_server, settings):
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    client = Client()
    sign_in(client, make_staff("pengawas", Role.SUPERVISOR))
    session = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    drawn = {}
    with watched_browser(live_server.url, session) as (context, watch):
        page = context.new_page()
        for url in DASHBOARDS:
            response = page.goto(url)
            assert response.status == 200, url
            assert "script-src 'self'" in response.headers["content-security-policy"]
            islands = page.locator("script[data-chart]").count()
            for index in range(islands):
                chart = page.locator("script[data-chart]").nth(index).get_attribute("data-chart")
                # plotly marks a drawn chart with .js-plotly-plot and its svg layers.
                page.wait_for_selector(f"#{chart}.js-plotly-plot .main-svg", state="attached")
            drawn[url] = islands
            # plotly.js found its stylesheet linked and injected no <style> of its own.
            assert page.locator("style").count() == 0 or page.evaluate(
                "[...document.querySelectorAll('style')].every((s) => s.textContent === '')"
            )
        watch.assert_no_violations()
    assert drawn["/console/coverage/"] >= 1  # the map
    assert sum(drawn.values()) >= 3
