"""Reminders about children: exactly once per event, around age boundaries and leap days,
only with consent, within sending hours, paced."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from loket.channels.whatsapp.models import OutboundMessage
from loket.outreach import events, preferences, reminders
from loket.outreach.models import Child, ConsentEvent, ReminderSent
from tests.scheduling import builders

pytestmark = pytest.mark.django_db
JAKARTA = dt.timezone(dt.timedelta(hours=7))
# A girl born 29 February 2024 (day + 40): her KIA without photo ends on 1 March 2029.
LEAP_GIRL = "3603016902240001"


def at(day: str, hour: int = 10):
    moment = dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=JAKARTA)
    return time_machine.travel(moment, tick=False)


def parent_of(nik: str, *, agreed: bool | None = True):
    with at("2026-11-30"):
        case = builders.case("KIA", nik=nik)
    if agreed is not None:
        preferences.answer(case.resident, agreed=agreed, via="button", message_ref="wamid.T")
    return case.resident


def told(resident=None):
    qs = OutboundMessage.objects.filter(kind="reminder", case__isnull=True)
    return qs.filter(resident=resident) if resident else qs


def run(day: str, hour: int = 10) -> dict:
    with at(day, hour):
        return reminders.send_reminders({})


def test_events_of_a_leap_day_child_fall_on_1_march():
    born = dt.date(2024, 2, 29)
    assert events.event_day(born, events.KIA_5) == dt.date(2029, 3, 1)
    assert events.event_day(born, events.KTP_17) == dt.date(2041, 3, 1)
    # The coarse birth-date window of the query holds her on the first and last day of her window.
    for today in (dt.date(2029, 1, 30), dt.date(2029, 3, 31)):
        low, high = events.birth_window(today, events.KIA_5, lead_days=30, grace_days=30)
        assert low <= born <= high


def test_a_leap_day_child_is_reminded_exactly_once_from_30_days_before(settings):
    settings.LOKET_OUTREACH_LEAD_DAYS = 30
    parent = parent_of(LEAP_GIRL)
    assert run("2029-01-29")["sent"] == 0  # 31 days before: not yet
    assert run("2029-01-30")["sent"] == 1
    [message] = told(parent)
    assert message.template_name == "loket_pengingat_kia_5"
    assert message.template_params == ["29 Februari 2024", "1 Maret 2029"]
    assert "berusia 5 tahun pada 1 Maret 2029" in message.text and "BERHENTI" in message.text
    for day in ("2029-01-30", "2029-01-31", "2029-03-01", "2029-03-30"):
        assert run(day)["sent"] == 0
    assert told(parent).count() == 1
    assert ReminderSent.objects.get().event == events.KIA_5


def test_the_last_day_of_grace_still_tells_and_the_day_after_does_not(settings):
    settings.LOKET_OUTREACH_GRACE_DAYS = 30
    # Born 2 March 2024: turns 5 on 2 March 2029; grace ends 1 April 2029 (a Sunday: closed),
    # so take a child born 4 March 2024: grace ends 3 April 2029 (Tuesday).
    late = parent_of("3603010403240002")
    too_late = parent_of("3603010303240003")  # grace ended 2 April 2029
    assert run("2029-04-03")["sent"] == 1
    assert told(late).count() == 1 and told(too_late).count() == 0


def test_the_ktp_el_at_17_is_reminded_once(settings):
    parent = parent_of("3603011506120004")  # born 15 June 2012: 17 on 15 June 2029
    with at("2026-11-30"):
        pass
    assert run("2029-05-16")["sent"] == 1  # 30 days before (Wednesday)
    [message] = told(parent)
    assert message.template_name == "loket_pengingat_ktp_17"
    assert run("2029-05-17")["sent"] == 0


def test_no_consent_no_reminder_and_berhenti_deletes_the_children():
    never_asked = parent_of(LEAP_GIRL, agreed=None)
    declined = parent_of("3603016902240005", agreed=False)
    stopped = parent_of("3603016902240006")
    run("2029-01-30")  # collects the children of the one who said yes ...
    assert told().count() == 1 and told(stopped).count() == 1
    ReminderSent.objects.all().delete()
    OutboundMessage.objects.all().delete()
    preferences.stop(stopped, via="keyword", message_ref="wamid.STOP")
    assert not Child.objects.filter(resident=stopped).exists()  # consent withdrawn: deleted
    assert run("2029-01-31")["sent"] == 0
    assert told().count() == 0
    assert not Child.objects.filter(resident__in=[never_asked, declined]).exists()  # never collected


def test_mulai_after_berhenti_never_repeats_an_event_already_told():
    parent = parent_of(LEAP_GIRL)
    assert run("2029-01-30")["sent"] == 1
    preferences.stop(parent, via="keyword")
    preferences.resume(parent, via="keyword")
    assert run("2029-02-01")["sent"] == 0  # recollected, but told already
    assert Child.objects.filter(resident=parent).count() == 1
    assert told(parent).count() == 1


def test_pacing_per_run_and_per_rolling_day(settings):
    settings.LOKET_OUTREACH_PER_RUN = 2
    settings.LOKET_OUTREACH_PER_DAY = 3
    parents = [parent_of(f"36030169022400{10 + i}") for i in range(5)]
    assert run("2029-01-30", 9)["sent"] == 2
    assert run("2029-01-30", 10)["sent"] == 1  # the day's cap
    assert run("2029-01-30", 14)["sent"] == 0
    assert run("2029-01-31", 11)["sent"] == 2  # 24 hours after the first two
    assert told().count() == 5 and {m.resident_id for m in told()} == {p.pk for p in parents}


def test_outside_sending_hours_nothing_goes():
    parent_of(LEAP_GIRL)
    assert run("2029-01-30", 21) == {"sent": 0, "why": "outside sending hours"}
    assert run("2029-02-03", 10)["sent"] == 0  # a Saturday
    assert told().count() == 0


def test_a_retry_or_a_second_worker_does_not_tell_twice():
    parent = parent_of(LEAP_GIRL)
    with at("2029-01-30"):
        reminders.collect_children(dt.date(2029, 1, 30))
        child = Child.objects.get(resident=parent)
        assert reminders._tell_once(child, events.KIA_5, dt.date(2029, 3, 1)) is True
        # Another worker that read the child before the first committed: the unique key refuses.
        assert reminders._tell_once(child, events.KIA_5, dt.date(2029, 3, 1)) is False
        assert reminders.send_reminders({})["sent"] == 0
    assert told(parent).count() == 1


def test_a_resident_registers_a_child_by_birth_date():
    resident = builders.resident()
    with at("2026-11-30"):
        with pytest.raises(reminders.NotAChild):
            reminders.register_child(resident, dt.date(2027, 1, 1))
        with pytest.raises(reminders.NotAChild):
            reminders.register_child(resident, dt.date(2000, 1, 1))
        registered = reminders.register_child(resident, dt.date(2024, 2, 29), message_ref="wamid.G")
        again = reminders.register_child(resident, dt.date(2024, 2, 29))
    assert registered.child == again.child and Child.objects.filter(resident=resident).count() == 1
    assert registered.days == [(events.KIA_5, dt.date(2029, 3, 1)), (events.KTP_17, dt.date(2041, 3, 1))]
    assert preferences.allows(resident, "reminder") and not preferences.allows(resident, "campaign")
    assert ConsentEvent.objects.filter(resident=resident, action="opt_in", message_ref="wamid.G").exists()
    text = reminders.registered_text(registered)
    assert "1 Maret 2029" in text and "1 Maret 2041" in text and "BERHENTI" in text
    assert run("2029-01-30")["sent"] == 1


def test_the_purge_removes_grown_up_children_and_an_erased_residents_outreach_data():
    from loket.privacy import retention

    grown = parent_of("3603011506080007")  # born 15 June 2008
    young = parent_of(LEAP_GIRL)
    with at("2026-11-30"):
        reminders.collect_children(dt.date(2026, 11, 30))
    assert Child.objects.count() == 1  # the 18-year-old is not collected at all
    Child.objects.create(
        resident=grown, key="lahir:2008-06-15", birth_date=dt.date(2008, 6, 15), source="asked"
    )
    with at("2026-11-30"):
        retention.purge()
    assert list(Child.objects.values_list("resident_id", flat=True)) == [young.pk]
    retention.purge(retention.for_residents([young.pk]))
    assert not Child.objects.exists() and not ConsentEvent.objects.filter(resident=young).exists()


def test_a_later_request_of_the_same_resident_is_read_on_the_next_run_and_adults_are_not_kept():
    parent = parent_of(LEAP_GIRL)
    with at("2029-01-30"):
        reminders.collect_children(dt.date(2029, 1, 30))
        assert Child.objects.filter(resident=parent).count() == 1
        brother = builders.case("KIA", nik="3603011506120008")
        adult = builders.case("KTP", nik="3603011506900009")  # born 1990: nothing to remind about
        type(brother).objects.filter(pk__in=[brother.pk, adult.pk]).update(resident=parent)
        assert reminders.collect_children(dt.date(2029, 1, 30)) == 1
        assert reminders.collect_children(dt.date(2029, 1, 30)) == 0
    births = set(Child.objects.filter(resident=parent).values_list("birth_date", flat=True))
    assert births == {dt.date(2024, 2, 29), dt.date(2012, 6, 15)}
