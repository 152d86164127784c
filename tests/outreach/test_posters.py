"""Click-to-chat posters, end to end: the PDF's QR code decoded, its prefilled text sent through
the signed webhook, the request attributed to the poster on the campaign page; the funnel's
delivered/read/replied from real status webhooks."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pypdfium2
import pytest
import time_machine
import zxingcpp
from django.utils import timezone

from loket.cases.models import Case
from loket.console.models import Role
from loket.domain.intake import SERVICES
from loket.outreach import campaigns, posters, preferences
from loket.outreach.models import Campaign, CampaignRecipient
from tests.console.builders import make_staff, sign_in
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    SITI,
    deliver,
    inbound_settings,
    office_numbers,
    post,
    text,
    work,
)
from tests.whatsapp.test_guided import TYPED, case_show, fill_in, last, say

pytestmark = pytest.mark.django_db
BALARAJA, SENTUL = "36.03.01", "36.03.01.2010"
JAKARTA = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def numbers(db):
    office_numbers()


@pytest.fixture
def supervisor(client):
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    return client


def make_campaign(**changes) -> Campaign:
    today = timezone.localdate()
    values = {
        "name": "KIA Balaraja",
        "service": "KIA",
        "template": "loket_kampanye_kia",
        "kecamatan": [BALARAJA],
        "starts_on": today - dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=30),
    }
    return campaigns.create(**(values | changes))


def decode(pdf: bytes, scale: float) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=scale).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


def poster_table(client, campaign: Campaign) -> list[list[str]]:
    page = client.get(f"/console/kampanye/{campaign.pk}/").content.decode()
    body = page.split('id="campaign-posters"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def test_the_posters_qr_starts_the_guided_conversation_and_the_request_is_attributed(supervisor):
    campaign = make_campaign()
    number = SERVICES["KIA"].number
    expected = f"https://wa.me/62{number[1:]}?text=KIA%20%28kode%3A%20POSY-3603012010%29"
    for size, scale in (("a4", 2), ("a6", 4)):
        response = supervisor.get(
            f"/console/kampanye/{campaign.pk}/poster/{SENTUL}.pdf?tempat=posyandu&ukuran={size}"
        )
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert decode(response.content, scale) == [expected]
    a4 = supervisor.get(f"/console/kampanye/{campaign.pk}/poster/{SENTUL}.pdf").content
    words = pypdfium2.PdfDocument(a4)[0].get_textpage().get_text_range()
    assert "Urus KIA lewat WhatsApp" in words and campaigns.display_number(number) in words
    assert "Akta kelahiran anak" in words and "Sentul" in words and "Posyandu" in words

    link = decode(a4, 2)[0]
    assert urlsplit(link).netloc == "wa.me"
    [prefilled] = parse_qs(urlsplit(link).query)["text"]
    assert prefilled == "KIA (kode: POSY-3603012010)"
    say(prefilled)  # what the resident's phone sends after scanning
    assert "NIK anak" in last().text and "kode" not in last().text.lower()
    request_number = fill_in("KIA")
    assert case_show(request_number)["source"] == "POSY-3603012010"
    Case.objects.filter(request_number=request_number).update(state="collected")
    assert poster_table(supervisor, campaign) == [["POSY-3603012010", "Posyandu", "Sentul", "1", "1"]]


def test_an_unknown_token_is_still_a_request_and_attributed_to_no_poster(supervisor):
    campaign = make_campaign()
    say("KIA (kode: ZZZ-12345)")
    assert "NIK anak" in last().text
    request_number = fill_in("KIA")
    assert case_show(request_number)["source"] == "ZZZ-12345"
    # A poster of another kecamatan's campaign: not this campaign's either.
    say("#KIA#3603015506210004#3603012208170006#SARI DEWI#SENTUL#BALARAJA (kode: POSY-3603032001)")
    assert Case.objects.filter(source="POSY-3603032001").count() == 1
    assert poster_table(supervisor, campaign) == [["Belum ada permohonan dari poster kampanye ini."]]


def test_the_funnel_reads_delivered_read_and_replied_from_status_webhooks(supervisor, fake_graph):
    say(TYPED["KIA"])  # Siti's earlier request (Sentul, Balaraja)
    earlier = Case.objects.get()
    Case.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    preferences.answer(earlier.resident, agreed=True, via="button", message_ref="wamid.T")
    campaign = make_campaign()
    monday = timezone.localtime() - dt.timedelta(days=7)
    monday = (monday - dt.timedelta(days=monday.weekday())).replace(hour=10, minute=0)
    with time_machine.travel(monday, tick=False):
        assert campaigns.send_campaigns({})["sent"] == 1
    work()  # the outbox sends it to the (fake) Graph API
    row = CampaignRecipient.objects.get()
    sent = [
        s for s in fake_graph.sent_to(SITI) if s.body.get("template", {}).get("name") == "loket_kampanye_kia"
    ]
    assert len(sent) == 1  # as the MARKETING template, the place as its parameter
    assert sent[0].body["template"]["components"][0]["parameters"] == [{"type": "text", "text": "Sentul"}]
    for status in ("delivered", "read"):
        assert post(fake_graph.status_payload(sent[0], status)).status_code == 200
    work()
    say("Terima kasih infonya")
    page = supervisor.get(f"/console/kampanye/{campaign.pk}/").content.decode()
    funnel = page.split('id="campaign-funnel"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="num">(\d+)</td>', funnel)
    assert cells[:6] == ["1", "1", "1", "1", "0", "0"]  # Balaraja: sent, delivered, read, replied
    row.refresh_from_db()
    assert row.delivered_at and row.read_at and row.replied_at and row.case_id is None
    # Campaigns' posters render for the whole kecamatan too.
    assert posters.poster_for(campaign, "kecamatan", BALARAJA).token == "KEC-360301"


def test_berhenti_between_the_campaign_run_and_the_send_stops_the_message(fake_graph):
    say(TYPED["KIA"])
    earlier = Case.objects.get()
    Case.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    preferences.answer(earlier.resident, agreed=True, via="button", message_ref="wamid.T")
    make_campaign()
    monday = timezone.localtime() - dt.timedelta(days=7)
    monday = (monday - dt.timedelta(days=monday.weekday())).replace(hour=10, minute=0)
    with time_machine.travel(monday, tick=False):
        assert campaigns.send_campaigns({})["sent"] == 1  # queued, not sent yet
    deliver(text("BERHENTI", ts=1764400000 + 10**6))  # the worker handles BERHENTI, then the outbox
    assert not [
        s for s in fake_graph.sent_to(SITI) if s.body.get("template", {}).get("name") == "loket_kampanye_kia"
    ]
    row = CampaignRecipient.objects.get()
    from loket.channels.whatsapp.models import OutboundMessage

    message = OutboundMessage.objects.get(pk=row.message_ref)
    assert message.status == "failed" and "BERHENTI" in message.last_error_details + message.last_error_title
    with time_machine.travel(monday + dt.timedelta(hours=1), tick=False):
        assert campaigns.send_campaigns({})["sent"] == 0
