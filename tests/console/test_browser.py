"""End to end in a real browser: an officer signs in with the second factor, takes a case,
asks for a correction, the resident resends, the officer approves and the receipt goes out."""

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connections

from loket.cases.models import Case, Document, State
from loket.cases.workflow import attach_resent_document
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import Role
from loket.scheduling.office import long_date
from tests.browser_csp import CSPWatch
from tests.console.builders import PASSWORD, current_code, make_case, make_staff

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    ),
]


@pytest.fixture
def console_page(live_server):
    # Playwright's sync API runs an event loop; the ORM calls in this test are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        watch = CSPWatch(context)
        yield context.new_page()
        # Any Content-Security-Policy violation on any page of the walk fails the test.
        watch.assert_no_violations()
        # ORM calls made under Playwright's event loop opened their own connection: close it
        # so the test database can be dropped.
        connections.close_all()
        browser.close()


def sign_in_to_the_queue(page, officer, password=PASSWORD) -> None:
    """Open the KIA queue without a session: the login page, password, then the TOTP code."""
    page.goto("/console/antrean/KIA/")
    assert "/console/login/" in page.url
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.fill("input[name=token]", current_code(officer))
    page.click("button[type=submit]")
    page.wait_for_url("**/console/antrean/KIA/")


def test_an_officer_signs_in_takes_a_case_asks_for_a_correction_and_approves_the_resend(console_page):
    page = console_page
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.QUEUED)

    sign_in_to_the_queue(page, officer)

    page.click("#take-next")
    page.wait_for_url(f"**/console/permohonan/{case.pk}/")
    assert page.locator("#checklist .ok").count() == 4
    page.keyboard.press("k")  # shortcut opens the correction form
    page.check("#correction-form input[name=label][value=kk]")
    page.check("#correction-form input[name=reason_kk][value=buram]")
    page.click("#correction-form button[type=submit]")
    page.wait_for_url("**/console/antrean/KIA/")
    case.refresh_from_db()
    assert case.state == State.NEEDS_CORRECTION
    assert "Kartu Keluarga (KK): fotonya buram" in OutboundMessage.objects.get(case=case).text

    # The resident resends the family card (what the WhatsApp channel does on a new file).
    resent = Document(resident=case.resident, caption="KK", mime_type="image/jpeg")
    resent.file.save("kk-baru.jpg", ContentFile(b"\xff\xd8\xff baru"), save=False)
    attach_resent_document(case, resent)
    assert Case.objects.get(pk=case.pk).state == State.QUEUED

    page.reload()
    assert "dikirim ulang" in page.content()
    page.click("#take-next")
    page.wait_for_url(f"**/console/permohonan/{case.pk}/")
    page.click("#approve")
    # The approval asks first, with the date it would book; nothing is booked yet.
    page.wait_for_url(f"**/console/permohonan/{case.pk}/setujui/")
    assert "pengambilan pada" in page.locator("#planned-date").inner_text()
    assert not case.bookings.exists()
    page.click("#confirm")
    page.wait_for_url("**/console/antrean/KIA/")
    case.refresh_from_db()
    assert case.state == State.APPROVED
    flash = page.locator(".flash.success")
    assert long_date(case.bookings.get().day) in flash.inner_text()
    assert flash.locator("a").get_attribute("href") == f"/console/permohonan/{case.pk}/bukti.pdf"
    assert OutboundMessage.objects.filter(case=case, kind=OutboundMessage.Kind.RECEIPT).count() == 1
