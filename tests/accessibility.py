"""Accessibility, phone-layout and page-weight checks for the browser tests.

axe-core (vendored for the tests in `tests/support/axe/`, never served to users) is run
inside the page through Playwright's evaluate, which the Content-Security-Policy does not
govern (the page itself still may not run inline script). A page fails on any critical or
serious violation of WCAG 2.1 A/AA, and at a phone's width on any sideways scrolling, any
text below 14 px and any button, select or disclosure smaller than 44×44 px.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

AXE_SOURCE = (Path(__file__).resolve().parent / "support" / "axe" / "axe.min.js").read_text(encoding="utf-8")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")


def photo(width: int = 1600, height: int = 1000) -> bytes:
    """A JPEG the size a phone's camera gives: wider than any phone screen."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(buffer, format="JPEG", quality=60)
    return buffer.getvalue()


def axe_violations(page) -> list[str]:
    """Critical and serious WCAG 2.1 A/AA violations on the page, one line per element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"][:5]:
            lines.append(
                f"{violation['impact']} {violation['id']} ({violation['help']}): {node['target']} "
                f"{node['html'][:160]!r}"
            )
    return lines


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def too_wide(page, limit: int = PHONE["width"]) -> list[str]:
    """Elements whose right edge passes the viewport (what makes a page scroll sideways)."""
    return page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')].filter((el) => {
             const r = el.getBoundingClientRect();
             if (r.width === 0 || r.right <= limit + 1) return false;
             // Inside a box that scrolls by itself: that box is what counts.
             for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
               const s = getComputedStyle(p);
               if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) return false;
             }
             return true;
           }).slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
             (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
             ' right=' + Math.round(el.getBoundingClientRect().right))""",
        limit,
    )


def small_text(page, floor: float = 14) -> list[str]:
    """Visible text set below `floor` px (charts' SVG labels aside)."""
    return page.evaluate(
        """(floor) => {
             const out = [];
             const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
             while (walker.nextNode()) {
               const node = walker.currentNode, el = node.parentElement;
               if (!node.textContent.trim() || !el || el.closest('svg, script, style, .sr-only')) continue;
               if (!el.getClientRects().length) continue;  // not displayed
               const size = parseFloat(getComputedStyle(el).fontSize);
               if (size < floor) out.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + size + 'px ' +
                                          JSON.stringify(node.textContent.trim().slice(0, 30)));
             }
             return out.slice(0, 5);
           }""",
        floor,
    )


def small_targets(page, floor: int = 44) -> list[str]:
    """Buttons, button-like links, selects and disclosure toggles smaller than floor×floor px."""
    return page.evaluate(
        """(floor) => [...document.querySelectorAll(
             'button, .button, input[type=submit], select, summary')].filter((el) => {
               const r = el.getBoundingClientRect();
               if (!r.width || !r.height || el.closest('.js-plotly-plot')) return false;
               return r.width < floor - 0.5 || r.height < floor - 0.5;
             }).slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' +
               Math.round(el.getBoundingClientRect().width) + 'x' + Math.round(el.getBoundingClientRect().height) +
               ' ' + JSON.stringify(el.textContent.trim().slice(0, 20)))""",
        floor,
    )


@dataclass
class Findings:
    """Everything wrong, gathered over a walk through many pages, asserted once at the end."""

    problems: list[str] = field(default_factory=list)

    def check(self, page, label: str, *, phone: bool) -> None:
        for line in axe_violations(page):
            self.problems.append(f"{label}: {line}")
        if phone:
            width = page_width(page)
            if width > PHONE["width"]:
                self.problems.append(f"{label}: page is {width}px wide at 360px: {too_wide(page)}")
            for line in small_text(page):
                self.problems.append(f"{label}: text below 14px: {line}")
            for line in small_targets(page):
                self.problems.append(f"{label}: target below 44x44px: {line}")

    def assert_none(self) -> None:
        assert not self.problems, "\n".join(["Accessibility / layout problems:", *self.problems])


class Transfer:
    """Bytes on the wire for one page load, from Chrome's Network domain (CDP): every
    response's encoded length (headers and compressed body) and its Content-Encoding."""

    def __init__(self, context, page) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        self.responses: dict[str, dict] = {}
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        response = event["response"]
        headers = {k.lower(): v for k, v in response["headers"].items()}
        self.responses[event["requestId"]] = {
            "url": response["url"],
            "type": event["type"],
            "encoding": headers.get("content-encoding", ""),
            "cache_control": headers.get("cache-control", ""),
            "from_cache": response.get("fromDiskCache", False) or response.get("fromMemoryCache", False),
            "bytes": 0,
        }

    def _finished(self, event) -> None:
        if event["requestId"] in self.responses:
            self.responses[event["requestId"]]["bytes"] = event["encodedDataLength"]

    def reset(self) -> None:
        self.responses = {}

    def total(self) -> int:
        return sum(r["bytes"] for r in self.responses.values())

    def throttle(self, kbps: int | None, latency_ms: int = 0) -> None:
        """Emulate a slow network (kilobits per second), or lift the limit with None."""
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency_ms if kbps else 0,
                "downloadThroughput": kbps * 1000 / 8 if kbps else -1,
                "uploadThroughput": kbps * 1000 / 8 if kbps else -1,
            },
        )
