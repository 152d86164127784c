"""Administrators review the quarantine in the console: masked, retry or discard, audited."""

import pytest

from loket.channels.whatsapp import ingest, quarantine
from loket.channels.whatsapp.models import Delivery, InboundMessage, Incident, QuarantinedItem
from loket.console.models import AuditEntry, Role
from tests.console.builders import make_staff, sign_in
from tests.console.fixtures import console_settings  # noqa: F401
from tests.whatsapp.inbound import inbound_settings, office_numbers, post, text, work  # noqa: F401
from tests.whatsapp.poison import BOOM, body_of, failing_inserts

pytestmark = pytest.mark.django_db

PAGE = "/console/karantina/"


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


@pytest.fixture
def admin(client):
    user = make_staff("admin", Role.ADMIN)
    sign_in(client, user)
    return user


def _open_incident() -> Incident | None:
    return Incident.objects.filter(kind="quarantine", closed_at__isnull=True).first()


def _audit(action: str) -> list[str]:
    return list(AuditEntry.objects.filter(action=action).values_list("detail", flat=True))


def test_the_admin_sees_quarantined_items_masked_and_the_view_is_audited(client, admin):
    post(body_of(text("NIK 3603035512180003", wamid="wamid." + "A" * 250, frm="6281298765432" + "9" * 120)))
    post(b"{not json")
    work()
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ID pesan terlalu panjang" in page and "Isi kiriman bukan JSON yang terbaca" in page
    assert "entry[0].changes[0].value.messages[0]" in page
    # no personal data: neither the text, nor the NIK, nor the sender's number
    assert "3603035512180003" not in page and "6281298765432" not in page and "NIK" not in page
    assert _audit("view_quarantine") == [""]
    # the console home links the page, and so does the incident banner
    home = client.get("/console/").content.decode()
    assert PAGE in home and "Kiriman masuk dikarantina" in home


def test_retrying_an_item_after_the_cause_is_fixed_records_it_and_closes_the_incident(client, admin):
    post(body_of(text("STATUS", wamid=f"{BOOM}1"), text("STATUS", wamid="wamid.OK-1", ts=1764400001)))
    with failing_inserts():
        work()
    item = QuarantinedItem.objects.get()
    assert item.reason == "failed" and _open_incident() is not None
    # the database refuses no more: the administrator retries
    response = client.post(f"{PAGE}item/{item.pk}/ulang/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "retried" and item.resolved_at is not None
    work()
    assert InboundMessage.objects.get(wamid=f"{BOOM}1").handled_at is not None
    assert quarantine.count() == 0 and _open_incident() is None
    assert _audit("quarantine_retry") == [f"item={item.pk}"]


def test_an_item_that_fails_again_is_quarantined_again(client, admin):
    post(body_of(text("STATUS", wamid="wamid." + "B" * 250)))
    work()
    first = QuarantinedItem.objects.get()
    client.post(f"{PAGE}item/{first.pk}/ulang/")
    again = QuarantinedItem.objects.get(status="quarantined")
    assert again.pk != first.pk and (again.reason, again.path) == ("oversized_id", first.path)
    first.refresh_from_db()
    assert first.status == "retried"
    assert quarantine.count() == 1 and _open_incident() is not None
    assert _audit("quarantine_retry") == [f"item={first.pk} quarantined_again={again.pk}"]
    assert not InboundMessage.objects.exists()  # never stored truncated


def test_discarding_the_last_item_closes_the_incident(client, admin):
    post(body_of(text("STATUS", wamid="wamid." + "C" * 250)))
    work()
    item = QuarantinedItem.objects.get()
    assert client.post(f"{PAGE}item/{item.pk}/buang/").status_code == 302
    item.refresh_from_db()
    assert item.status == "discarded" and quarantine.count() == 0
    assert _open_incident() is None
    assert Incident.objects.get(kind="quarantine").closed_at is not None
    assert _audit("quarantine_discard") == [f"item={item.pk}"]
    # a second discard finds nothing to discard
    assert client.post(f"{PAGE}item/{item.pk}/buang/").status_code == 404


def test_a_retried_delivery_goes_back_to_the_queue_and_returns_if_it_fails_again(client, admin):
    post(b"{not json")
    work()
    delivery = Delivery.objects.get()
    assert client.post(f"{PAGE}kiriman/{delivery.pk}/ulang/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.quarantined_at is None and delivery.attempts == 0
    assert _open_incident() is None
    ingest.dispatch_pending()
    delivery.refresh_from_db()
    assert delivery.quarantined_at is not None and _open_incident() is not None
    assert _audit("quarantine_retry") == [f"delivery={delivery.pk}"]


def test_a_discarded_delivery_is_kept_flagged_and_never_dispatched(client, admin):
    post(b"{not json")
    work()
    delivery = Delivery.objects.get()
    assert client.post(f"{PAGE}kiriman/{delivery.pk}/buang/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.quarantined_at is None and delivery.dispatched_at is not None
    assert "discarded" in delivery.flags and bytes(delivery.body) == b"{not json"
    assert quarantine.count() == 0 and _open_incident() is None
    assert ingest.dispatch_pending() == 0
    assert _audit("quarantine_discard") == [f"delivery={delivery.pk}"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER])
def test_other_roles_may_neither_see_nor_act(client, role):
    sign_in(client, make_staff(f"u-{role}", role, services=["KIA"]))
    post(body_of(text("STATUS", wamid="wamid." + "D" * 250)))
    post(b"{not json")
    work()
    item, delivery = QuarantinedItem.objects.get(), Delivery.objects.get(quarantined_at__isnull=False)
    assert client.get(PAGE).status_code == 403
    for url in (f"item/{item.pk}/ulang/", f"item/{item.pk}/buang/"):
        assert client.post(PAGE + url).status_code == 403
    for url in (f"kiriman/{delivery.pk}/ulang/", f"kiriman/{delivery.pk}/buang/"):
        assert client.post(PAGE + url).status_code == 403
    assert quarantine.count() == 2
    assert not AuditEntry.objects.filter(action__startswith="quarantine").exists()


def test_actions_need_a_post_and_an_item_still_in_quarantine(client, admin):
    assert client.get(f"{PAGE}item/1/buang/").status_code == 405
    assert client.post(f"{PAGE}item/999/ulang/").status_code == 404
    assert client.post(f"{PAGE}kiriman/999/buang/").status_code == 404
