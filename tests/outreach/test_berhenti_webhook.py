"""BERHENTI/STOP, MULAI and the reminders question, through the signed webhook.

Contract (issue 14): a resident who sends BERHENTI receives one confirmation, and afterwards
no reminder, campaign or survey message, while messages about their own open request still arrive.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from loket.cases.models import Case, Resident, State
from loket.channels.whatsapp.conversation import outreach as words
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import Role
from loket.outreach import preferences, question, reminders
from loket.outreach.models import ConsentEvent, Preference
from loket.scheduling import printing
from loket.scheduling.approval import approve_case
from loket.scheduling.counter import hand_over
from loket.scheduling.tasks import send_reminders as send_pickup_reminders
from tests import approvable
from tests.console.builders import make_staff
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    SITI,
    deliver,
    envelope,
    inbound_settings,
    message,
    office_numbers,
    post,
    text,
    work,
)

pytestmark = pytest.mark.django_db
KIA_CHILD = "#KIA#3603016902240001#3603012208170006#AYU LESTARI#SENTUL#BALARAJA"
JAKARTA = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def numbers(db):
    office_numbers()


def siti() -> Resident:
    return Resident.objects.get(channel_number=KIA_NUMBER, wa_id=SITI)


def replies(body: str) -> int:
    return OutboundMessage.objects.filter(resident__wa_id=SITI, text=body).count()


def test_berhenti_delivered_twice_is_confirmed_once_and_stops_every_purpose(fake_graph):
    stop = text("BERHENTI")
    payload = envelope(stop)
    assert post(payload).status_code == 200
    assert post(payload).status_code == 200  # Meta's duplicate delivery
    work()
    assert replies(words.STOPPED) == 1
    assert [m.text for m in fake_graph.sent_to(SITI)] == [words.STOPPED]
    resident = siti()
    for purpose in ("reminder", "campaign", "survey"):
        assert preferences.allows(resident, purpose) is False
    [event] = ConsentEvent.objects.filter(resident=resident)
    assert (event.action, event.via, event.message_ref) == ("stopped", "keyword", stop["id"])
    assert set(event.purposes) == {"reminder", "campaign", "survey"}

    # A second, distinct STOP: no second confirmation, a short note instead; nothing audited.
    deliver(text("stop"))
    assert replies(words.STOPPED) == 1
    assert OutboundMessage.objects.filter(text__startswith="Anda sudah berhenti").count() == 1
    assert ConsentEvent.objects.filter(resident=resident).count() == 1


def test_data_saya_says_whether_reminders_are_on(fake_graph):
    deliver(text("DATA SAYA"))
    assert OutboundMessage.objects.filter(text__contains="Pengingat: tidak aktif").count() == 1
    deliver(text("BERHENTI"))
    deliver(text("DATA SAYA"))
    assert (
        OutboundMessage.objects.filter(text__contains="Pengingat dan informasi: berhenti sejak").count() == 1
    )
    deliver(text("MULAI"))
    deliver(text("DATA SAYA"))
    assert OutboundMessage.objects.filter(text__contains="Pengingat: aktif, 0 anak").count() == 1


def test_mulai_resumes_and_is_audited(fake_graph):
    deliver(text("BERHENTI"))
    start = text("Mulai")
    deliver(start)
    resident = siti()
    assert replies(words.RESUMED) == 1
    assert all(preferences.allows(resident, p) for p in ("reminder", "campaign", "survey"))
    assert list(ConsentEvent.objects.values_list("action", flat=True)) == ["stopped", "resumed"]
    assert ConsentEvent.objects.get(action="resumed").message_ref == start["id"]


def test_unknown_purposes_are_refused():
    with pytest.raises(ValueError, match="unknown outreach purpose"):
        preferences.allows(Resident(pk=1), "promo")


def _collected(resident: Resident, when: dt.datetime) -> Case:
    """A KIA request of `resident`, approved, printed and handed over at the counter."""
    with time_machine.travel(when, tick=False):
        case = Case.objects.create(
            resident=resident,
            request_number=f"KIA-20261130-{Case.objects.count() + 1:04d}",
            state=State.IN_REVIEW,
            **approvable.case_fields(approvable.request("KIA", name="AYU LESTARI")),
        )
        approvable.make_complete(case)
        approve_case(case)
        booking = case.bookings.get(status="active")
        printing.mark_printed(booking.day, [booking.pk])
        receipt = booking.receipts.get(revoked_at__isnull=True)
        hand_over(
            receipt,
            officer=make_staff(f"loket{case.pk}", Role.COUNTER),
            relation="orang_tua",
            recipient_name="Siti",
            identity_document="KTP-el",
        )
    return case


def test_after_a_hand_over_the_question_is_asked_once_and_a_button_answers_it(fake_graph):
    deliver(text("STATUS"))  # Siti is known on the KIA number
    resident = siti()
    case = _collected(resident, dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC))
    work()
    ordered = list(
        OutboundMessage.objects.filter(case=case).order_by("pk").values_list("kind", "template_name")
    )
    assert ordered[-2:] == [("hand_over", ""), ("case_update", question.ASK_TEMPLATE)]
    asked = OutboundMessage.objects.get(template_name=question.ASK_TEMPLATE)
    assert asked.template_params[1]["parameters"][0]["payload"] == question.YES
    assert Preference.objects.get(resident=resident).asked_case == case

    _collected(resident, dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC))  # a second card: not asked again
    work()
    assert OutboundMessage.objects.filter(template_name=question.ASK_TEMPLATE).count() == 1

    pressed = message("button", payload=question.YES, text=question.YES_TITLE)
    deliver(pressed)
    assert preferences.allows(resident, "reminder") and preferences.allows(resident, "campaign")
    event = ConsentEvent.objects.get(action="opt_in")
    assert (event.via, event.message_ref) == ("button", pressed["id"])
    assert OutboundMessage.objects.filter(
        text__startswith="Terima kasih. Kami akan mengirim pengingat"
    ).exists()


def test_no_question_after_berhenti_and_a_late_yes_does_not_undo_it(fake_graph):
    deliver(text("BERHENTI"))
    resident = siti()
    _collected(resident, dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC))
    work()
    assert not OutboundMessage.objects.filter(template_name=question.ASK_TEMPLATE).exists()
    deliver(message("button", payload=question.YES, text=question.YES_TITLE))
    assert not preferences.allows(resident, "reminder")
    assert OutboundMessage.objects.filter(text__startswith="Anda sudah mengetik BERHENTI").count() == 1


def test_after_berhenti_news_of_the_own_request_still_arrives_but_no_reminder(fake_graph, settings):
    """The pickup reminder of scheduling (about the resident's own request) still goes out; the
    child reminder (about a thing not requested) does not."""
    with time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False):
        deliver(text(KIA_CHILD))
    resident = siti()
    preferences.answer(resident, agreed=True, via="button")
    case = Case.objects.get(resident=resident)
    approvable.make_complete(case)
    Case.objects.filter(pk=case.pk).update(state=State.IN_REVIEW)
    case.refresh_from_db()
    with time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False):
        approve_case(case)
    deliver(text("BERHENTI"))
    booking = case.bookings.get(status="active")
    day_before = dt.datetime.combine(booking.day - dt.timedelta(days=1), dt.time(10), tzinfo=JAKARTA)
    while day_before.weekday() >= 5:
        day_before -= dt.timedelta(days=1)
    with time_machine.travel(day_before, tick=False):
        assert send_pickup_reminders({}) == 1
    pickup = OutboundMessage.objects.get(kind="reminder", case=case)
    assert pickup.template_name == "pengingat_pengambilan"
    with time_machine.travel(day_before + dt.timedelta(minutes=1), tick=False):
        work()
    pickup.refresh_from_db()
    assert pickup.status == OutboundMessage.Status.SENT
    assert any(
        m.type == "template" and m.body["template"]["name"] == "pengingat_pengambilan"
        for m in fake_graph.sent_to(SITI)
    )
    with time_machine.travel(dt.datetime(2029, 1, 30, 10, tzinfo=JAKARTA), tick=False):
        assert reminders.send_reminders({})["sent"] == 0
    assert not OutboundMessage.objects.filter(kind="reminder", case__isnull=True).exists()


def test_a_reminder_already_queued_when_berhenti_arrives_is_never_sent(fake_graph):
    deliver(text("MULAI"))
    resident = siti()
    with time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False):
        registered = reminders.register_child(resident, dt.date(2021, 12, 20))  # 5 on 20 December 2026
    from loket.outreach.models import ReminderSent  # noqa: PLC0415

    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=JAKARTA), tick=False):
        assert reminders._tell_once(registered.child, "kia_5", dt.date(2026, 12, 20))
        preferences.stop(resident, via="keyword", message_ref="wamid.LATE")
    work()
    queued = OutboundMessage.objects.get(kind="reminder", case__isnull=True)
    assert queued.status == OutboundMessage.Status.FAILED
    assert queued.last_error_title.startswith("withdrawn: the resident sent BERHENTI")
    assert not any(m.type == "template" for m in fake_graph.sent_to(SITI))
    assert ReminderSent.objects.count() == 1  # and it is never written again
