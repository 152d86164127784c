"""The survey over WhatsApp: invited once after a hand-over (or, tagged apart, a rejection),
answered with list rows through the signed webhook, stored apart from the case file."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import models

from loket.cases.models import Case
from loket.channels.whatsapp import hours
from loket.channels.whatsapp.models import OutboundMessage
from loket.channels.whatsapp.sending import Template, choose_form
from loket.domain.skm import UNSUR
from loket.jobs import queue
from loket.outreach import preferences
from loket.privacy import retention
from loket.survey import flow, invitations
from loket.survey.models import Outcome, Status, Survey
from tests.survey import world
from tests.survey.world import last_survey_message, pick, press, say, survey_messages, the_survey
from tests.whatsapp.inbound import SITI, inbound_settings, office_numbers, work  # noqa: F401

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB


@pytest.fixture(autouse=True)
def setting(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LOKET_SKM_INVITE_DELAY_MINUTES = 0
    office_numbers()
    hours.forget_calendar()
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def option_ids(message: OutboundMessage) -> list[str]:
    action = message.interactive["action"]
    if message.interactive["type"] == "list":
        return [row["id"] for row in action["sections"][0]["rows"]]
    return [button["reply"]["id"] for button in action["buttons"]]


def started() -> Survey:
    world.handed_over()
    (invitation,) = survey_messages()
    press(option_ids(invitation)[0])
    return the_survey()


def test_a_hand_over_invites_once_and_the_whole_survey_is_stored_apart(fake_graph):
    case = world.handed_over()
    survey = the_survey()
    assert (survey.outcome, survey.service, survey.status) == (Outcome.SERVED, "KIA", Status.INVITED)
    assert survey.kode_kecamatan == case.kode_kecamatan
    (invitation,) = survey_messages()
    assert invitation.case_id is None  # not filed with the request
    assert "survei kepuasan" in invitation.interactive["body"]["text"]
    assert option_ids(invitation) == [f"skm:{survey.pk}:mulai", f"skm:{survey.pk}:lewati"]
    hand_over_message = OutboundMessage.objects.get(kind=OutboundMessage.Kind.HAND_OVER)
    assert hand_over_message.pk < invitation.pk  # the invitation follows the hand-over

    # Retried or duplicated: the keyed job, the job run again, a direct call: still one.
    queue.enqueue(
        invitations.INVITE_JOB,
        {"case": case.pk, "outcome": "served"},
        key=f"{invitations.INVITE_JOB}:{case.pk}",
    )
    invitations._invite_job({"case": case.pk, "outcome": "served"})
    assert invitations.invite(case, Outcome.SERVED) is None
    work()
    assert Survey.objects.count() == 1 and len(survey_messages()) == 1

    press(f"skm:{survey.pk}:mulai")
    first = last_survey_message()
    assert first.interactive["type"] == "list"
    rows = first.interactive["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows][:4] == [f"skm:{survey.pk}:u1:{v}" for v in (1, 2, 3, 4)]
    assert rows[4]["title"] == "Lewati pertanyaan" and rows[5]["title"] == "Berhenti survei"
    assert [r["title"] for r in rows[:4]] == list(UNSUR[0].labels)

    answers = [4, 3, 2, 4, 3, 4, 4, 1, 3]
    for number, value in enumerate(answers, start=1):
        asked = last_survey_message()
        assert f"Pertanyaan {number} dari 9" in asked.interactive["body"]["text"]
        pick(f"skm:{survey.pk}:u{number}:{value}")
    pick(f"skm:{survey.pk}:sex:P")
    pick(f"skm:{survey.pk}:age_band:-")  # skipped
    pick(f"skm:{survey.pk}:education:sma")
    pick(f"skm:{survey.pk}:occupation:irt")
    assert "ada saran" in last_survey_message().interactive["body"]["text"]
    say("Kursi ruang tunggu kurang, mohon ditambah.")
    assert last_survey_message().text.startswith("Terima kasih!")

    survey.refresh_from_db()
    assert survey.status == Status.COMPLETED and survey.closed_at
    assert [survey.answers()[f"u{i}"] for i in range(1, 10)] == answers
    assert (survey.sex, survey.age_band, survey.education, survey.occupation) == ("P", "", "sma", "irt")
    assert survey.suggestion == "Kursi ruang tunggu kurang, mohon ditambah."
    assert survey.resident_key == ""  # nothing leads back to the resident any more
    # No key leads to a person; the one foreign key names the office (docs/offices.md).
    keys = [f.name for f in Survey._meta.get_fields() if isinstance(f, models.ForeignKey)]
    assert keys == ["office"]
    # The suggestion did not open a request.
    assert Case.objects.count() == 1
    # Every question really went out to the (strict) fake Graph API, none failed or held.
    for minutes in range(1, 30):
        with time_machine.travel(MONDAY + dt.timedelta(minutes=minutes), tick=False):
            work()
    statuses = {m.status for m in survey_messages()}
    assert statuses <= {OutboundMessage.Status.SENT, OutboundMessage.Status.DELIVERED}, statuses
    lists = [m for m in fake_graph.sent_to(SITI) if m.type == "interactive"]
    assert len(lists) >= 14  # invitation, nine elements, four profile questions, the suggestion


def test_the_invitation_waits_for_its_delay(fake_graph, settings, setting):
    settings.LOKET_SKM_INVITE_DELAY_MINUTES = 60
    world.handed_over()
    assert not Survey.objects.exists()  # the hand-over message only, for now
    setting.shift(dt.timedelta(minutes=61))
    work()
    assert Survey.objects.count() == 1 and len(survey_messages()) == 1


def test_every_row_title_fits_and_long_labels_keep_their_wording():
    survey = Survey(pk=7)
    for question in flow.QUESTIONS:
        choices = flow.choices_for(survey, question)
        rows = choices["action"]["sections"][0]["rows"]
        assert len(rows) <= 10
        assert all(len(row["title"]) <= 24 and len(row.get("description", "")) <= 72 for row in rows)
    u8 = flow.choices_for(survey, flow.BY_STEP["u8"])["action"]["sections"][0]["rows"]
    assert u8[1]["title"] == "Ada, tidak berfungsi"
    assert u8[1]["description"] == "Nilai 2: Ada tetapi tidak berfungsi"
    assert "Berfungsi kurang maksimal" in u8[2]["description"]


def test_duplicate_and_older_answers_change_nothing(fake_graph):
    survey = started()
    pick(f"skm:{survey.pk}:u1:4")
    pick(f"skm:{survey.pk}:u2:3")
    pick(f"skm:{survey.pk}:u1:1")  # the first list pressed again, another row
    pick(f"skm:{survey.pk}:u2:3")  # the same row twice
    survey.refresh_from_db()
    assert (survey.u1, survey.u2, survey.u3, survey.step) == (4, 3, None, "u3")
    texts = [m.text for m in survey_messages()[-2:]]
    assert texts == [flow.ALREADY, flow.ALREADY]
    # A row of a later question than the one asked does not jump ahead.
    pick(f"skm:{survey.pk}:u5:4")
    survey.refresh_from_db()
    assert (survey.u5, survey.step) == (None, "u3")


def test_the_same_webhook_message_twice_answers_once(fake_graph):
    from tests.whatsapp.inbound import deliver, message

    survey = started()
    row = message(
        "interactive",
        type="list_reply",
        list_reply={"id": f"skm:{survey.pk}:u1:4", "title": "x"},
        wamid="wamid.SAME-ANSWER",
        ts=world.ts(),
    )
    deliver(row)
    deliver(row)  # Meta retried the delivery
    survey.refresh_from_db()
    assert (survey.u1, survey.step) == (4, "u2")
    assert not [m for m in survey_messages() if m.text == flow.ALREADY]


def test_out_of_range_replies_are_refused_and_the_question_asked_again(fake_graph):
    survey = started()
    pick(f"skm:{survey.pk}:u1:7")
    say("5")
    say("0")
    survey.refresh_from_db()
    assert survey.u1 is None and survey.step == "u1"
    unknown = [m for m in survey_messages() if m.text == flow.UNKNOWN]
    assert len(unknown) == 3
    assert "Pertanyaan 1 dari 9" in last_survey_message().interactive["body"]["text"]
    say("3")  # typed within range: taken
    say("lewati")  # typed skip
    survey.refresh_from_db()
    assert (survey.u1, survey.u2, survey.step) == (3, None, "u3")


def test_someone_elses_or_a_made_up_option_changes_nothing(fake_graph):
    survey = started()
    stranger = "6281377777777"
    pick(f"skm:{survey.pk}:u1:4", frm=stranger)
    pick("skm:garbage", frm=stranger)
    survey.refresh_from_db()
    assert survey.u1 is None
    assert [m.text for m in OutboundMessage.objects.filter(resident__wa_id=stranger)] == [
        flow.CLOSED_TEXT
    ] * 2


def test_declining_and_stopping(fake_graph):
    world.handed_over()
    survey = the_survey()
    press(f"skm:{survey.pk}:lewati")
    survey.refresh_from_db()
    assert (survey.status, survey.resident_key) == (Status.DECLINED, "")
    assert last_survey_message().text == flow.DECLINED
    press(f"skm:{survey.pk}:mulai")  # too late: closed
    assert last_survey_message().text == flow.CLOSED_TEXT


def test_stopping_half_way_keeps_the_answers_given(fake_graph):
    survey = started()
    pick(f"skm:{survey.pk}:u1:2")
    pick(f"skm:{survey.pk}:stop")
    survey.refresh_from_db()
    assert (survey.status, survey.u1, survey.resident_key) == (Status.COMPLETED, 2, "")
    assert last_survey_message().text == flow.STOPPED


def test_resident_never_answers_the_survey_expires_silently(fake_graph, settings, setting):
    world.handed_over()
    survey = the_survey()
    sent = OutboundMessage.objects.count()
    setting.shift(dt.timedelta(hours=settings.LOKET_SKM_EXPIRE_HOURS + 1))
    queue.enqueue_periodic()
    work()
    survey.refresh_from_db()
    assert (survey.status, survey.resident_key) == (Status.EXPIRED, "")
    assert OutboundMessage.objects.count() == sent  # nobody is chased


def test_an_expired_survey_refuses_late_answers(fake_graph, settings, setting):
    survey = started()
    setting.shift(dt.timedelta(hours=settings.LOKET_SKM_EXPIRE_HOURS + 1))
    pick(f"skm:{survey.pk}:u1:4")
    survey.refresh_from_db()
    assert (survey.status, survey.u1) == (Status.EXPIRED, None)
    assert last_survey_message().text == flow.CLOSED_TEXT
    say("4")  # typed after expiry: not taken by the survey (the request parser answers it)
    survey.refresh_from_db()
    assert survey.u1 is None


def test_a_rejection_invites_tagged_apart(fake_graph):
    world.rejected()
    survey = the_survey()
    assert survey.outcome == Outcome.REJECTED
    assert len(survey_messages()) == 1


def test_a_request_typed_during_the_survey_is_still_a_request(fake_graph):
    survey = started()
    say(world.KIA_BUDI)
    assert Case.objects.count() == 2
    survey.refresh_from_db()
    assert survey.status == Status.ANSWERING and survey.step == "u1"


def test_an_issued_document_sent_online_invites_as_served(fake_graph):
    from loket.scheduling.approval import approve_case, deliver_document
    from tests import approvable

    case = world.in_review()
    approvable.make_complete(case)
    approve_case(case)
    deliver_document(case, b"%PDF-1.7 dokumen", "dokumen.pdf")
    work()
    assert the_survey().outcome == Outcome.SERVED
    assert len(survey_messages()) == 1


def test_cancelled_or_expired_requests_are_not_surveyed(fake_graph):
    case = world.requested()
    case.move_to("cancelled", source="channel")
    work()
    assert not Survey.objects.exists()


def test_one_open_survey_at_a_time(fake_graph):
    world.handed_over()
    world.rejected(world.KIA_BUDI)
    assert Survey.objects.count() == 1


def test_outside_the_window_the_invitation_is_the_declared_template(fake_graph, settings, setting):
    fake_graph.approve_template(invitations.TEMPLATE, "id")
    fake_graph.approve_template("loket_kabar_permohonan", "id")
    case = world.in_review()
    old = MONDAY - dt.timedelta(days=3)
    type(case.resident).objects.filter(pk=case.resident_id).update(last_inbound_at=old)
    from loket.cases.workflow import reject

    reject(case, reason="Berkas tidak sesuai", instead="Datang ke kantor")
    work()
    invitation = last_survey_message()
    survey = the_survey()
    assert invitation.template_name == invitations.TEMPLATE
    payloads = [c["parameters"][0]["payload"] for c in invitation.template_params if c["type"] == "button"]
    assert payloads == [f"skm:{survey.pk}:mulai", f"skm:{survey.pk}:lewati"]
    (body,) = [c["parameters"] for c in invitation.template_params if c["type"] == "body"]
    assert [p["text"] for p in body] == [case.request_number, "Kartu Identitas Anak (KIA)"]
    form = choose_form(invitation, MONDAY)
    assert isinstance(form, Template) and form.name == "loket_undangan_survei"
    invitation.refresh_from_db()
    assert invitation.status in (OutboundMessage.Status.SENT, OutboundMessage.Status.DELIVERED)
    sent = [m for m in fake_graph.sent_to(SITI) if m.type == "template"][-1]
    assert sent.body["template"]["components"][1]["parameters"][0]["payload"] == f"skm:{survey.pk}:mulai"
    # The template's quick-reply button comes back as a "button" message with our payload.
    from tests.whatsapp.inbound import deliver, message

    deliver(message("button", payload=f"skm:{survey.pk}:mulai", text="Isi survei", ts=world.ts()))
    survey.refresh_from_db()
    assert survey.status == Status.ANSWERING


def test_a_resident_who_said_berhenti_is_never_invited(fake_graph):
    from tests.whatsapp.inbound import deliver, text

    deliver(text("BERHENTI", ts=world.ts()))
    case = world.handed_over()
    assert not preferences.allows(case.resident, "survey")
    assert not Survey.objects.exists() and not survey_messages()


def test_erasure_unlinks_and_blanks_an_open_survey(fake_graph):
    survey = started()
    Survey.objects.filter(pk=survey.pk).update(suggestion="nomor saya 0812")
    resident_id = Case.objects.get().resident_id
    outcome = retention.purge(retention.for_residents([resident_id]))
    survey.refresh_from_db()
    assert (survey.resident_key, survey.suggestion, survey.status) == ("", "", Status.EXPIRED)
    assert outcome.counts["survey_links"] == 1 and outcome.counts["survey_suggestions"] == 1


def test_suggestions_are_blanked_after_their_retention(settings):
    settings.LOKET_RETAIN_SURVEY_SUGGESTIONS_DAYS = 30
    old = Survey.objects.create(
        case_key="a",
        outcome=Outcome.SERVED,
        service="KIA",
        served_on=MONDAY.date(),
        invited_at=MONDAY - dt.timedelta(days=31),
        expires_at=MONDAY,
        suggestion="lama",
        u1=3,
    )
    new = Survey.objects.create(
        case_key="b",
        outcome=Outcome.SERVED,
        service="KIA",
        served_on=MONDAY.date(),
        invited_at=MONDAY - dt.timedelta(days=5),
        expires_at=MONDAY,
        suggestion="baru",
        u1=4,
    )
    assert retention.purge(dry_run=True).counts["survey_suggestions"] == 1
    retention.purge()
    old.refresh_from_db(), new.refresh_from_db()
    assert (old.suggestion, old.u1, new.suggestion) == ("", 3, "baru")


def test_berhenti_in_the_middle_of_a_survey_closes_it(fake_graph):
    from tests.whatsapp.inbound import deliver, text

    survey = started()
    deliver(text("BERHENTI", ts=world.ts()))
    survey.refresh_from_db()
    assert survey.status == Status.DECLINED and not survey.resident_key
    asked = len(survey_messages())
    say("3")  # no longer an answer: nothing more is asked
    assert len(survey_messages()) == asked
