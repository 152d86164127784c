"""Webhook deliveries in the privacy purge: snapshots are not kept for ever."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loket.cases.models import State
from loket.hooks.models import EventDelivery
from loket.privacy import retention
from tests.console.builders import failed_delivery, make_case, subscription

pytestmark = pytest.mark.django_db


def _delivery(to, case, *, status, days_ago):
    delivery = failed_delivery(to, case)
    EventDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        payload={"personal": {"subject": case.subject}},
        personal=True,
    )
    return delivery


def test_finished_deliveries_go_when_their_period_ends_and_pending_ones_stay(settings) -> None:
    settings.LOKET_RETAIN_HOOK_DELIVERIES_DAYS = 30
    case = make_case(state=State.QUEUED)
    to = subscription()
    old_failed = _delivery(to, case, status="failed", days_ago=31)
    old_done = _delivery(to, case, status="delivered", days_ago=30.01)
    old_pending = _delivery(to, case, status="pending", days_ago=45)
    recent = _delivery(to, case, status="delivered", days_ago=29)
    assert retention.purge(dry_run=True).counts["hook_deliveries"] == 2
    assert EventDelivery.objects.count() == 4  # a dry run changes nothing
    assert retention.purge().counts["hook_deliveries"] == 2
    left = set(EventDelivery.objects.values_list("pk", flat=True))
    assert left == {old_pending.pk, recent.pk}
    assert old_failed.pk not in left and old_done.pk not in left


def test_a_residents_erasure_empties_their_snapshots_and_stops_what_waits() -> None:
    mine, theirs = make_case(state=State.QUEUED), make_case(state=State.QUEUED)
    to = subscription()
    sent = _delivery(to, mine, status="delivered", days_ago=1)
    waiting = _delivery(to, mine, status="pending", days_ago=0)
    other = _delivery(to, theirs, status="delivered", days_ago=1)
    outcome = retention.purge(retention.for_residents([mine.resident_id]))
    assert outcome.counts["hook_deliveries"] == 2
    sent.refresh_from_db(), waiting.refresh_from_db(), other.refresh_from_db()
    assert (sent.payload, sent.personal, sent.last_error) == ({}, False, retention.ERASED_MARK)
    assert (waiting.status, waiting.payload) == ("failed", {})
    assert other.payload == {"personal": {"subject": theirs.subject}}
