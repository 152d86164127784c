"""The simulator in a real browser under the Content-Security-Policy: the number picker,
sending a request, the chat pane refreshing by itself and a consent button sending its
title, all with no inline script and no CSP violation."""

import pytest

from loket.channels.whatsapp.models import InboundMessage
from tests.browser_csp import needs_chromium, watched_browser
from tests.whatsapp.inbound import KIA_NUMBER, KK_NUMBER, office_numbers, work

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

REQUEST = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"


@pytest.mark.django_db(transaction=True)
def test_a_resident_requests_and_consents_in_the_simulator_with_no_csp_violation(
    settings, live_server, fake_graph
):
    settings.DEMO = True
    office_numbers()
    with watched_browser(live_server.url) as (context, watch):
        page = context.new_page()
        response = page.goto("/simulator/")
        assert "script-src 'self'" in response.headers["content-security-policy"]

        # The number picker sends its form on change (data-autosubmit, no onchange=).
        page.select_option("select[name=number]", KK_NUMBER)
        page.wait_for_url(f"**number={KK_NUMBER}**")
        page.select_option("select[name=number]", KIA_NUMBER)
        page.wait_for_url(f"**number={KIA_NUMBER}**")

        page.fill("textarea[name=text]", REQUEST)
        page.click(".sim-send button")
        page.wait_for_load_state()
        work()
        # The pane refreshes itself (simulator.js) and shows the consent buttons.
        consent = page.locator("#chat .buttons button", has_text="Saya setuju")
        consent.first.wait_for()
        consent.first.click()
        page.wait_for_load_state()
        work()
        watch.assert_no_violations()

    answer = InboundMessage.objects.get(type="interactive")
    assert answer.payload["interactive"]["button_reply"]["title"] == "Saya setuju"
