"""The README's demo story end to end, in a real browser under the Content-Security-Policy.

A resident sends the README's KIA request in the simulator (signed webhooks to the live
server, files held by the fake Graph API, worker jobs run inline), agrees to the privacy
notice and sends the document photos. An officer signs in (password, TOTP) and takes THAT
case from the queue, although an older one waits; reads it in human words; approves after
the confirmation step; opens the receipt PDF from the case page. The counter clerk marks the
card printed, finds the request at the counter, hands it over, and the resident's hand-over
message reaches the Graph API and the simulator. Any CSP violation on any page fails it.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from loket.cases.models import Case, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.simulator import DEFAULT_PHONE
from loket.console.models import Role
from loket.domain import regions as domain_regions
from loket.regions.loading import load_regions
from loket.regions.models import Region, RegionAlias
from loket.scheduling.models import HandOver
from loket.scheduling.office import long_date
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import PASSWORD, current_code, make_case, make_staff
from tests.whatsapp.inbound import KIA_NUMBER, jpeg, office_numbers, work

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]

# The README's example, word for word.
REQUEST = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"
PHOTOS = ["AKTA", "KTP AYAH", "KTP IBU", "KK", "FOTO"]


def sign_in(page, user, path: str) -> None:
    """Open `path` without a session: the login page, password, then the TOTP code."""
    page.goto(path)
    assert "/console/login/" in page.url
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=token]", current_code(user))
    page.click("button[type=submit]")
    page.wait_for_url(f"**{path}")


def send(page, text: str = "", photo: bytes | None = None, name: str = "foto.jpg") -> None:
    """Type (and attach) in the simulator and press Kirim; then the worker runs."""
    page.fill(".sim-send textarea[name=text]", text)
    if photo is not None:
        page.set_input_files(
            ".sim-send input[name=file]", {"name": name, "mimeType": "image/jpeg", "buffer": photo}
        )
    with page.expect_navigation():
        page.click(".sim-send button")
    work()


def test_the_readme_demo_story_from_the_simulator_to_the_hand_over(settings, live_server, fake_graph):
    if not Region.objects.exists():  # an earlier transactional test flushed the migrated rows
        load_regions(
            Region, RegionAlias, Path(domain_regions.PACKAGED_REGION_FILE), domain_regions.PACKAGED_ALIAS_FILE
        )
    settings.DEMO = True
    settings.LOKET_WA_PAIR_BURST = 100  # Meta's pacing per person is tested elsewhere
    office_numbers()
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    clerk = make_staff("loket", Role.COUNTER)
    # An older request waits too: "take next" would give that one, the officer takes theirs.
    older = make_case(created_at=timezone.now() - dt.timedelta(hours=3))

    with watched_browser(live_server.url) as (context, watch):
        context.set_default_timeout(30_000)  # a long walk on a shared machine
        resident = context.new_page()
        # --- the resident, in the simulator ------------------------------------------------
        resident.goto(f"/simulator/?number={KIA_NUMBER}")
        send(resident, REQUEST)
        consent = resident.locator("#chat .buttons button", has_text="Saya setuju")
        consent.first.wait_for()
        with resident.expect_navigation():
            consent.first.click()
        work()
        for n, caption in enumerate(PHOTOS, 1):
            send(resident, caption, jpeg((40 * n, 20 * n, 200 - 30 * n)), name=f"{caption.lower()}.jpg")
        case = Case.objects.get(resident__wa_id=DEFAULT_PHONE)
        assert (case.state, case.documents.count()) == (State.QUEUED, len(PHOTOS))
        assert case.request_number in resident.locator("#chat").inner_text()

        # --- the officer takes THAT case and reads it in human words --------------------------
        page = context.new_page()
        sign_in(page, officer, "/console/antrean/KIA/")
        row = page.locator("table.queue tr", has_text=case.request_number)
        row.locator("button.take-case").click()
        page.wait_for_url(f"**/console/permohonan/{case.pk}/")
        case.refresh_from_db()
        older.refresh_from_db()
        assert (case.state, case.assigned_to) == (State.IN_REVIEW, officer)
        assert (older.state, older.assigned_to) == (State.QUEUED, None)
        data = page.locator("#data").inner_text()
        assert "Nomor KK" in data and "no_kk" not in data and "kode_desa" not in data
        assert "Desa Pasir Bolang" in data and "Kecamatan Tigaraksa" in data
        assert page.locator("#checklist .ok").count() == len(PHOTOS)

        # --- approval asks first, with the date it will book -------------------------------
        page.click("#approve")
        page.wait_for_url(f"**/console/permohonan/{case.pk}/setujui/")
        assert "pengambilan pada" in page.locator("#planned-date").inner_text()
        assert not case.bookings.exists()
        page.click("#confirm")
        page.wait_for_url("**/console/antrean/KIA/")
        case.refresh_from_db()
        booking = case.bookings.get()
        assert case.state == State.APPROVED
        assert long_date(booking.day) in page.locator(".flash.success").inner_text()

        # --- the receipt, from the case page --------------------------------------------------
        page.goto(f"/console/permohonan/{case.pk}/")
        href = page.locator("#receipt-link").get_attribute("href")
        assert href == f"/console/permohonan/{case.pk}/bukti.pdf"
        pdf = page.request.get(href)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
        work()  # the receipt goes to the resident
        page.click("form[action='/console/logout/'] button")
        page.wait_for_url("**/console/login/**")

        # --- the counter: printed, found, handed over ---------------------------------------
        day = booking.day.isoformat()
        sign_in(page, clerk, f"/console/printing/?day={day}")
        assert case.request_number in page.locator("table").inner_text()
        page.click("form[action='/console/printing/mark'] button[type=submit]")
        page.wait_for_url(f"**/console/printing/?day={day}")
        case.refresh_from_db()
        assert case.state == State.READY_FOR_PICKUP
        work()  # "siap diambil"

        page.goto("/console/counter/")
        page.fill("#pickup-search input[name=q]", case.request_number)
        page.click("#pickup-search button[type=submit]")
        page.wait_for_url("**/console/counter/?q=**")
        row = page.locator("#pickups tr", has_text=case.request_number)
        assert "SI** AM****" in row.inner_text() and "Tigaraksa" in row.inner_text()
        assert row.locator("a.receipt-link").get_attribute("href") == href
        row.locator("a.open-pickup").click()
        page.wait_for_url("**/console/counter/?code=**")
        page.select_option("form.handover select[name=relation]", "orang_tua")
        page.fill("form.handover input[name=recipient_name]", "AHMAD")
        page.fill("form.handover input[name=identity_document]", "KTP-el")
        page.fill("form.handover input[name=identity_number_end]", "0007")
        page.click("form.handover button[type=submit]")
        page.wait_for_load_state()
        assert "sudah diserahkan" in page.locator(".flash.success").inner_text()
        case.refresh_from_db()
        assert case.state == State.COLLECTED
        assert HandOver.objects.get(case=case).recipient_name == "AHMAD"

        # --- the resident is told who received the card ------------------------------------
        work()
        assert OutboundMessage.objects.filter(case=case, kind="hand_over").count() == 1
        sent = [m.text for m in fake_graph.messages(KIA_NUMBER) if m.to == DEFAULT_PHONE]
        assert any("kepada AHMAD" in t and "Bukan Anda? Balas PETUGAS" in t for t in sent)
        resident.goto(f"/simulator/?number={KIA_NUMBER}&phone={DEFAULT_PHONE}")
        assert "Bukan Anda? Balas PETUGAS" in resident.locator("#chat").inner_text()

        watch.assert_no_violations()
