"""The simulator: a resident's chat through the real signed webhook path (demo mode only)."""

import hashlib

import pytest
from django.test import Client

from loket.cases.models import Document
from loket.channels.whatsapp.models import Delivery, InboundMessage, OutboundMessage
from tests.whatsapp.inbound import KIA_NUMBER, inbound_settings, jpeg, office_numbers, work  # noqa: F401


def test_the_simulator_is_not_there_outside_demo_mode(db, settings):
    settings.DEMO = False
    assert Client().get("/simulator/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_simulated_chat_goes_through_the_signed_webhook_and_shows_the_replies(
    settings, live_server, fake_graph
):
    settings.DEMO = True
    office_numbers()
    client = Client()
    host = live_server.url.removeprefix("http://")
    form = {"number": KIA_NUMBER, "phone": "6281200001234", "name": "Ibu Ani"}
    answer = client.post("/simulator/send", {**form, "text": "STATUS"}, HTTP_HOST=host)
    assert answer.status_code == 302
    assert Delivery.objects.count() == 1  # stored by the webhook, signed like Meta
    work()
    page = client.get("/simulator/", {"number": KIA_NUMBER, "phone": "6281200001234"}, HTTP_HOST=host)
    assert "STATUS" in page.content.decode()
    assert "tidak ada permohonan" in page.content.decode()

    photo = jpeg()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("akta.jpg", photo, content_type="image/jpeg")
    client.post("/simulator/send", {**form, "file": upload, "caption": "AKTA"}, HTTP_HOST=host)
    work()
    message = InboundMessage.objects.get(type="image")
    assert message.media_state == "stored"
    document = Document.objects.get()
    # the upload went through the media path: the same photo, kept as its clean re-encoded copy
    assert document.sha256 == hashlib.sha256(photo).hexdigest() and document.status == "received"
    with document.file.open("rb") as fh:
        assert fh.read(3) == b"\xff\xd8\xff"
    assert OutboundMessage.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_lists_buttons_and_formatting_render_escaped_and_a_row_sends_a_list_reply(
    settings, live_server, fake_graph
):
    """Without a browser too: the page escapes, formats, offers the list's rows and the buttons,
    and a row posted from it reaches the webhook as a list_reply (signed, like Meta)."""
    from loket.cases.models import Resident
    from loket.messaging import port

    settings.DEMO = True
    office_numbers()
    client = Client()
    host = live_server.url.removeprefix("http://")
    form = {"number": KIA_NUMBER, "phone": "6281200001234", "name": "Ibu Ani"}
    client.post("/simulator/send", {**form, "text": "halo <b>petugas</b>"}, HTTP_HOST=host)
    work()
    resident = Resident.objects.get(wa_id="6281200001234")
    port.tell(resident, text="*Penting*: <script>alert(1)</script>")
    rows = [{"id": "svc:KIA", "title": "KIA", "description": "Kartu Identitas Anak"}]
    port.tell(
        resident,
        choices={
            "type": "list",
            "body": {"text": "Pilih layanan"},
            "action": {"button": "Pilih layanan", "sections": [{"title": "Layanan", "rows": rows}]},
        },
    )
    work()
    html = client.get(
        "/simulator/", {"number": KIA_NUMBER, "phone": "6281200001234"}, HTTP_HOST=host
    ).content.decode()
    assert "<strong>Penting</strong>: &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "halo &lt;b&gt;petugas&lt;/b&gt;" in html and "<b>petugas" not in html
    assert 'name="list_id" value="svc:KIA"' in html and "Kartu Identitas Anak" in html
    # The picker opens on the KIA number without being told.
    picker = client.get("/simulator/", HTTP_HOST=host).content.decode()
    assert f'value="{KIA_NUMBER}" selected' in picker

    answer = client.post(
        "/simulator/send",
        {**form, "list_id": "svc:KIA", "list_title": "KIA", "list_description": "Kartu Identitas Anak"},
        HTTP_HOST=host,
    )
    assert answer.status_code == 302 and "name=Ibu+Ani" in answer["Location"]
    work()
    picked = InboundMessage.objects.get(type="interactive")
    assert picked.payload["interactive"]["list_reply"] == {
        "id": "svc:KIA",
        "title": "KIA",
        "description": "Kartu Identitas Anak",
    }
    assert Delivery.objects.count() == 2
