"""The head of office opens the SKM report from the console menu in a real browser."""

from __future__ import annotations

import pytest
from django.test import Client

from loket.console.models import Role
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import make_staff, sign_in
from tests.survey import builders

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_the_head_of_office_opens_the_skm_report_and_filters_it(live_server, settings, tmp_path):
    builders.example(suggestion="Ruang tunggu panas, mohon kipas angin.")
    builders.survey((1,) * 9, service="KK", outcome="rejected")
    builders.served(8)
    client = Client()
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    session = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    with watched_browser(live_server.url, session) as (context, watch):
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/console/")
        page.click(".menu-skm >> visible=true")
        page.wait_for_url("**/console/skm/")
        page.fill("input[name=dari]", "2026-11-01")
        page.fill("input[name=sampai]", "2026-11-30")
        page.select_option("select[name=hasil]", "served")
        page.click("#skm-filter button")
        page.wait_for_url("**hasil=served**")
        assert "IKM 81,13 · Mutu B (baik)" in page.locator("#skm-total h2").inner_text()
        assert "Bobot per unsur: 0.11" in page.locator("#skm-weight").inner_text()
        sample = page.locator("#skm-sample").inner_text()
        assert "4 responden dari 8 warga dilayani" in sample and "belum tercapai" in sample
        assert page.locator("#skm-elements tbody tr").count() == 9
        assert "U3 Waktu penyelesaian (68,75)" in page.locator("#skm-weakest").inner_text()
        assert "kipas angin" in page.locator("#skm-suggestions").inner_text()
        page.screenshot(path=str(tmp_path / "skm.png"), full_page=True)
        with page.expect_download() as download:
            page.click("#skm-pdf")
        assert download.value.suggested_filename == "ikm-20261101-20261130.pdf"
        watch.assert_no_violations()
    if target := __import__("os").environ.get("LOKET_SCREENSHOT_DIR"):
        (tmp_path / "skm.png").replace(f"{target}/skm.png")
