"""`/console/webhooks/`: administrators only, every action audited, the secret shown once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from loket.cases.models import State
from loket.console.models import AuditEntry, Role
from loket.hooks import signing
from loket.hooks.models import EventDelivery, Subscription
from tests.console.builders import KEC_A, KEC_B, make_case, make_staff, sign_in
from tests.hooks.receiver import Receiver, refused_url, running_receiver
from tests.hooks.test_webhooks import CHANGED, drain

pytestmark = pytest.mark.django_db

URL = "/console/webhooks/"


@pytest.fixture
def receiver(settings):
    settings.LOKET_HOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.LOKET_HOOKS_MAX_ATTEMPTS = 2
    settings.LOKET_API_PERSONAL_DATA = False
    with running_receiver() as record:
        yield record


@pytest.fixture
def admin(client):
    person = make_staff("admin-loket", Role.ADMIN)
    sign_in(client, person)
    return person


def _form(url: str, **extra) -> dict:
    return {"name": "SIAK Tigaraksa", "url": url, "events": [CHANGED], "kecamatan": [KEC_A], **extra}


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.COUNTER, Role.OPERATOR])
def test_only_administrators_reach_the_page_and_its_actions(client, role) -> None:
    subscription = Subscription.objects.create(name="x", url="https://8.8.8.8/", secret="s", events=[CHANGED])
    sign_in(client, make_staff(f"u-{role}", role, services=["KIA"]))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}baru/", _form("https://8.8.8.8/")).status_code == 403
    for action in ("nonaktifkan", "uji", "ulang"):
        assert client.post(f"{URL}{subscription.pk}/{action}/").status_code == 403
    assert Subscription.objects.count() == 1 and not EventDelivery.objects.exists()
    subscription.refresh_from_db()
    assert subscription.active


def test_without_a_session_the_page_asks_to_sign_in(client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_an_administrator_creates_a_subscription_and_sees_its_secret_once(
    client, admin, receiver: Receiver
) -> None:
    page = client.get(URL)
    assert page.status_code == 200 and "Belum ada langganan" in page.content.decode()
    response = client.post(f"{URL}baru/", _form(receiver.url))
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    body = response.content.decode()
    assert subscription.secret in body and "tidak akan ditampilkan lagi" in body
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert (subscription.kecamatan, subscription.events, subscription.created_by) == (
        [KEC_A],
        [CHANGED],
        admin,
    )
    again = client.get(URL).content.decode()
    assert subscription.secret not in again and "SIAK Tigaraksa" in again and "Tigaraksa" in again
    assert _actions() == ["hooks_view", "hooks_create", "hooks_view"]
    assert all(subscription.secret not in d for d in AuditEntry.objects.values_list("detail", flat=True))


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({"url": "https://10.0.0.5/siak"}, "jaringan internal"),
        ({"url": "http://8.8.8.8/siak"}, "https://"),
        ({"events": []}, "peristiwa"),
        ({"personal": "1"}, "LOKET_API_PERSONAL_DATA"),
        ({"kecamatan": ["36.99.99"]}, "tidak dikenal"),
    ],
)
def test_a_refused_subscription_says_why_and_keeps_the_form(client, admin, receiver, form, reason) -> None:
    response = client.post(f"{URL}baru/", {**_form(receiver.url), **form})
    assert response.status_code == 400
    body = response.content.decode()
    assert reason in body and 'value="SIAK Tigaraksa"' in body
    assert not Subscription.objects.exists()
    assert "hooks_create" not in _actions()


def test_ping_deactivate_and_resend_from_the_page(client, admin, receiver: Receiver) -> None:
    client.post(f"{URL}baru/", _form(receiver.url))
    subscription = Subscription.objects.get()
    assert client.post(f"{URL}{subscription.pk}/uji/").status_code == 302
    drain()
    [(headers, raw)] = receiver.received
    assert headers["x-loket-event"] == "ping" and signing.verify(
        raw, headers["x-loket-signature"], subscription.secret
    )

    # A receiver that answered 500 twice: failed, shown with its error, sent again by hand.
    receiver.answers = [500, 500]
    make_case(state=State.QUEUED, kecamatan=KEC_A)
    drain()
    failed = EventDelivery.objects.get(status="failed")
    page = client.get(URL).content.decode()
    assert "Kiriman gagal" in page and failed.case.request_number in page and "HTTP 500" in page
    # A number no row can have is "nothing to resend", not an error.
    assert client.post(f"{URL}{subscription.pk}/ulang/", {"delivery": "9" * 40}).status_code == 302
    assert client.post(f"{URL}{subscription.pk}/ulang/", {"delivery": failed.pk}).status_code == 302
    drain()
    failed.refresh_from_db()
    assert failed.status == "delivered"
    assert [h["x-loket-delivery"] for h, _ in receiver.received[1:]] == [str(failed.delivery_id)] * 3

    assert client.post(f"{URL}{subscription.pk}/nonaktifkan/").status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active and subscription.deactivated_at is not None
    assert "(nonaktif)" in client.get(URL).content.decode()
    assert [a for a in _actions() if a != "hooks_view"] == [
        "hooks_create",
        "hooks_ping",
        "hooks_retry",  # the number no row has: audited too, with n=0
        "hooks_retry",
        "hooks_deactivate",
    ]


def test_the_page_shows_a_receiver_that_is_down(client, admin, settings) -> None:
    settings.LOKET_HOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.LOKET_HOOKS_MAX_ATTEMPTS = 2
    client.post(f"{URL}baru/", _form(refused_url()))
    make_case(state=State.QUEUED, kecamatan=KEC_A)
    drain()
    page = client.get(URL).content.decode()
    assert "belum pernah" in page and "tidak tersambung" in page and "Kirim ulang yang gagal" in page


def test_a_kecamatan_administrator_manages_only_their_own_area(client, receiver) -> None:
    person = make_staff("admin-kec", Role.ADMIN, kecamatan=[KEC_A])
    sign_in(client, person)
    wide = Subscription.objects.create(name="Provinsi", url="https://8.8.8.8/", secret="s", events=[CHANGED])
    other = Subscription.objects.create(
        name="Pasar Kemis", url="https://8.8.8.8/", secret="s", events=[CHANGED], kecamatan=[KEC_B]
    )
    page = client.get(URL).content.decode()
    assert "Provinsi" not in page and "Pasar Kemis" not in page
    assert client.post(f"{URL}{wide.pk}/nonaktifkan/").status_code == 404
    assert client.post(f"{URL}{other.pk}/uji/").status_code == 404
    # Nothing chosen means their own kecamatan, never the whole regency; another kecamatan is refused.
    assert client.post(f"{URL}baru/", {**_form(receiver.url), "kecamatan": []}).status_code == 200
    assert Subscription.objects.get(name="SIAK Tigaraksa").kecamatan == [KEC_A]
    assert client.post(f"{URL}baru/", {**_form(receiver.url), "kecamatan": [KEC_B]}).status_code == 400


def test_loket_hooks_list_shows_health_and_never_the_secret(receiver: Receiver) -> None:
    out = StringIO()
    call_command("hooks", "list", stdout=out)
    assert "No webhook subscriptions" in out.getvalue()
    subscription = Subscription.objects.create(
        name="SIAK", url=receiver.url, secret="whsec_rahasia", events=[CHANGED], services=["KIA"]
    )
    make_case(state=State.QUEUED, kecamatan=KEC_A)
    drain()
    out = StringIO()
    call_command("hooks", "list", stdout=out)
    line = out.getvalue()
    assert f"#{subscription.pk} active 'SIAK'" in line and "services=KIA kecamatan=all" in line
    assert "pending=0 failed=0" in line and "last_success=never" not in line
    assert "whsec_rahasia" not in line
