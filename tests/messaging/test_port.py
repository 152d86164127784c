"""The channel-neutral resident port: the core tells residents things through it, and the
WhatsApp channel, registered from its AppConfig, answers with its own rows and rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from loket.cases.models import State
from loket.channels.whatsapp.incidents import open_incident
from loket.channels.whatsapp.models import CaseConsent, Conversation, Incident, OutboundMessage
from loket.jobs.models import Job
from loket.messaging import port
from loket.messaging.port import Attachment, Heard, NoChannel, Purpose, Said
from tests.console.builders import make_case, make_resident

pytestmark = pytest.mark.django_db


def test_the_whatsapp_channel_registers_itself_and_every_purpose_is_one_of_its_kinds():
    assert [c.name for c in port.channels()] == ["WhatsApp"]
    # The channel stores the port's purposes as its own kinds: none may be missing there.
    assert {p.value for p in Purpose} <= set(OutboundMessage.Kind.values)


def test_tell_records_the_message_and_its_send_job_in_the_callers_transaction():
    case = make_case(state=State.QUEUED)
    message = port.tell(
        case.resident,
        case=case,
        purpose=Purpose.RECEIPT,
        text="Bukti terlampir.",
        attachment=Attachment(b"%PDF-1.4 test", "bukti.pdf"),
    )
    stored = OutboundMessage.objects.get(pk=message.pk)
    assert (stored.kind, stored.case_id, stored.text, stored.document_name) == (
        "receipt",
        case.pk,
        "Bukti terlampir.",
        "bukti.pdf",
    )
    assert stored.document.read() == b"%PDF-1.4 test"
    assert Job.objects.filter(name="whatsapp.send").exists()


def test_a_rolled_back_action_tells_nobody():
    case = make_case(state=State.QUEUED)
    before_jobs = Job.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        port.tell(case.resident, case=case, purpose=Purpose.CASE_UPDATE, text="Disetujui.")
        raise RuntimeError("the action failed after telling")
    assert not OutboundMessage.objects.filter(case=case).exists()
    assert Job.objects.count() == before_jobs


def test_with_no_channel_registered_telling_fails_loudly_and_consent_is_not_missing(monkeypatch):
    case = make_case(state=State.QUEUED, consent=False)
    monkeypatch.setattr(port, "_channels", {})
    with pytest.raises(NoChannel):
        port.tell(case.resident, case=case, text="Halo")
    with pytest.raises(NoChannel):
        port.mark_handled(1, case.resident.__class__.objects.all())
    assert port.consent_missing(case) is False
    assert port.incidents() == [] and port.timeline(case, case.created_at) == []


def test_consent_is_asked_and_recorded_by_the_channel():
    case = make_case(state=State.WAITING_DOCUMENTS, consent=False)
    assert port.consent_missing(case) is False  # never asked (opened outside a conversation)
    CaseConsent.objects.create(case=case, notice_version="v1")
    assert port.consent_missing(case) is True
    port.record_consent(case, agreed=True, at=timezone.now(), notice_version="v1")
    assert port.consent_missing(case) is False
    port.record_consent(case, agreed=False, at=timezone.now(), notice_version="v1")
    assert port.consent_missing(case) is True


def test_the_timeline_holds_what_we_sent_with_its_status_and_nothing_of_other_residents():
    case = make_case(state=State.QUEUED)
    other = make_case(state=State.QUEUED)
    port.tell(case.resident, case=case, purpose=Purpose.OFFICER, text="Mohon tunggu.")
    port.tell(other.resident, case=other, purpose=Purpose.OFFICER, text="Pesan orang lain.")
    items = port.timeline(case, case.created_at - dt.timedelta(minutes=30))
    said = [i for i in items if isinstance(i, Said)]
    assert [(s.text, s.purpose) for s in said] == [("Mohon tunggu.", "officer")]
    assert said[0].status  # the delivery status in words
    assert not [i for i in items if isinstance(i, Heard)]


def test_officer_requests_are_listed_and_handled_only_within_the_residents_given():
    mine, theirs = make_resident(profile_name="Ibu A"), make_resident(profile_name="Ibu B")
    talk = Conversation.objects.create(resident=mine, needs_officer=True, officer_requested_at=timezone.now())
    Conversation.objects.create(resident=theirs, needs_officer=True, officer_requested_at=timezone.now())
    visible = mine.__class__.objects.filter(pk=mine.pk)
    requests = port.officer_requests(visible, 10)
    assert [(r.ref, r.resident.pk) for r in requests] == [(talk.pk, mine.pk)]
    other_talk = Conversation.objects.get(resident=theirs)
    assert port.mark_handled(other_talk.pk, visible) is False  # not this officer's resident
    assert Conversation.objects.get(pk=other_talk.pk).needs_officer is True
    assert port.mark_handled(talk.pk, visible) is True
    assert port.officer_requests(visible, 10) == []


def test_incidents_carry_their_channel_and_the_quarantine_review_page():
    open_incident(Incident.Kind.TOKEN, "Token ditolak.", pause_for=60)
    open_incident(Incident.Kind.QUARANTINE, "Satu kiriman dikarantina.")
    found = {i.kind: i for i in port.incidents()}
    assert {i.channel for i in found.values()} == {"WhatsApp"}
    assert found["token"].pauses_sending and found["token"].review_url == ""
    assert found["quarantine"].review_url.endswith("/") and found["quarantine"].kind_label


def test_the_reply_window_is_the_channels_rule_in_words_for_the_officer():
    now = timezone.now()
    resident = make_resident(last_inbound_at=now - dt.timedelta(hours=23))
    window = port.reply_window(resident, now)
    assert window.open and window.closes_at == resident.last_inbound_at + dt.timedelta(hours=24)
    resident.last_inbound_at = now - dt.timedelta(hours=25)
    closed = port.reply_window(resident, now)
    assert not closed.open and closed.closes_at is None and "ditahan" in closed.explanation
    assert not port.reply_window(make_resident(), now).open  # never wrote: templates only


def test_the_channels_review_pages_reach_the_console_without_naming_the_channel():
    [page] = port.review_pages()
    assert page.label == "Karantina kiriman" and page.url.startswith("/")
