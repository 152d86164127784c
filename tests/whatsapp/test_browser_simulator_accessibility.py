"""The demo's WhatsApp simulator passes axe-core (WCAG 2.1 A/AA, no critical or serious
violation) and fits a phone, with the consent buttons on screen."""

import pytest

from tests.accessibility import DESKTOP, PHONE, Findings
from tests.browser_csp import needs_chromium, watched_browser
from tests.whatsapp.inbound import KIA_NUMBER, office_numbers, work

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

REQUEST = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"


@pytest.mark.django_db(transaction=True)
def test_the_simulator_with_consent_buttons_passes_axe_on_a_phone_and_a_desktop(
    settings, live_server, fake_graph
):
    settings.DEMO = True
    office_numbers()
    findings = Findings()
    with watched_browser(live_server.url) as (context, watch):
        page = context.new_page()
        page.goto("/simulator/")
        page.select_option("select[name=number]", KIA_NUMBER)
        page.wait_for_url(f"**number={KIA_NUMBER}**")
        page.fill("textarea[name=text]", REQUEST)
        page.click(".sim-send button")
        page.wait_for_load_state()
        work()
        page.locator("#chat .buttons button", has_text="Saya setuju").first.wait_for()
        for viewport, phone in ((PHONE, True), (DESKTOP, False)):
            page.set_viewport_size(viewport)
            findings.check(page, f"/simulator/ @{viewport['width']}", phone=phone)
        watch.assert_no_violations()
    findings.assert_none()
