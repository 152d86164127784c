"""DATA SAYA, HAPUS DATA decided in the console, and the versioned privacy notice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from loket.cases.models import Case, Document, Resident, State
from loket.channels.whatsapp import conversation
from loket.channels.whatsapp.models import CaseConsent, InboundMessage, OutboundMessage
from loket.console.models import AuditEntry, Role
from loket.offices.models import Office
from loket.privacy import retention
from loket.privacy.models import ErasureRequest
from tests.console.builders import make_staff, sign_in
from tests.privacy.world import KIA_BUDI, KIA_SITI, cancel, consent_button, request_with_files, stored_files
from tests.whatsapp.inbound import deliver, inbound_settings, office_numbers, text  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def last_reply() -> str:
    return OutboundMessage.objects.order_by("-pk").first().text


def test_data_saya_summarises_two_requests_masked(fake_graph):
    first = request_with_files(fake_graph, KIA_BUDI)
    deliver(text(KIA_SITI, ts=1764400200))
    second = Case.objects.get(raw_text=KIA_SITI)
    cancel(first, ts=1764400300)
    deliver(text("data  saya", ts=1764400400))
    answer = last_reply()
    assert f"{first.request_number} (KIA, 3603 •••• •••• 0003): Dibatalkan" in answer
    assert f"{second.request_number} (KIA, 3603 •••• •••• 0003): Menunggu dokumen" in answer
    assert "Berkas tersimpan: 2 (Akta kelahiran anak 1, Kartu Keluarga (KK) 1)" in answer
    consented = timezone.localtime(Resident.objects.get().consent_at)
    assert f"Persetujuan privasi: {consented:%d-%m-%Y} (versi 2026-11)" in answer
    assert "6281••••432" in answer  # the number masked
    for personal in ("3603011105200003", "3603035512180003", "BUDI", "SITI", "6281298765432"):
        assert personal not in answer
    assert len(answer) < 1024


def test_hapus_data_with_a_running_request_is_recorded_and_the_console_refuses_to_erase(fake_graph, client):
    case = request_with_files(fake_graph)
    deliver(text("HAPUS DATA", ts=1764400300))
    erasure = ErasureRequest.objects.get()
    assert erasure.status == "pending" and erasure.wamid
    answer = last_reply()
    assert (
        f"nomor {erasure.pk}" in answer and "belum dapat dihapus" in answer and case.request_number in answer
    )
    supervisor = make_staff("sup", Role.SUPERVISOR)
    sign_in(client, supervisor)
    page = client.get("/console/hapus-data/").content.decode()
    assert "masih berjalan" in page and "Hapus data pemohon" not in page
    response = client.post(f"/console/hapus-data/{erasure.pk}/hapus/", follow=True)
    assert "belum dapat dihapus" in response.content.decode()
    erasure.refresh_from_db()
    case.refresh_from_db()
    assert erasure.status == "pending" and case.subject == "3603011105200003"
    assert len(stored_files()) == 2 and not AuditEntry.objects.filter(action="erasure_confirm").exists()


def test_a_confirmed_erasure_anonymises_everything_but_the_record_and_is_audited(
    fake_graph, client, django_capture_on_commit_callbacks
):
    case = request_with_files(fake_graph)
    cancel(case)
    deliver(text("HAPUS DATA", ts=1764400300))
    erasure = ErasureRequest.objects.get()
    admin = make_staff("admin", Role.ADMIN)
    sign_in(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/console/hapus-data/{erasure.pk}/hapus/")
    assert response.status_code == 302
    erasure.refresh_from_db()
    case.refresh_from_db()
    assert erasure.status == "confirmed" and erasure.decided_by == admin and erasure.erased["documents"] == 2
    assert stored_files() == set()
    assert all(d.caption == retention.ERASED_MARK for d in Document.objects.all())
    assert (case.subject, case.fields, case.raw_text) == ("", {}, "")
    assert case.request_number and case.state == State.CANCELLED  # the record stays
    assert not InboundMessage.objects.filter(purged_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="erasure_confirm")
    assert entry.actor == admin and f"erasure={erasure.pk}" in entry.detail and "documents=2" in entry.detail
    assert "3603" not in entry.detail and "BUDI" not in entry.detail
    # The resident is told, then their address goes a day later.
    told = OutboundMessage.objects.order_by("-pk").first()
    assert "sudah kami hapus" in told.text and told.purged_at is None
    resident = Resident.objects.get()
    assert resident.wa_id and resident.profile_name == ""
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, seconds=1), tick=False):
        assert retention.purge().counts["residents"] == 1
    resident.refresh_from_db()
    assert (resident.wa_id, resident.phone, resident.bsuid) == ("", "", "")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNTER])
def test_a_role_without_the_right_cannot_confirm(fake_graph, client, role):
    case = request_with_files(fake_graph)
    cancel(case)
    deliver(text("HAPUS DATA", ts=1764400300))
    erasure = ErasureRequest.objects.get()
    sign_in(client, make_staff("orang", role, services=["KIA"]))
    assert client.post(f"/console/hapus-data/{erasure.pk}/hapus/").status_code == 403
    assert client.get("/console/hapus-data/").status_code == 403
    erasure.refresh_from_db()
    assert erasure.status == "pending" and len(stored_files()) == 2


def test_a_refusal_needs_a_reason_and_tells_the_resident(fake_graph, client):
    deliver(text("HAPUS DATA"))
    erasure = ErasureRequest.objects.get()
    sign_in(client, make_staff("sup", Role.SUPERVISOR))
    client.post(f"/console/hapus-data/{erasure.pk}/tolak/", {"reason": "  "})
    erasure.refresh_from_db()
    assert erasure.status == "pending"
    client.post(f"/console/hapus-data/{erasure.pk}/tolak/", {"reason": "Data masih diperiksa inspektorat."})
    erasure.refresh_from_db()
    assert erasure.status == "refused" and "inspektorat" in last_reply()
    assert AuditEntry.objects.filter(action="erasure_refuse", detail=f"erasure={erasure.pk}").exists()
    # Decided once: a second decision is refused, nothing changes.
    client.post(f"/console/hapus-data/{erasure.pk}/hapus/")
    erasure.refresh_from_db()
    assert erasure.status == "refused"


def test_asking_twice_keeps_one_pending_request(fake_graph):
    deliver(text("HAPUS DATA"))
    deliver(text("hapus data", ts=1764400100))
    assert ErasureRequest.objects.count() == 1


def test_the_notice_states_the_periods_of_the_settings(fake_graph, settings):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 45
    settings.LOKET_RETAIN_MESSAGES_DAYS = 120
    deliver(text(KIA_BUDI))
    notice = OutboundMessage.objects.get(interactive__isnull=False).text
    assert "Berkas disimpan 45 hari sesudah permohonan selesai, pesan 120 hari." in notice
    assert "DATA SAYA" in notice and "HAPUS DATA" in notice


def test_the_notice_and_data_saya_state_the_offices_own_documents_period(fake_graph, settings):
    """What the resident is told is what the purge applies: the office's period wins."""
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 45
    settings.LOKET_RETAIN_MESSAGES_DAYS = 120
    Office.objects.update(retain_documents_days=7)
    deliver(text(KIA_BUDI))
    notice = OutboundMessage.objects.get(interactive__isnull=False).text
    assert "Berkas disimpan 7 hari sesudah permohonan selesai, pesan 120 hari." in notice
    deliver(text("DATA SAYA", ts=1764400400))
    assert "Berkas disimpan 7 hari setelah permohonan selesai, isi pesan 120 hari." in last_reply()


