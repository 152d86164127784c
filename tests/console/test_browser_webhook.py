"""Issue 5's main path end to end, from the webhook to the receipt, in a real browser.

A resident's KIA request, consent and photos arrive as signed webhooks at the live server
(files downloaded from the fake Graph API, worker jobs run inline); an officer signs in
with password and TOTP, takes the case, asks for a correction; the resident resends over
WhatsApp; the officer approves and the receipt document reaches the Graph API.
"""

import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from loket.cases.models import Case, State
from loket.channels.whatsapp import envelopes
from loket.console.models import Role
from loket.scheduling.office import long_date
from tests.console.builders import make_staff
from tests.console.test_browser import CHROMIUM, console_page, sign_in_to_the_queue  # noqa: F401 - the browser fixture
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    SHIFT,
    SITI,
    envelope,
    inbound_settings,
    jpeg,
    message,
    office_numbers,
    photo,
    text,
    work,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    ),
]

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
CONSENT = {"type": "button_reply", "button_reply": {"id": "consent:yes", "title": "Saya setuju"}}


def now() -> int:
    return int(time.time()) - SHIFT


def webhook(base_url: str, *messages: dict) -> None:
    """What Meta does: POST the signed body to the live server's real webhook URL; then the worker."""
    body = envelopes.body(envelope(*messages))
    response = httpx.post(
        f"{base_url}/webhooks/whatsapp",
        content=body,
        headers=envelopes.headers(settings.LOKET_WA_APP_SECRET, body),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    work()


def sent_texts(fake_graph) -> list[str]:
    return [m.text for m in fake_graph.messages(KIA_NUMBER)]


@pytest.fixture
def officer_page(request):
    return request.getfixturevalue("console_page")


def test_from_the_webhook_to_the_receipt_through_the_console(officer_page, live_server, fake_graph, settings):
    # Meta's pacing of messages to one person is tested elsewhere; here it would only wait.
    settings.LOKET_WA_PAIR_BURST = 100
    page, base = officer_page, live_server.url
    office_numbers()
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])

    webhook(base, text(KIA_BUDI, ts=now()))
    webhook(base, message("interactive", ts=now(), **CONSENT))
    webhook(
        base,
        *[
            photo(fake_graph, jpeg((n, n, n)), caption=caption, ts=now())
            for n, caption in enumerate(["AKTA", "KTP AYAH", "KTP IBU", "KK", "FOTO"], 1)
        ],
    )
    case = Case.objects.get()
    assert case.state == State.QUEUED and case.documents.count() == 5
    assert any(case.request_number in t for t in sent_texts(fake_graph))

    sign_in_to_the_queue(page, officer)

    page.click("#take-next")
    page.wait_for_url(f"**/console/permohonan/{case.pk}/")
    assert page.locator("#checklist .ok").count() == 5
    # The conversation shows the resident's request and links to the files that came in.
    assert page.locator("#conversation").get_by_text(KIA_BUDI).count() == 1
    assert (
        page.locator(f"#conversation a[href$='/dokumen/{case.documents.get(label='kk').pk}/']").count() == 1
    )
    page.keyboard.press("k")
    page.check("#correction-form input[name=label][value=kk]")
    page.check("#correction-form input[name=reason_kk][value=buram]")
    page.click("#correction-form button[type=submit]")
    page.wait_for_url("**/console/antrean/KIA/")
    work()  # the worker sends the correction
    assert any("Kartu Keluarga (KK): fotonya buram" in t for t in sent_texts(fake_graph))

    # The resident resends the family card over WhatsApp: it joins the same case.
    webhook(base, photo(fake_graph, jpeg((9, 9, 9)), caption="KK", ts=now()))
    case.refresh_from_db()
    assert case.state == State.QUEUED and case.preferred_officer == officer
    assert case.documents.filter(label="kk").count() == 2

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
    work()  # the worker uploads the receipt and sends it
    receipts = [m for m in fake_graph.messages(KIA_NUMBER) if m.type == "document"]
    assert len(receipts) == 1 and receipts[0].to == SITI
