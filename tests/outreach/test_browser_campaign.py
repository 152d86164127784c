"""A supervisor opens a campaign's funnel from the console menu in a real browser."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.test import Client
from django.utils import timezone

from loket.cases.models import Case, Resident, State
from loket.console.models import Role
from loket.outreach import campaigns
from loket.outreach.models import CampaignRecipient
from tests.browser_csp import needs_chromium, watched_browser
from tests.console.builders import make_staff, sign_in
from tests.scheduling import builders

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]
BALARAJA, TIGARAKSA = "36.03.01", "36.03.03"


@pytest.mark.django_db(transaction=True)
def test_the_supervisor_opens_a_campaign_funnel(live_server, settings, tmp_path):
    today = timezone.localdate()
    campaign = campaigns.create(
        name="KIA kecamatan prioritas",
        service="KIA",
        template="loket_kampanye_kia",
        kecamatan=[BALARAJA, TIGARAKSA],
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
    )
    sent = timezone.now() - dt.timedelta(days=5)
    for i, (kec, read, collected) in enumerate(
        [(BALARAJA, True, True), (BALARAJA, True, False), (TIGARAKSA, False, False)]
    ):
        resident = Resident.objects.create(
            channel_number="1001", user_id=f"6281300000{i}", wa_id=f"6281300000{i}"
        )
        case = builders.case("KIA") if collected else None
        if case:
            Case.objects.filter(pk=case.pk).update(
                resident=resident, state=State.COLLECTED, source="POSY-3603012010"
            )
        CampaignRecipient.objects.create(
            campaign=campaign,
            resident=resident,
            kode_kecamatan=kec,
            sent_at=sent,
            delivered_at=sent,
            read_at=sent if read else None,
            case=case,
            collected_at=sent if collected else None,
        )
    client = Client()
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    session = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

    with watched_browser(live_server.url, session) as (context, watch):
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/console/")
        page.click(".menu-kampanye >> visible=true")
        page.wait_for_url("**/console/kampanye/")
        page.click("text=KIA kecamatan prioritas")
        page.wait_for_url(f"**/console/kampanye/{campaign.pk}/")
        rows = page.locator("#campaign-funnel tbody tr")
        assert rows.count() == 3
        assert rows.nth(0).inner_text().split("\t") == ["Balaraja", "2", "2", "2", "0", "1", "1"]
        assert rows.nth(1).inner_text().split("\t") == ["Tigaraksa", "1", "1", "0", "0", "0", "0"]
        assert rows.nth(2).inner_text().split("\t") == ["Jumlah", "3", "3", "2", "0", "1", "1"]
        poster = page.locator("#campaign-posters tbody tr").first.inner_text()
        assert "POSY-3603012010" in poster and "Sentul" in poster
        assert page.locator("#campaign-places a").count() > 4
        page.screenshot(path=str(tmp_path / "campaign.png"), full_page=True)
        watch.assert_no_violations()
    if target := os.environ.get("LOKET_SCREENSHOT_DIR"):
        (tmp_path / "campaign.png").replace(f"{target}/campaign.png")
