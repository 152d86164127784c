"""The capacity planner in a real browser under the Content-Security-Policy: a what-if
input changes, htmx asks again, the result changes; no violation is reported."""

from pathlib import Path

import pytest
from django.test import Client

from loket.console.models import Role
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import make_staff, sign_in
from tests.coverage.builders import run_import

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


@pytest.mark.django_db(transaction=True)
def test_a_what_if_input_recomputes_the_plan_at_once(live_server, settings, tmp_path):
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    client = Client()
    sign_in(client, make_staff("pengawas", Role.SUPERVISOR))
    session = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    with watched_browser(live_server.url, session) as (context, watch):
        page = context.new_page()
        # Found from the coverage pages' menu.
        assert page.goto("/console/coverage/").status == 200
        page.click("nav.subnav >> text=Rencana kapasitas")
        page.wait_for_url("**/console/coverage/rencana/")
        page.fill("input[name=by]", "2027-12-31")
        page.wait_for_function("document.querySelector('#plan-cards-per-day') !== null")
        page.wait_for_load_state("networkidle")
        officers_before = page.inner_text("#plan-officers")
        per_day_before = page.inner_text("#plan-cards-per-day")
        needed_before = page.inner_text("#plan-cards-needed")
        assert needed_before == "445.659"  # 2022-S2: ceil(0.9 × 913.290) − 376.302

        # What if an officer took 20 minutes per case instead of the default 10?
        page.fill("input[name=minutes_per_case]", "20")
        page.wait_for_function(
            "(before) => document.querySelector('#plan-officers').textContent !== before", arg=officers_before
        )
        officers_after = int(page.inner_text("#plan-officers").replace(".", ""))
        assert officers_after > int(officers_before.replace(".", ""))
        assert page.inner_text("#plan-cards-per-day") == per_day_before  # cards are not officers

        # And a lower target: fewer cards.
        page.fill("input[name=target]", "50")
        page.wait_for_function(
            "(before) => document.querySelector('#plan-cards-needed').textContent !== before",
            arg=needed_before,
        )
        assert page.inner_text("#plan-cards-needed") == "80.343"  # ceil(456.645) − 376.302
        assert "minutes_per_case=20" in page.url  # the what-if is in the address, to share
        page.screenshot(path=str(tmp_path / "planner.png"), full_page=True)
        watch.assert_no_violations()