def test_the_notice_and_data_saya_state_the_offices_own_messages_period(fake_graph, settings):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 45
    settings.LOKET_RETAIN_MESSAGES_DAYS = 120
    Office.objects.update(retain_messages_days=14)
    deliver(text(KIA_BUDI))
    notice = OutboundMessage.objects.get(interactive__isnull=False).text
    assert "Berkas disimpan 45 hari sesudah permohonan selesai, pesan 14 hari." in notice
    deliver(text("DATA SAYA", ts=1764400400))
    assert "Berkas disimpan 45 hari setelah permohonan selesai, isi pesan 14 hari." in last_reply()


@pytest.mark.parametrize("when", ["2026-12-07 09:00", "2026-12-05 20:00"])  # office open, closed
def test_the_longest_answer_carries_the_notice_in_one_message(fake_graph, settings, when):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = settings.LOKET_RETAIN_MESSAGES_DAYS = 3650
    zone = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime.fromisoformat(when).replace(tzinfo=zone), tick=False):
        deliver(text(KIA_BUDI))
    (answer,) = OutboundMessage.objects.all()
    assert answer.interactive is not None and len(answer.text) <= conversation.INTERACTIVE_BODY_LIMIT
    assert "3650 hari" in answer.text


def test_the_notice_version_is_recorded_and_asked_again_only_after_a_bump(fake_graph, settings):
    deliver(text(KIA_BUDI))
    deliver(consent_button(ts=1764400010))
    assert CaseConsent.objects.get().notice_version == "2026-11"
    assert Resident.objects.get().consent_version == "2026-11"
    deliver(text(KIA_SITI, ts=1764400020))  # same version: not asked again
    second = Case.objects.get(raw_text=KIA_SITI)
    assert second.consent.agreed is True and second.consent.notice_version == "2026-11"
    assert OutboundMessage.objects.filter(interactive__isnull=False).count() == 1
    settings.LOKET_PRIVACY_NOTICE_VERSION = "2027-01"
    deliver(text(KIA_SITI.replace("SITI AMINAH", "SITI AMINA"), ts=1764400030))  # updates the same case
    deliver(text(KIA_BUDI.replace("3603011105200003", "3603011105200011"), ts=1764400040))
    third = Case.objects.get(subject="3603011105200011")
    assert third.consent.agreed is None and third.consent.notice_version == "2027-01"
    assert OutboundMessage.objects.filter(interactive__isnull=False).count() == 2
    deliver(consent_button(ts=1764400050))
    third.consent.refresh_from_db()
    assert third.consent.agreed is True and Resident.objects.get().consent_version == "2027-01"


def test_a_card_handed_over_recently_keeps_its_record_for_thirty_days():
    from loket.privacy import rights
    from tests.console.builders import make_case

    case = make_case(state=State.COLLECTED)
    (reason,) = rights.blockers(case.resident)
    assert case.request_number in reason and "baru diserahkan" in reason
    with time_machine.travel(case.state_changed_at + rights.HAND_OVER_DISPUTE + dt.timedelta(seconds=1)):
        assert rights.blockers(case.resident) == []
