"""Requests waiting on a silent resident: a reminder first, then expiry. Duplicates shown."""

import datetime as dt

import pytest
from django.utils import timezone

from loket.cases.models import Case, State
from loket.cases.workflow import duplicates_for, expire_stale
from loket.channels.whatsapp.models import OutboundMessage
from loket.jobs.queue import enqueue, run_pending
from tests.console.builders import make_case, make_resident

pytestmark = pytest.mark.django_db


def test_a_silent_resident_is_reminded_then_the_case_expires(settings):
    settings.LOKET_CASE_REMINDER_DAYS, settings.LOKET_CASE_EXPIRE_DAYS = 10, 14
    start = timezone.now()
    case = make_case(state=State.WAITING_DOCUMENTS, docs=(), created_at=start)
    assert expire_stale(start + dt.timedelta(days=9)) == (0, 0)
    assert expire_stale(start + dt.timedelta(days=11)) == (1, 0)
    assert expire_stale(start + dt.timedelta(days=12)) == (0, 0)  # one reminder only
    reminder = OutboundMessage.objects.get(case=case)
    assert reminder.kind == OutboundMessage.Kind.REMINDER and case.request_number in reminder.text
    assert expire_stale(start + dt.timedelta(days=15)) == (0, 1)
    case.refresh_from_db()
    assert case.state == State.EXPIRED


def test_no_expiry_without_a_reminder_the_resident_had_time_to_act_on(settings):
    settings.LOKET_CASE_REMINDER_DAYS, settings.LOKET_CASE_EXPIRE_DAYS = 10, 14
    start = timezone.now()
    case = make_case(state=State.NEEDS_CORRECTION, docs=(), created_at=start)
    Case.objects.filter(pk=case.pk).update(state_changed_at=start)
    assert expire_stale(start + dt.timedelta(days=30)) == (1, 0)
    assert expire_stale(start + dt.timedelta(days=31)) == (0, 0)
    assert expire_stale(start + dt.timedelta(days=35)) == (0, 1)


def test_cases_under_review_never_expire():
    make_case(state=State.IN_REVIEW, docs=(), created_at=timezone.now() - dt.timedelta(days=90))
    assert expire_stale() == (0, 0)


def test_the_periodic_job_runs_the_expiry():
    case = make_case(
        state=State.WAITING_DOCUMENTS, docs=(), created_at=timezone.now() - dt.timedelta(days=11)
    )
    enqueue("cases.expire_stale", {})
    assert run_pending(names=["cases.expire_stale"]).done == 1
    case.refresh_from_db()
    assert case.reminder_sent_at is not None


def test_an_open_case_for_the_same_subject_from_another_resident_is_a_duplicate():
    first = make_case(subject="3603035512180003")
    second = make_case(subject="3603035512180003", resident=make_resident())
    [dup] = duplicates_for(second)
    assert dup.case == first and "masih berjalan" in dup.why


def test_a_recently_issued_document_is_a_duplicate_and_an_old_one_is_not(settings):
    settings.LOKET_DUPLICATE_DAYS = 90
    issued = make_case(subject="3603035512180003", state=State.COLLECTED)
    again = make_case(subject="3603035512180003", resident=issued.resident)
    [dup] = duplicates_for(again)
    assert dup.case == issued and "sudah diterbitkan" in dup.why
    Case.objects.filter(pk=issued.pk).update(state_changed_at=timezone.now() - dt.timedelta(days=200))
    assert duplicates_for(again) == []


def test_another_service_or_subject_is_not_a_duplicate():
    make_case(subject="3603035512180003", service="KIA")
    other = make_case(subject="3603035512180003", service="KTP", docs=())
    assert duplicates_for(other) == []
