"""Browser tests fail on any Content-Security-Policy violation.

Every page gets a listener (before its own scripts run) that records each
`securitypolicyviolation` event in sessionStorage, so violations survive navigations within
the tab; Chromium's console errors about the policy are collected as well. `assert_no_violations`
reads both at the end of a test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

RECORDER = """
(() => {
  const KEY = "loket-csp-violations";
  document.addEventListener("securitypolicyviolation", (event) => {
    let seen = [];
    try { seen = JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (err) { seen = []; }
    seen.push({
      directive: event.effectiveDirective, blocked: event.blockedURI,
      source: event.sourceFile, line: event.lineNumber, column: event.columnNumber, sample: event.sample, page: location.pathname,
    });
    try { sessionStorage.setItem(KEY, JSON.stringify(seen)); } catch (err) { /* storage full */ }
    window.__cspViolations = seen;
  });
})();
"""


class CSPWatch:
    """Attach to a browser context before any page opens."""

    def __init__(self, context) -> None:
        self.console_errors: list[str] = []
        self.pages: list = []
        context.add_init_script(RECORDER)
        context.on("page", self._watch)

    def _watch(self, page) -> None:
        self.pages.append(page)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console_errors.append(text)

    def violations(self) -> list:
        found: list = []
        for page in self.pages:
            if page.is_closed():
                continue
            try:
                raw = page.evaluate("sessionStorage.getItem('loket-csp-violations') || '[]'")
            except PlaywrightError:
                raw = "[]"  # a page mid-navigation: its console errors still count
            found.extend(json.loads(raw))
        return found

    def assert_no_violations(self) -> None:
        violations = self.violations()
        assert not violations and not self.console_errors, (
            f"Content-Security-Policy violations: {violations} {self.console_errors}"
        )


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
)


@contextmanager
def watched_browser(
    base_url: str, cookies: dict[str, str] | None = None
) -> Iterator[tuple[object, CSPWatch]]:
    """A Chromium context on the live server whose pages are watched for CSP violations;
    `cookies` (e.g. a signed-in test client's session) are set before the first page."""
    # Playwright's sync API runs an event loop; the ORM calls in these tests stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        if cookies:
            context.add_cookies([{"name": k, "value": v, "url": base_url} for k, v in cookies.items()])
        watch = CSPWatch(context)
        try:
            yield context, watch
        finally:
            # ORM calls made under Playwright's event loop opened their own connection.
            connections.close_all()
            browser.close()
