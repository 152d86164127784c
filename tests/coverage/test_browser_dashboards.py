"""The dashboards in a real browser under the Content-Security-Policy: every chart draws
(plotly.js's partial bundle from our own server, specs from JSON islands; the map is SVG
drawn on the server) and no violation is reported."""

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
    assert drawn["/console/coverage/"] == 0  # the map is SVG from the server, not a plotly chart
    assert drawn["/console/coverage/trend/"] >= 1  # no requests yet: the service page draws none


@pytest.mark.django_db(transaction=True)
def test_the_head_of_office_finds_the_dashboard_in_the_menu_and_asks_for_a_date(
    live_server, settings, tmp_path
):
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    client = Client()
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    session = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    with watched_browser(live_server.url, session) as (context, watch):
        page = context.new_page()
        page.goto("/console/")
        page.click("nav.console-nav >> text=Cakupan")
        page.wait_for_url("**/console/coverage/")
        headline = page.locator("#cakupan-sekarang").inner_text()
        assert "41,20%" in headline and "2022-S2" in headline
        assert "Angka per kecamatan dari 2020-S2; angka kabupaten terbaru 2022-S2" in headline
        assert page.locator("#peta svg path").count() == 29
        assert page.locator("#map-labels li").count() == 29
        # The service table scrolls inside its card instead of spilling out of the page.
        page.goto("/console/coverage/service/")
        widths = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')].map((w) => [w.scrollWidth, w.clientWidth,"
            " w.closest('.card').getBoundingClientRect().right, document.documentElement.clientWidth])"
        )
        assert widths and all(card_right <= page_width for _, _, card_right, page_width in widths)
        page.screenshot(path=str(tmp_path / "layanan.png"), full_page=True)
        # The projection: choose a date, the rate needed from today appears beside the trend's.
        page.goto("/console/coverage/trend/")
        page.fill("#projection-form input[name=by]", "2028-06-30")
        page.click("#projection-form button")
        page.wait_for_url("**by=2028-06-30**")
        needed = page.locator("#laju-diperlukan").inner_text()
        assert "Agar tercapai pada 30 Juni 2028" in needed and "kartu per hari kerja" in needed
        assert "laju tren terakhir" in needed
        page.screenshot(path=str(tmp_path / "tren.png"), full_page=True)
        page.goto("/console/coverage/")
        assert page.locator("#peta svg path").count() == 29
        page.screenshot(path=str(tmp_path / "ringkasan.png"), full_page=True)
        watch.assert_no_violations()
