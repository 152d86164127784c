"""Messages retention per office: an office's own period (`Office.retain_messages_days`) wins
over LOKET_RETAIN_MESSAGES_DAYS for the texts of that office's residents (both ways), and only
for them; an office without one keeps the installation's."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp.models import Delivery, InboundMessage, OutboundMessage
from loket.offices.models import Office, first_office
from loket.privacy import retention
from loket.privacy.retention import PURGED_MARK
from tests.console.builders import make_resident

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def installation(settings):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 3650
    settings.LOKET_RETAIN_MESSAGES_DAYS = 60
    settings.LOKET_RETAIN_DELIVERIES_DAYS = 3650
    return settings


def office_a(days: int | None) -> Office:
    office = first_office()
    office.retain_messages_days = days
    office.save()
    return office


def office_b(days: int | None = None) -> Office:
    return Office.objects.create(
        code="36.71", name="Dinas Dukcapil Kota Tangerang", retain_messages_days=days
    )


def exchange(resident: Resident | None, *, days_ago: float) -> tuple[InboundMessage, OutboundMessage | None]:
    """A handled message received `days_ago` (in its own delivery) and our sent reply."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    n = next(_serial)
    delivery = Delivery.objects.create(body=b'{"rahasia": "NIK"}', dispatched_at=when)
    Delivery.objects.filter(pk=delivery.pk).update(received_at=when)
    inbound = InboundMessage.objects.create(
        wamid=f"wamid.{n}",
        delivery=delivery,
        phone_number_id="1001",
        resident=resident,
        type="text",
        sent_at=when,
        received_at=when,
        payload={"text": {"body": "STATUS"}},
        summary="STATUS",
        handled_at=when,
    )
    if resident is None:
        return inbound, None
    reply = OutboundMessage.objects.create(
        resident=resident, text="Permohonan Anda sedang diperiksa.", status="sent", created_at=when
    )
    return inbound, reply


def resident_of(office: Office, number: str) -> Resident:
    return make_resident(office=office, channel_number=number)


def purged(*rows) -> list[bool]:
    out = []
    for row in rows:
        row.refresh_from_db()
        out.append(row.purged_at is not None)
    return out


def test_each_office_loses_exactly_its_expired_texts():
    a, b = office_a(7), office_b(30)
    mine_old = exchange(resident_of(a, "1001"), days_ago=10)
    mine_new = exchange(resident_of(a, "1001"), days_ago=5)
    theirs_old = exchange(resident_of(b, "2002"), days_ago=31)
    theirs_new = exchange(resident_of(b, "2002"), days_ago=10)  # as old as A's expired ones

    dry = retention.purge(dry_run=True).counts
    assert (dry["messages"], dry["replies"]) == (2, 2)
    done = retention.purge().counts
    assert (done["messages"], done["replies"]) == (2, 2)

    assert purged(*mine_old, *theirs_old) == [True] * 4
    assert purged(*mine_new, *theirs_new) == [False] * 4  # B's 30 days protect its 10-day texts
    inbound, reply = mine_old
    assert inbound.payload == {} and inbound.summary == PURGED_MARK and reply.text == PURGED_MARK
    assert theirs_new[0].payload == {"text": {"body": "STATUS"}}
    assert retention.purge(dry_run=True).counts["messages"] == 0  # once only


def test_an_office_without_its_own_period_keeps_the_installations():
    a, b = office_a(7), office_b(None)  # B: LOKET_RETAIN_MESSAGES_DAYS, 60
    assert (a.effective("LOKET_RETAIN_MESSAGES_DAYS"), b.effective("LOKET_RETAIN_MESSAGES_DAYS")) == (7, 60)
    theirs_kept = exchange(resident_of(b, "2002"), days_ago=59)
    theirs_gone = exchange(resident_of(b, "2002"), days_ago=61)
    unknown, _ = exchange(None, days_ago=61)  # a number no office registered: no office
    unknown_kept, _ = exchange(None, days_ago=59)
    exchange(resident_of(a, "1001"), days_ago=8)
    counts = retention.purge().counts
    assert (counts["messages"], counts["replies"]) == (3, 2)
    assert purged(*theirs_gone, unknown) == [True, True, True]
    assert purged(*theirs_kept, unknown_kept) == [False, False, False]


def test_a_longer_office_period_keeps_what_the_installation_would_purge():
    a = office_a(365)
    kept = exchange(resident_of(a, "1001"), days_ago=100)
    assert retention.purge().counts["messages"] == 0
    assert purged(*kept) == [False, False]
    office_a(None)  # emptied: the installation's 60 days again
    assert retention.purge().counts["messages"] == 1
    assert purged(*kept) == [True, True]


def test_the_purge_of_one_office_leaves_the_other_offices_rows_untouched():
    a, b = office_a(0), office_b(None)
    exchange(resident_of(a, "1001"), days_ago=1)
    theirs = exchange(resident_of(b, "2002"), days_ago=1)
    before = list(InboundMessage.objects.filter(resident__office=b).values()) + list(
        OutboundMessage.objects.filter(resident__office=b).values()
    )
    counts = retention.purge().counts
    assert (counts["messages"], counts["replies"]) == (1, 1)
    after = list(InboundMessage.objects.filter(resident__office=b).values()) + list(
        OutboundMessage.objects.filter(resident__office=b).values()
    )
    assert after == before and purged(*theirs) == [False, False]


def test_a_raw_delivery_goes_with_the_texts_of_an_office_keeping_them_for_less():
    """The body repeats the texts: it may not outlive the office's messages period, while
    another office's bodies keep the installation's deliveries period."""
    a, b = office_a(7), office_b(None)
    mine, _ = exchange(resident_of(a, "1001"), days_ago=10)
    theirs, _ = exchange(resident_of(b, "2002"), days_ago=100)  # B's texts are past 60 days
    assert retention.purge().counts["deliveries"] == 1
    mine.delivery.refresh_from_db()
    theirs.delivery.refresh_from_db()
    assert bytes(mine.delivery.body) == b"" and mine.delivery.purged_at is not None
    assert bytes(theirs.delivery.body) and theirs.delivery.purged_at is None  # 3650 days


def test_a_residents_identity_waits_for_its_offices_messages_period():
    a, b = office_a(7), office_b(None)
    mine, theirs = resident_of(a, "1001"), resident_of(b, "2002")
    quiet = timezone.now() - dt.timedelta(days=30)  # past A's 7 days, inside the 60
    Resident.objects.filter(pk__in=[mine.pk, theirs.pk]).update(created_at=quiet, last_inbound_at=quiet)
    assert retention.purge().counts["residents"] == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.purged_at is not None and theirs.purged_at is None


def test_cutoffs_carry_each_offices_messages_instant_and_the_latest_for_the_figures():
    a, b = office_a(7), office_b(None)
    now = timezone.now()
    limits = retention.cutoffs(now)
    assert set(limits.office_messages) == {a.pk} and b.pk not in limits.office_messages
    assert limits.office_messages[a.pk] <= now - dt.timedelta(days=7)
    assert limits.messages <= now - dt.timedelta(days=60)
    assert limits.messages_latest == limits.office_messages[a.pk]  # figures saved up to it


def test_an_erasure_takes_every_text_whatever_the_office_keeps():
    a = office_a(3650)
    resident = resident_of(a, "1001")
    rows = exchange(resident, days_ago=0.001)
    counts = retention.purge(retention.for_residents([resident.pk])).counts
    assert (counts["messages"], counts["replies"]) == (1, 1) and purged(*rows) == [True, True]
