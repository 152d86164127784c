"""Signed webhooks for case events, against a real HTTP receiver and a real worker run."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from loket.cases.models import State
from loket.console.services import SERVICES
from loket.hooks import signing, subscriptions, targets
from loket.hooks.delivery import DELIVER_JOB, backoff, deliver
from loket.hooks.models import EventDelivery, Subscription
from loket.jobs import queue
from loket.jobs.models import Job
from tests.console.builders import KEC_A, KEC_B, make_case
from tests.hooks.receiver import Receiver, refused_url, running_receiver

pytestmark = pytest.mark.django_db

CHANGED = "case.state_changed"
CREATED = "case.created"


@pytest.fixture
def local(settings):
    """Tests send to 127.0.0.1: allowed the way an operator allows an office-LAN receiver."""
    settings.LOKET_HOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.LOKET_HOOKS_MAX_ATTEMPTS = 4
    settings.LOKET_HOOKS_TIMEOUT_SECONDS = 1
    settings.LOKET_API_PERSONAL_DATA = False
    return settings


@pytest.fixture
def receiver(local):
    with running_receiver() as record:
        yield record


def subscribe(
    url, *, events=(CHANGED,), services=(), kecamatan=(), personal=False, name="SIAK"
) -> Subscription:
    draft = subscriptions.Draft(name, url, list(events), list(services), list(kecamatan), personal)
    return subscriptions.create(draft, known_services=list(SERVICES), known_kecamatan=[KEC_A, KEC_B])


def drain(rounds: int = 30) -> None:
    """Run the worker until no delivery job is left, making each retry due at once."""
    for _ in range(rounds):
        queue.run_pending(names=[DELIVER_JOB])
        due = Job.objects.filter(name=DELIVER_JOB, state=Job.State.PENDING)
        if not due.exists():
            return
        due.update(run_after=timezone.now())
    raise AssertionError("delivery jobs still pending")


def test_a_state_change_is_posted_once_signed_with_the_subscription_secret(receiver: Receiver) -> None:
    subscription = subscribe(receiver.url)
    case = make_case(state=State.WAITING_DOCUMENTS)
    case.move_to(State.QUEUED, source="channel")
    assert receiver.received == []  # recorded, not sent: the worker sends
    drain()

    [(headers, raw)] = receiver.received
    expected = "sha256=" + hmac.new(subscription.secret.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["x-loket-signature"] == expected
    assert signing.verify(raw, headers["x-loket-signature"], subscription.secret)
    assert not signing.verify(raw, headers["x-loket-signature"], subscription.secret + "x")
    assert not signing.verify(
        raw.replace(b"queued", b"collected"), headers["x-loket-signature"], subscription.secret
    )

    body = json.loads(raw)
    delivery = EventDelivery.objects.get()
    assert headers["x-loket-delivery"] == body["delivery_id"] == str(delivery.delivery_id)
    assert headers["x-loket-event"] == body["event"] == CHANGED
    assert headers["content-type"] == "application/json"
    assert headers["host"] == receiver.url.split("/")[2]
    assert receiver.paths == ["/loket/events?src=siak"]
    # The time is inside the signed body; the header repeats it.
    sent_at = dt.datetime.fromisoformat(body["sent_at"])
    assert abs(sent_at.timestamp() - int(headers["x-loket-timestamp"])) < 1
    assert abs((timezone.now() - sent_at).total_seconds()) < 30
    assert body["case"]["number"] == case.request_number
    assert body["case"]["service"] == "KIA"
    assert body["case"]["state"] == State.QUEUED
    assert body["case"]["kecamatan"] == {"code": KEC_A, "name": "Tigaraksa"}
    assert body["change"]["from"] == State.WAITING_DOCUMENTS and body["change"]["to"] == State.QUEUED
    assert body["change"]["source"] == "channel"
    assert body["office_code"] == "36.03"
    assert body["attempt"] == 1
    # Personal data off: the number masked as lists show it, no names, nothing else.
    text = raw.decode()
    assert case.subject not in text
    assert body["case"]["subject_masked"] == f"{case.subject[:4]} •••• •••• {case.subject[-4:]}"
    assert "personal" not in body
    assert case.fields["nama"] not in text and case.fields["no_kk"] not in text
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None


def test_a_receiver_answering_500_gets_the_same_delivery_again_until_it_takes_it(receiver: Receiver) -> None:
    receiver.answers = [500, 503]
    subscribe(receiver.url)
    case = make_case(state=State.WAITING_DOCUMENTS)
    case.move_to(State.QUEUED, source="channel")
    queue.run_pending(names=[DELIVER_JOB])
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    # Waits with backoff before the next attempt, recorded for the console.
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now()
    job = Job.objects.get(name=DELIVER_JOB)
    assert job.state == Job.State.PENDING and job.run_after > timezone.now()
    drain()
    ids = {h["x-loket-delivery"] for h, _ in receiver.received}
    assert len(receiver.received) == 3 and ids == {str(delivery.delivery_id)}
    assert [b["attempt"] for b in receiver.bodies()] == [1, 2, 3]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    assert Job.objects.get(name=DELIVER_JOB).state == Job.State.DONE


@pytest.mark.parametrize("status", [410, 400, 404, 301])
def test_a_refusal_fails_the_delivery_at_once_without_retry(receiver: Receiver, status: int) -> None:
    receiver.answers = [status]
    subscribe(receiver.url)
    make_case(state=State.QUEUED)
    drain()
    assert len(receiver.received) == 1
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, status)
    assert f"HTTP {status}" in delivery.last_error
    assert not Job.objects.filter(name=DELIVER_JOB, state=Job.State.PENDING).exists()


@pytest.mark.parametrize("status", [408, 429])
def test_a_retryable_client_error_is_retried(receiver: Receiver, status: int) -> None:
    receiver.answers = [status]
    subscribe(receiver.url)
    make_case(state=State.QUEUED)
    drain()
    assert len(receiver.received) == 2
    assert EventDelivery.objects.get().status == "delivered"


def test_a_receiver_that_is_down_is_retried_then_failed_and_shown(local) -> None:
    subscribe(refused_url())
    make_case(state=State.QUEUED)
    queue.run_pending(names=[DELIVER_JOB])
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "tidak tersambung" in delivery.last_error
    drain()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", local.LOKET_HOOKS_MAX_ATTEMPTS)
    assert delivery.failed_at is not None and "gagal 4x" in delivery.last_error
    health = subscriptions.health([delivery.subscription])[delivery.subscription_id]
    assert (health.failed, health.failed_recently, health.pending, health.last_success) == (1, 1, 0, None)


def test_a_receiver_slower_than_the_timeout_is_retried(receiver: Receiver) -> None:
    receiver.delay = 1.5  # the timeout is 1 s
    subscribe(receiver.url)
    make_case(state=State.QUEUED)
    queue.run_pending(names=[DELIVER_JOB])
    delivery = EventDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_error == "waktu habis menunggu jawaban"
    receiver.delay = 0
    drain()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert {h["x-loket-delivery"] for h, _ in receiver.received} == {str(delivery.delivery_id)}


def test_a_change_that_rolls_back_emits_nothing_and_one_that_commits_is_recorded(receiver: Receiver) -> None:
    subscribe(receiver.url)
    case = make_case(state=State.QUEUED)
    EventDelivery.objects.all().delete()
    Job.objects.filter(name=DELIVER_JOB).delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        case.move_to(State.IN_REVIEW, source="console")
        assert EventDelivery.objects.count() == 1  # written in the same transaction
        raise RuntimeError("the officer's request failed after the move")
    assert EventDelivery.objects.count() == 0
    assert not Job.objects.filter(name=DELIVER_JOB).exists()
    drain()
    assert receiver.received == []
    case.refresh_from_db()
    case.move_to(State.IN_REVIEW, source="console")
    assert Job.objects.filter(name=DELIVER_JOB).count() == 1
    drain()
    assert [b["change"]["to"] for b in receiver.bodies()] == [State.IN_REVIEW]


def test_scopes_filter_by_event_service_and_kecamatan(receiver: Receiver) -> None:
    with running_receiver() as other:
        kia_a = subscribe(receiver.url, services=["KIA"], kecamatan=[KEC_A], name="KIA Tigaraksa")
        all_b = subscribe(other.url, kecamatan=[KEC_B], events=[CREATED, CHANGED], name="Pasar Kemis")
        make_case("KIA", State.QUEUED, kecamatan=KEC_A)  # kia_a: one change
        make_case("KK", State.QUEUED, kecamatan=KEC_A)  # nobody (KK)
        make_case("KIA", State.QUEUED, kecamatan=KEC_B)  # all_b: created + one change
        make_case("KTP", State.WAITING_DOCUMENTS, kecamatan=KEC_B)  # all_b: created
        drain()
        assert [(b["case"]["service"], b["case"]["kecamatan"]["code"]) for b in receiver.bodies()] == [
            ("KIA", KEC_A)
        ]
        seen = sorted((b["event"], b["case"]["service"]) for b in other.bodies())
        assert seen == [(CREATED, "KIA"), (CREATED, "KTP"), (CHANGED, "KIA")]
    assert set(EventDelivery.objects.values_list("subscription", flat=True)) == {kia_a.pk, all_b.pk}


def test_one_event_has_one_id_across_subscriptions_and_its_own_delivery_ids(receiver: Receiver) -> None:
    subscribe(receiver.url, name="satu")
    subscribe(receiver.url, name="dua")
    make_case(state=State.QUEUED)
    drain()
    first, second = receiver.bodies()
    assert first["event_id"] == second["event_id"]
    assert first["delivery_id"] != second["delivery_id"]


def test_personal_data_only_for_a_personal_subscription_where_the_installation_allows_it(
    receiver: Receiver, local
) -> None:
    with pytest.raises(subscriptions.Refused, match="LOKET_API_PERSONAL_DATA"):
        subscribe(receiver.url, personal=True)
    local.LOKET_API_PERSONAL_DATA = True
    subscribe(receiver.url, personal=True, name="SIAK PKS")
    subscribe(receiver.url, name="Dasbor provinsi")
    case = make_case(state=State.QUEUED)
    drain()
    by_name = {}
    for headers, raw in receiver.received:
        delivery = EventDelivery.objects.get(delivery_id=headers["x-loket-delivery"])
        by_name[delivery.subscription.name] = raw.decode()
    assert case.subject in by_name["SIAK PKS"]
    assert json.loads(by_name["SIAK PKS"])["personal"]["subject"] == case.subject
    assert case.subject not in by_name["Dasbor provinsi"]
    # The switch turned off later: a personal subscription's new events carry none either.
    local.LOKET_API_PERSONAL_DATA = False
    receiver.received.clear()
    case.move_to(State.IN_REVIEW, source="console")
    drain()
    assert all(case.subject not in raw.decode() for _, raw in receiver.received)
    assert len(receiver.received) == 2


def test_changes_of_one_case_arrive_in_order_even_across_a_retry(receiver: Receiver) -> None:
    receiver.answers = [500]
    subscribe(receiver.url)
    case = make_case(state=State.WAITING_DOCUMENTS)
    case.move_to(State.QUEUED)
    case.move_to(State.IN_REVIEW, source="console")
    case.move_to(State.NEEDS_CORRECTION, source="console")
    drain()
    delivered = [b["change"]["to"] for b in receiver.bodies()]
    assert delivered == [State.QUEUED, State.QUEUED, State.IN_REVIEW, State.NEEDS_CORRECTION]
    sequences = [b["change"]["sequence"] for b in receiver.bodies()[1:]]
    assert sequences == sorted(sequences)


def test_a_deactivated_subscription_sends_nothing_more(receiver: Receiver) -> None:
    receiver.answers = [503]
    subscription = subscribe(receiver.url)
    case = make_case(state=State.QUEUED)
    queue.run_pending(names=[DELIVER_JOB])
    assert subscriptions.deactivate(subscription)
    assert not subscriptions.deactivate(subscription)
    case.move_to(State.IN_REVIEW, source="console")  # no delivery for an inactive subscription
    drain()
    assert len(receiver.received) == 1
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("failed", "langganan dinonaktifkan")


def test_a_failed_delivery_sent_again_keeps_its_delivery_id(receiver: Receiver, local) -> None:
    receiver.answers = [500] * local.LOKET_HOOKS_MAX_ATTEMPTS
    subscription = subscribe(receiver.url)
    make_case(state=State.QUEUED)
    drain()
    delivery = EventDelivery.objects.get()
    assert delivery.status == "failed"
    assert subscriptions.retry(EventDelivery.objects.filter(subscription=subscription)) == 1
    assert subscriptions.retry(EventDelivery.objects.filter(subscription=subscription)) == 0  # pending now
    drain()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert {h["x-loket-delivery"] for h, _ in receiver.received} == {str(delivery.delivery_id)}
    assert len(receiver.received) == local.LOKET_HOOKS_MAX_ATTEMPTS + 1


def test_a_worker_dying_on_the_last_attempt_fails_the_delivery(receiver: Receiver) -> None:
    subscribe(receiver.url)
    make_case(state=State.QUEUED)
    job = Job.objects.get(name=DELIVER_JOB)
    # Claimed by workers that died every time: the lease runs out on the last attempt.
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        attempts=job.max_attempts,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    queue.reclaim_expired()
    delivery = EventDelivery.objects.get()
    assert delivery.status == "failed" and "lease expired" in delivery.last_error
    assert receiver.received == []


def test_a_delivery_run_twice_is_sent_once(receiver: Receiver) -> None:
    """A job run again after it finished (a slow worker's lease given to another) sends nothing."""
    subscribe(receiver.url)
    make_case(state=State.QUEUED)
    delivery = EventDelivery.objects.get()
    assert deliver({"delivery": delivery.pk}) == "delivered"
    assert deliver({"delivery": delivery.pk}) == "nothing to do"
    assert len(receiver.received) == 1


def test_backoff_doubles_from_ten_seconds_with_jitter_up_to_an_hour() -> None:
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (9, 2560), (10, 3600), (20, 3600)]:
        waits = [backoff(attempt) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 1


# --- the SSRF guard ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.1.2.3/x",
        "https://192.168.1.10/x",
        "https://172.16.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/x",
        "https://[::1]/x",
        "https://[fe80::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://0.0.0.0/x",
    ],
)
def test_internal_targets_are_refused_unless_their_network_is_allowed(settings, url: str) -> None:
    settings.LOKET_HOOKS_ALLOWED_NETWORKS = []
    with pytest.raises(targets.TargetRefused, match="jaringan internal"):
        targets.vet(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://8.8.8.8/x", "https://"),  # plain http to the internet
        ("ftp://8.8.8.8/x", "https://"),
        ("https://user:pw@8.8.8.8/x", "kata sandi"),
        ("https:///x", "nama host"),
        ("https://nama-yang-tidak-ada.invalid/x", "DNS"),
        ("https://8.8.8.8:99999/x", "port"),
    ],
)
def test_malformed_or_plain_targets_are_refused(settings, url: str, reason: str) -> None:
    settings.LOKET_HOOKS_ALLOWED_NETWORKS = []
    with pytest.raises(targets.TargetRefused, match=reason):
        targets.vet(url)


