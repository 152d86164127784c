"""The per-number send slot: one clock every worker shares, in the database or in Redis.

With Redis (LOKET_REDIS_URL and LOKET_WA_REDIS_SLOTS), concurrent reservations each get their
own slot, 1/rate apart; when Redis refuses, the database's slot takes over and the cap holds.
"""

import threading

import pytest

from loket.channels.whatsapp.models import PhoneNumber
from loket.channels.whatsapp.numbers import register_number
from loket.channels.whatsapp.sending import pacing
from loket.core import redisstore

pytestmark = pytest.mark.django_db


@pytest.fixture
def number(settings):
    settings.LOKET_WA_RATE_PER_NUMBER = 10  # a slot every 0.1 s
    phone, _ = register_number("109000000000077", "6285694012597", ["KIA"])
    return phone


def test_without_redis_the_slot_moves_in_the_database(settings, number):
    settings.REDIS_URL = ""
    waits = [pacing.reserve_slot(number) for _ in range(3)]
    assert waits[0] == 0.0
    assert waits[1] == pytest.approx(0.1, abs=0.03) and waits[2] == pytest.approx(0.2, abs=0.03)
    assert PhoneNumber.objects.get(pk=number.pk).send_slot is not None


def test_with_redis_the_slot_moves_in_redis_not_the_database(redis_store, number):
    waits = [pacing.reserve_slot(number) for _ in range(3)]
    assert waits[1] == pytest.approx(0.1, abs=0.03) and waits[2] == pytest.approx(0.2, abs=0.03)
    assert PhoneNumber.objects.get(pk=number.pk).send_slot is None
    (name,) = redis_store.scan_iter(match="loket-test-*slot:*")
    assert 0 < redis_store.ttl(name) <= 62  # gone a minute after its time


def test_with_redis_concurrent_workers_each_get_their_own_slot(redis_store, number):
    """Eight threads (eight Redis connections) reserve at the same instant: 80 distinct
    slots, exactly 1/rate apart, none lost or shared."""
    now = 1_800_000_000.0
    slots: list[float] = []
    lock = threading.Lock()

    def reserve():
        mine = [pacing._reserve_in_redis(number, now, 0.1) for _ in range(10)]
        with lock:
            slots.extend(mine)

    threads = [threading.Thread(target=reserve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slots) == pytest.approx([now + 0.1 * (k + 1) for k in range(80)], abs=1e-6)


def test_a_refused_redis_falls_back_to_the_database_slot(settings, number, caplog, monkeypatch):
    monkeypatch.setattr(redisstore, "_last_warning", float("-inf"))
    settings.REDIS_URL = "redis://127.0.0.1:1/13"  # nothing listens on port 1: refused
    waits = [pacing.reserve_slot(number) for _ in range(2)]
    assert waits[1] == pytest.approx(0.1, abs=0.03)  # the cap still holds
    assert PhoneNumber.objects.get(pk=number.pk).send_slot is not None
    assert "redis unavailable for send slots" in caplog.text


def test_slots_in_redis_can_be_switched_off(settings, redis_store, number):
    settings.LOKET_WA_REDIS_SLOTS = False
    pacing.reserve_slot(number)
    assert PhoneNumber.objects.get(pk=number.pk).send_slot is not None
    assert not list(redis_store.scan_iter(match="loket-test-*slot:*"))
