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