def test_a_public_https_target_is_pinned_to_the_checked_address(settings) -> None:
    settings.LOKET_HOOKS_ALLOWED_NETWORKS = []
    target = targets.vet("https://8.8.8.8:8443/hook?x=1")
    assert target.pinned_url == "https://8.8.8.8:8443/hook?x=1" and target.host == "8.8.8.8"
    settings.LOKET_HOOKS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert targets.vet("http://10.20.1.5/siak").pinned_url == "http://10.20.1.5/siak"
    with pytest.raises(targets.TargetRefused):
        targets.vet("http://10.21.1.5/siak")


def test_a_target_no_longer_allowed_is_not_contacted(receiver: Receiver, local) -> None:
    subscribe(receiver.url)
    local.LOKET_HOOKS_ALLOWED_NETWORKS = []  # the operator closed the exception
    make_case(state=State.QUEUED)
    drain()
    assert receiver.received == []
    delivery = EventDelivery.objects.get()
    assert delivery.status == "failed" and "https://" in delivery.last_error


def test_a_subscription_is_checked_before_it_is_made(local) -> None:
    for draft, reason in [
        (subscriptions.Draft("", "https://8.8.8.8/", [CHANGED], [], []), "nama"),
        (subscriptions.Draft("x", "https://10.0.0.1/", [CHANGED], [], []), "internal"),
        (subscriptions.Draft("x", "https://8.8.8.8/", [], [], []), "peristiwa"),
        (subscriptions.Draft("x", "https://8.8.8.8/", ["case.deleted"], [], []), "peristiwa"),
        (subscriptions.Draft("x", "https://8.8.8.8/", [CHANGED], ["XYZ"], []), "XYZ"),
        (subscriptions.Draft("x", "https://8.8.8.8/", [CHANGED], [], ["99.99"]), "99.99"),
    ]:
        with pytest.raises(subscriptions.Refused, match=reason):
            subscriptions.create(draft, known_services=list(SERVICES), known_kecamatan=[KEC_A])
    assert not Subscription.objects.exists()
    made = subscriptions.create(
        subscriptions.Draft(" SIAK  Cisoka ", "https://8.8.8.8/", [CHANGED], ["KIA"], [KEC_A]),
        known_services=list(SERVICES),
        known_kecamatan=[KEC_A],
    )
    assert made.name == "SIAK Cisoka" and made.secret.startswith("whsec_") and len(made.secret) > 40


