"""The webhook door: only signed deliveries get in, each one stored before we say 200."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from loket.channels.whatsapp import ingest
from loket.channels.whatsapp.models import Delivery, InboundMessage
from tests.whatsapp.inbound import envelope, inbound_settings, office_numbers, post, text  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_handshake_echoes_the_challenge_only_for_our_verify_token():
    client = Client()
    ok = client.get(
        "/webhooks/whatsapp",
        {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1725830195"},
    )
    assert ok.status_code == 200 and ok.content == b"1725830195"
    wrong = client.get(
        "/webhooks/whatsapp", {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    )
    assert wrong.status_code == 403


def test_a_signed_delivery_is_stored_byte_for_byte_and_answered_200():
    body = json.dumps(envelope(text("STATUS")), ensure_ascii=True).encode()
    response = post(body)
    assert response.status_code == 200
    assert [bytes(d.body) for d in Delivery.objects.all()] == [body]
    assert Delivery.objects.get().received_at is not None


def test_the_path_has_no_trailing_slash_redirect():
    response = post(envelope(text("STATUS")))
    assert response.status_code == 200  # not a 301 to /webhooks/whatsapp/


def test_a_missing_signature_is_refused_and_nothing_is_stored():
    response = Client().post("/webhooks/whatsapp", b"{}", content_type="application/json")
    assert response.status_code == 401
    assert Delivery.objects.count() == 0


def test_a_wrong_signature_is_refused_and_nothing_is_stored():
    assert post(envelope(text("STATUS")), secret="someone-elses-secret").status_code == 403
    body = json.dumps(envelope(text("STATUS"))).encode()
    from loket.channels.whatsapp.envelopes import sign

    tampered = body.replace(b"STATUS", b"BATAL!")
    response = Client().post(
        "/webhooks/whatsapp",
        tampered,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sign("test-app-secret", body),
    )
    assert response.status_code == 403
    assert Delivery.objects.count() == 0


def test_a_signed_body_that_is_not_json_is_stored_flagged_and_quarantined_never_a_crash():
    assert post(b"{not json at all").status_code == 200
    ingest.dispatch_pending()
    delivery = Delivery.objects.get()
    assert delivery.flags == ["invalid_json"] and delivery.dispatched_at is None
    assert delivery.quarantined_at is not None and delivery.error.startswith("invalid_json: JSONDecodeError")
    assert bytes(delivery.body) == b"{not json at all"


def test_a_ten_megabyte_body_gets_413_and_nothing_is_stored():
    response = post(b"x" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert Delivery.objects.count() == 0


@pytest.mark.slow
def test_a_three_megabyte_batch_is_accepted_and_every_message_kept():
    office_numbers()
    filler = "x" * 3000
    messages = [text(f"pesan {n} {filler}", wamid=f"wamid.BIG-{n}", ts=1764400000 + n) for n in range(1000)]
    body = json.dumps(envelope(*messages)).encode()
    assert 2_900_000 < len(body) < 3_200_000
    assert post(body).status_code == 200
    runs = 0
    while ingest.dispatch_pending():
        runs += 1
    assert InboundMessage.objects.count() == 1000
    assert runs == 1000 // settings.LOKET_WA_DISPATCH_CHUNK  # bounded chunks, not one transaction


@pytest.mark.django_db(transaction=True)
def test_when_the_database_cannot_store_it_meta_gets_a_5xx_to_retry():
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        response = post(envelope(text("STATUS")))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
    assert response.status_code == 503
    assert post(envelope(text("STATUS"))).status_code == 200


def test_staff_see_deliveries_and_messages_in_the_admin(admin_client):
    office_numbers()
    post(envelope(text("STATUS", wamid="wamid.ADMIN-1")))
    ingest.dispatch_pending()
    message = InboundMessage.objects.get()
    assert admin_client.get("/admin/whatsapp/inboundmessage/").status_code == 200
    page = admin_client.get(f"/admin/whatsapp/inboundmessage/{message.pk}/change/")
    assert page.status_code == 200 and "STATUS" in page.content.decode()
    delivery = Delivery.objects.get()
    assert (
        "wamid.ADMIN-1"
        in admin_client.get(f"/admin/whatsapp/delivery/{delivery.pk}/change/").content.decode()
    )
