"""Every HTML response carries a Content-Security-Policy with no inline script and no eval,
and no page or template holds inline script, inline event handlers or inline style."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.cases.models import State
from loket.console.models import Role
from tests.console.builders import make_case, make_staff, sign_in
from tests.console.fixtures import console_settings  # noqa: F401
from tests.whatsapp.inbound import office_numbers

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "loket"


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


class InlineFinder(HTMLParser):
    """What a strict policy would block: inline scripts, handlers, javascript: URLs, inline style."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and "src" not in named and named.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self._in = "style"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style" and value:
                self.found.append(f"{tag} style={value!r}")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{tag} {name}=javascript:")

    def handle_data(self, data: str) -> None:
        if self._in == "style" and data.strip():
            self.found.append("<style> with content")

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def inline_in(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def walk(settings):
    settings.DEMO = True
    office_numbers()
    case = make_case(state=State.IN_REVIEW)
    document = case.documents.first()
    supervisor = make_staff("pengawas", Role.SUPERVISOR, services=["KIA"])
    admin = make_staff("admin", Role.ADMIN)
    counter = make_staff("loket", Role.COUNTER)
    superuser = get_user_model().objects.create_superuser("root", password="sandi-yang-panjang-1")
    TOTPDevice.objects.create(user=superuser, name="default", confirmed=True)
    anonymous = [
        "/",
        "/console/login/",
        "/console/login/kode/",
        "/admin/login/",
        "/v/bukan-token",
        "/simulator/",
        "/tidak-ada/",
    ]
    signed_in = {
        supervisor: [
            "/console/",
            "/console/antrean/KIA/",
            f"/console/permohonan/{case.pk}/",
            "/console/kotak-masuk/",
            "/console/laporan/",
            "/console/balasan/",
            "/console/audit/",
            "/console/counter/",
            "/console/printing/",
            "/console/coverage/",
            "/console/coverage/trend/",
            "/console/coverage/priorities/",
            "/console/coverage/service/",
            "/console/coverage/imports/",
        ],
        admin: ["/console/staf/"],
        counter: ["/console/counter/"],
        superuser: ["/admin/"],
    }
    return {"anonymous": anonymous, "signed_in": signed_in, "case": case, "document": document}


def visits(walk):
    client = Client()
    for url in walk["anonymous"]:
        yield url, client.get(url)
    for user, urls in walk["signed_in"].items():
        client = Client()
        sign_in(client, user)
        for url in urls:
            yield url, client.get(url)


def test_every_html_response_carries_a_policy_with_no_inline_script_and_no_eval(walk):
    html_pages = 0
    for url, response in visits(walk):
        if not response["Content-Type"].startswith("text/html"):
            continue
        html_pages += 1
        rules = policy(response)
        script_src = rules.get("script-src", rules.get("default-src"))
        assert script_src, f"{url}: no script-src in {response.get('Content-Security-Policy')!r}"
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in rules["style-src"], url
        assert inline_in(response.content.decode()) == [], url
    assert html_pages >= 20


def test_the_pdf_viewer_may_frame_a_document_and_nothing_else_may(walk):
    client = Client()
    sign_in(client, walk["signed_in"].__iter__().__next__())
    case, document = walk["case"], walk["document"]
    response = client.get(f"/console/permohonan/{case.pk}/dokumen/{document.pk}/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert "'unsafe-inline'" not in policy(response)["script-src"]


TEMPLATE_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
]


def test_no_template_holds_inline_script_handlers_or_style():
    templates = sorted(SRC.glob("**/templates/**/*.html"))
    assert len(templates) > 20
    found = [
        f"{path.relative_to(SRC)}: {what}"
        for path in templates
        for pattern, what in TEMPLATE_INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_htmx_is_told_not_to_eval_or_inject_styles():
    page = Client().get("/console/login/").content.decode()
    assert '"allowEval": false' in page and '"includeIndicatorStyles": false' in page