def test_the_verification_snippet_in_the_docs_accepts_a_real_delivery_and_refuses_forgeries(
    receiver: Receiver,
) -> None:
    """docs/webhooks.md's receiver code, run as written against what the receiver got."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    section = docs.split("## Verifying a delivery", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "docs/webhooks.md", "exec"), namespace)  # noqa: S102 - our own docs, under test
    subscription = subscribe(receiver.url)
    make_case(state=State.QUEUED)
    drain()
    [(lowered, raw)] = receiver.received
    namespace["SECRET"] = subscription.secret.encode()
    headers = {"X-Loket-Signature": lowered["x-loket-signature"]}
    seen: set[str] = set()

    def seen_before(delivery_id: str) -> bool:
        if delivery_id in seen:
            return True
        seen.add(delivery_id)
        return False

    verify = namespace["verify"]
    assert verify(raw, headers, seen_before)["delivery_id"] == lowered["x-loket-delivery"]
    assert verify(raw, headers, seen_before) is None  # the same delivery again: a duplicate
    with pytest.raises(ValueError, match="bad signature"):
        verify(raw.replace(b'"queued"', b'"rejected"'), headers, seen_before)
    # A body signed correctly but recorded long ago (a replay) is refused on its time.
    old = json.loads(raw)
    old["sent_at"] = "2026-01-01T00:00:00Z"
    replay = signing.encode(old)
    with pytest.raises(ValueError, match="stale"):
        verify(replay, {"X-Loket-Signature": signing.signature(replay, subscription.secret)}, seen_before)


def test_a_receiver_answering_an_endless_body_is_not_read(receiver: Receiver) -> None:
    """Only the status counts: a huge or trickling body neither fills memory nor holds the worker."""
    receiver.huge_body = True
    subscribe(receiver.url)
    make_case(state=State.QUEUED)
    started = time.monotonic()
    drain()
    assert time.monotonic() - started < 5
    assert EventDelivery.objects.get().status == "delivered"
