"""The keyboard and the screen reader in a real browser: a skip link first, a wrong code
announced and marked on its field with the focus there, the K shortcut moving the focus into
the correction box, S never approving by itself, and shortcuts a person can turn off."""

from __future__ import annotations

import pytest

from loket.cases.models import State
from loket.console.models import Role, StaffProfile
from tests.accessibility import PHONE
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import PASSWORD, current_code, make_case, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_keyboard_and_screen_reader_paths_through_sign_in_and_a_case(live_server):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)

    with watched_browser(live_server.url) as (context, watch):
        page = context.new_page()
        page.goto("/console/login/")
        page.fill("input[name=username]", officer.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/console/login/kode/**")
        page.fill("input[name=token]", "000000")
        page.click("button[type=submit]")
        # The wrong code: announced (role=alert), the field marked and described, focus on it.
        alert = page.locator("[role=alert]")
        assert "Kode salah" in alert.inner_text()
        token = page.locator("input[name=token]")
        assert token.get_attribute("aria-invalid") == "true"
        assert token.get_attribute("aria-describedby") == alert.get_attribute("id")
        assert page.evaluate("document.activeElement.name") == "token"

        page.wait_for_timeout(1100)  # django-otp waits a second after a wrong code
        token.fill(current_code(officer))
        page.click("button[type=submit]")
        page.wait_for_url("**/console/")
        # The first Tab lands on the skip link, which takes the focus past the menu to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "isi"

        page.goto(f"/console/permohonan/{case.pk}/")
        page.locator("h1").click()  # the focus on the page, not in a field
        page.keyboard.press("k")
        assert page.locator("#correction-box").get_attribute("open") is not None
        assert page.evaluate("!!document.activeElement.closest('#correction-form')")
        assert page.evaluate("document.activeElement.type") == "checkbox"

        # S opens the approval's confirmation page; nothing is approved until "confirm".
        page.locator("h1").click()
        page.keyboard.press("s")
        page.wait_for_url(f"**/console/permohonan/{case.pk}/setujui/")
        case.refresh_from_db()
        assert case.state == State.IN_REVIEW and not case.bookings.exists()

        # Turned off: the keys type nothing and open nothing, and the hint is gone.
        page.goto("/console/pengaturan/")
        page.uncheck("input[name=shortcuts]")
        page.click("#preferences-form button[type=submit]")
        page.wait_for_url("**/console/pengaturan/")
        assert "dimatikan" in page.locator(".flash").inner_text()
        page.goto(f"/console/permohonan/{case.pk}/")
        assert page.locator("#shortcut-hint").count() == 0
        page.locator("h1").click()
        page.keyboard.press("k")
        page.keyboard.press("s")
        assert page.locator("#correction-box").get_attribute("open") is None
        assert page.url.endswith(f"/console/permohonan/{case.pk}/")

        # On a phone the menu is a <details>: closed, its links hidden; opened, they show.
        page.set_viewport_size(PHONE)
        menu = page.locator("details.console-menu")
        assert (
            menu.is_visible() and not page.locator("details.console-menu a", has_text="Beranda").is_visible()
        )
        menu.locator("summary").click()
        assert page.locator("details.console-menu a", has_text="Beranda").is_visible()
        assert not page.locator("nav.wide-only").is_visible()
        # The actions come before the data on a phone.
        actions_top = page.locator("#actions").bounding_box()["y"]
        assert actions_top < page.locator("#data").bounding_box()["y"]
        watch.assert_no_violations()

    assert StaffProfile.objects.get(user=officer).shortcuts is False
