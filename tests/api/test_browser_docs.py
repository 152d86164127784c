"""The API's docs page in a real browser: Swagger UI from our own static files, offline,
under the site's Content-Security-Policy without a single violation."""

from __future__ import annotations

import os

import pytest

from tests.browser_csp import needs_chromium, watched_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_shows_every_operation_offline_without_csp_violations(live_server, tmp_path):
    with watched_browser(live_server.url) as (context, watch):
        outside = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(live_server.url)
                else (outside.append(route.request.url), route.abort())
            ),
        )
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/api/v1/docs")
        page.wait_for_selector(".opblock")
        assert page.locator(".opblock").count() >= 14
        assert "Loket API" in page.locator(".title").first.inner_text()
        page.screenshot(path=str(tmp_path / "api-docs.png"))
        watch.assert_no_violations()
        assert outside == []  # nothing fetched from anywhere else (no CDN)
    if target := os.environ.get("LOKET_SCREENSHOT_DIR"):
        (tmp_path / "api-docs.png").replace(f"{target}/api-docs.png")
