"""The simulator as faithful as a phone, in a real browser under the Content-Security-Policy:
WhatsApp formatting (escaped), a list that opens as a sheet and sends a `list_reply` through
the signed webhook, reply buttons that send a `button_reply`, image thumbnails both ways,
long lines wrapped, touch targets >= 44px and text contrast >= 4.5:1, at 360x740 and desktop."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from loket.cases.models import Resident
from loket.channels.whatsapp.models import Delivery, InboundMessage
from loket.messaging import port
from tests.browser_csp import needs_chromium, watched_browser
from tests.whatsapp.inbound import KIA_NUMBER, office_numbers, work

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]

PHONE = "6281200005678"
SHOTS = Path(os.environ.get("LOKET_SCREENSHOTS", "/tmp/loket-screenshots"))

MENU = {
    "type": "list",
    "header": {"type": "text", "text": "Layanan Disdukcapil"},
    "body": {"text": "Pilih *layanan* yang ingin Anda ajukan."},
    "footer": {"text": "Balas BATAL untuk keluar"},
    "action": {
        "button": "Pilih layanan",
        "sections": [
            {
                "title": "Permohonan",
                "rows": [
                    {"id": "svc:KIA", "title": "KIA", "description": "Kartu Identitas Anak"},
                    {"id": "svc:KK", "title": "KK", "description": "Kartu Keluarga"},
                    {"id": "svc:KTP", "title": "KTP", "description": "KTP-el pemula, hilang, rusak"},
                ],
            },
            {"title": "Lainnya", "rows": [{"id": "menu:status", "title": "Cek status"}]},
        ],
    },
}
CONFIRM = {
    "type": "button",
    "body": {"text": "NIK anak: 3603********0003\nNama anak: SITI AMINAH\nApakah sudah benar?"},
    "action": {
        "buttons": [
            {"type": "reply", "reply": {"id": "guided:ok", "title": "Benar"}},
            {"type": "reply", "reply": {"id": "guided:edit", "title": "Ubah"}},
        ]
    },
}
FORMATTED = (
    "*Nomor permohonan* _KIA-20261205-0001_ ~lama~ ```#KIA#NIK#NO_KK```\n"
    "<script>document.title='pwned'</script> 2*3*4 "
    "SATUBARISPANJANGTANPASPASIYANGHARUSTETAPTERBUNGKUSDALAMGELEMBUNGPESANSEPERTIDIPONSEL0123456789"
)

# The contrast of an element's text against the first opaque background behind it (WCAG).
CONTRAST = """(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
  let node = el, bg = null;
  while (node && node.nodeType === 1) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def check_touch_and_contrast(page) -> None:
    for selector in (".reply-button", ".list-button", ".sim-send button", ".sim-who button"):
        for element in page.locator(selector).all():
            box = element.bounding_box()
            assert box and box["height"] >= 44, (selector, box)
            assert element.evaluate(CONTRAST) >= 4.5, selector
    file_input = page.locator(".sim-send input[type=file]").bounding_box()
    assert file_input and file_input["height"] >= 44
    for selector in (".bubble .text", ".bubble .meta", ".bubble .footer", ".sim-head"):
        for element in page.locator(selector).all():
            assert element.evaluate(CONTRAST) >= 4.5, selector


def test_lists_buttons_formatting_and_thumbnails_as_on_a_phone(settings, live_server, fake_graph):
    settings.DEMO = True
    settings.LOKET_WA_PAIR_BURST = 100
    office_numbers()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with watched_browser(live_server.url) as (context, watch):
        page = context.new_page()
        page.set_viewport_size({"width": 360, "height": 740})
        # The number picker opens on the KIA number, whatever the order of the numbers.
        page.goto(f"/simulator/?phone={PHONE}&name=Ibu+Ani")
        assert page.locator("select[name=number]").input_value() == KIA_NUMBER

        # The resident sends a photo: it goes to the Graph API, then through the signed webhook.
        page.set_input_files(
            ".sim-send input[name=file]", {"name": "akta.jpg", "mimeType": "image/jpeg", "buffer": picture()}
        )
        with page.expect_navigation():
            page.click(".sim-send button")
        work()
        resident = Resident.objects.get(wa_id=PHONE)
        port.tell(resident, text=FORMATTED)
        port.tell(resident, choices=MENU)
        port.tell(
            resident, text="Contoh foto yang jelas", attachment=port.Attachment(picture(), "contoh.jpg")
        )
        port.tell(resident, text=CONFIRM["body"]["text"], choices=CONFIRM)
        work()
        page.reload()
        page.screenshot(path=str(SHOTS / "simulator-360-top.png"))

        chat = page.locator("#chat")
        # Formatting rendered, markup escaped (shown as text, never run), long lines wrapped.
        bold = chat.locator(".bubble .text strong", has_text="Nomor permohonan")
        assert bold.count() == 1
        assert chat.locator(".bubble .text em", has_text="KIA-20261205-0001").count() == 1
        assert chat.locator(".bubble .text s", has_text="lama").count() == 1
        assert chat.locator(".bubble .text code", has_text="#KIA#NIK#NO_KK").count() == 1
        assert "<script>document.title='pwned'</script>" in chat.inner_text()
        assert page.title() != "pwned" and chat.locator("script").count() == 0
        assert "2*3*4" in chat.inner_text()
        formatted = bold.locator("xpath=ancestor::div[contains(@class,'bubble')]")
        bubble_box, chat_box = formatted.bounding_box(), chat.bounding_box()
        assert bubble_box["x"] + bubble_box["width"] <= chat_box["x"] + chat_box["width"]  # wrapped

        # Thumbnails: the resident's photo and the one we sent, both real images.
        thumbs = chat.locator(".bubble .thumb img")
        assert thumbs.count() == 2
        for i in range(2):
            thumbs.nth(i).scroll_into_view_if_needed()
            assert thumbs.nth(i).evaluate("img => img.complete && img.naturalWidth") == 320

        check_touch_and_contrast(page)
        formatted.scroll_into_view_if_needed()
        page.locator(".sim-phone").screenshot(path=str(SHOTS / "simulator-360-formatting.png"))
        page.locator(".list-button").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "simulator-360.png"))

        # The list opens as a sheet with its sections and rows; a row sends a list_reply.
        sheet = chat.locator(".sheet")
        assert not sheet.is_visible()
        page.click(".list-button")
        assert sheet.is_visible()
        sheet_box = sheet.bounding_box()  # the whole sheet on the screen, as on the phone
        assert sheet_box["y"] >= 0 and sheet_box["y"] + sheet_box["height"] <= 740 + 1
        assert [t.strip() for t in sheet.locator(".sheet-section").all_inner_texts()] == [
            "Permohonan",
            "Lainnya",
        ]
        assert sheet.locator(".row").count() == 4
        for row in sheet.locator(".row").all():
            assert row.bounding_box()["height"] >= 44 and row.evaluate(CONTRAST) >= 4.5
        page.screenshot(path=str(SHOTS / "simulator-360-list.png"))
        sheet.locator(".sheet-close").click()
        assert not sheet.is_visible()
        page.click(".list-button")
        deliveries = Delivery.objects.count()
        with page.expect_navigation():
            sheet.locator(".row", has_text="Kartu Identitas Anak").click()
        assert Delivery.objects.count() == deliveries + 1  # through the signed webhook
        work()
        picked = InboundMessage.objects.get(type="interactive")
        assert picked.payload["interactive"] == {
            "type": "list_reply",
            "list_reply": {"id": "svc:KIA", "title": "KIA", "description": "Kartu Identitas Anak"},
        }

        # Reply buttons under the bubble; a tap sends a button_reply with the title.
        page.locator(".reply-button", has_text="Benar").scroll_into_view_if_needed()
        with page.expect_navigation():
            page.click(".reply-button:text-is('Benar')")
        work()
        pressed = InboundMessage.objects.filter(type="interactive").latest("pk")
        assert pressed.payload["interactive"]["button_reply"] == {"id": "guided:ok", "title": "Benar"}
        # The choices show in the resident's own bubbles, as on the phone.
        page.reload()
        mine = chat.locator(".msg.mine .reply .text")
        assert [t.strip() for t in mine.all_inner_texts()] == ["KIA", "Benar"]

        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        check_touch_and_contrast(page)
        page.screenshot(path=str(SHOTS / "simulator-desktop.png"), full_page=True)
        watch.assert_no_violations()


@pytest.mark.django_db
def test_thumbnails_are_demo_only_and_only_images(settings, client, fake_graph):
    settings.DEMO = False
    assert client.get("/simulator/media/in/1").status_code == 404
    settings.DEMO = True
    assert client.get("/simulator/media/in/999").status_code == 404
    assert client.get("/simulator/media/out/999").status_code == 404
