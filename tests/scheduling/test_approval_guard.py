"""The approval guard on the workflow function and on the command line: what is missing is
said in Bahasa, and a refused approval books nothing, issues no receipt and sends nothing."""

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connection, connections

from loket.cases.guards import ApprovalRefused, approval_refusals
from loket.cases.models import Case, IllegalTransition, Resident, State, next_request_number
from loket.channels.whatsapp.models import CaseConsent, OutboundMessage
from loket.console.models import AuditEntry, Role
from loket.scheduling.approval import approve_case, planned_session
from loket.scheduling.models import Approval, Booking, Receipt, Slot
from tests import approvable
from tests.console.builders import make_staff

from . import builders

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


def nothing_happened(case) -> None:
    case.refresh_from_db()
    assert case.state != State.APPROVED
    assert not Approval.objects.filter(case=case).exists()
    assert not Booking.objects.filter(case=case).exists() and not Receipt.objects.exists()
    assert not OutboundMessage.objects.filter(case=case).exists()
    assert not Slot.objects.filter(booked__gt=0).exists()


def refused(case, **kwargs) -> ApprovalRefused:
    with pytest.raises(ApprovalRefused) as caught:
        approve_case(case, **kwargs)
    nothing_happened(case)
    return caught.value


@time_machine.travel(MONDAY, tick=False)
def test_a_case_without_documents_is_refused_naming_each_missing_document():
    case = builders.case("KIA", complete=False)
    approvable.give_consent(case)
    error = refused(case)
    assert error.reasons == [
        "Dokumen belum ada atau tidak dapat dipakai: Akta kelahiran anak, KTP-el ayah, KTP-el ibu, "
        "Kartu Keluarga (KK), Pas foto anak berwarna."
    ]
    assert str(error).startswith(f"Permohonan {case.request_number} belum dapat disetujui:")


@time_machine.travel(MONDAY, tick=False)
def test_a_document_that_could_not_be_downloaded_does_not_count():
    case = builders.case("KIA")
    case.documents.filter(label="kk").update(status="unavailable")
    assert "Kartu Keluarga (KK)" in refused(case).reasons[0]


@time_machine.travel(MONDAY, tick=False)
def test_an_error_level_problem_in_the_data_is_refused_with_the_intakes_explanation():
    case = builders.case("KIA")
    bad = "3603039913180003"  # day 99: no birth date
    Case.objects.filter(pk=case.pk).update(subject=bad, fields={**case.fields, "nik": bad})
    case.refresh_from_db()
    reasons = refused(case).reasons
    assert any(r.startswith("Data: NIK sepertinya salah ketik") for r in reasons)


@time_machine.travel(MONDAY, tick=False)
def test_a_case_with_data_the_intake_cannot_read_is_refused():
    case = builders.case("KIA")
    Case.objects.filter(pk=case.pk).update(fields={"NIK": case.subject, "NAMA": "Siti"})
    case.refresh_from_db()
    assert refused(case).reasons[0].startswith("Data permohonan tidak lengkap")


def test_a_child_who_turned_17_since_the_request_is_refused_on_the_day_of_approval():
    # Born 10 December 2009: 16 when the request came on 30 November 2026.
    with time_machine.travel(MONDAY, tick=False):
        case = builders.case("KIA")  # placeholder subject, replaced below
        columns = approvable.case_fields(approvable.request("KIA", nik="3603035012090007"))
        Case.objects.filter(pk=case.pk).update(**columns)
        case.refresh_from_db()
        assert approval_refusals(case) == []
    with time_machine.travel(dt.datetime(2026, 12, 10, 3, 0, tzinfo=dt.UTC), tick=False):
        reasons = refused(case).reasons
    assert any(
        "sudah berumur 17 tahun" in r and "KIA hanya untuk anak di bawah 17 tahun" in r for r in reasons
    )


def test_a_child_who_turned_5_since_the_request_now_needs_a_photo():
    # Born 3 December 2021: 4 on the request day (no photo), 5 on the day of approval.
    with time_machine.travel(MONDAY, tick=False):
        resident = Resident.objects.create(channel_number="1001", user_id="628120000555")
        case = Case.objects.create(
            request_number=next_request_number("KIA", MONDAY.date()),
            resident=resident,
            state=State.IN_REVIEW,
            **approvable.case_fields(approvable.request("KIA", nik="3603034312210005")),
        )
        approvable.make_complete(case)
        assert not case.derived["perlu_foto"] and case.documents.count() == 4
        assert approval_refusals(case) == []
    with time_machine.travel(dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC), tick=False):
        reasons = refused(case).reasons
        assert reasons == [
            "Anak sudah berumur 5 tahun sejak permohonan diajukan: pas foto sekarang wajib.",
            "Dokumen belum ada atau tidak dapat dipakai: Pas foto anak berwarna.",
        ]
        approvable.add_document(case, "pas_foto")
        approve_case(case)
    case.refresh_from_db()
    assert case.state == State.APPROVED


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("answer", [None, False])
def test_without_consent_on_record_the_case_is_refused(answer):
    case = builders.case("KIA")
    if answer is None:
        CaseConsent.objects.filter(case=case).delete()
    else:
        CaseConsent.objects.filter(case=case).update(agreed=answer)
    assert refused(case).reasons == ["Persetujuan pemrosesan data dari pemohon belum tercatat."]


@time_machine.travel(MONDAY, tick=False)
def test_a_supervisor_approves_over_the_guard_with_a_written_reason_recorded():
    supervisor = make_staff("supervisor", Role.SUPERVISOR)
    case = builders.case("KIA", complete=False)
    approval = approve_case(
        case, actor=supervisor, override_reason="Dokumen asli diperiksa langsung di kantor."
    )
    case.refresh_from_db()
    assert case.state == State.APPROVED and case.bookings.count() == 1
    assert approval.override_reason == "Dokumen asli diperiksa langsung di kantor."
    assert approval.overridden == approval_refusals(case)  # what was overridden, word for word
    event = case.events.get(to_state=State.APPROVED)
    assert event.actor == supervisor and "pengecualian supervisor: Dokumen asli" in event.note


@time_machine.travel(MONDAY, tick=False)
def test_an_officer_cannot_override_and_a_supervisor_needs_a_real_reason():
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    supervisor = make_staff("supervisor", Role.SUPERVISOR)
    case = builders.case("KIA", complete=False)
    error = refused(case, actor=officer, override_reason="Saya yakin dokumennya ada.")
    assert error.reasons[0] == "Hanya supervisor yang dapat menyetujui permohonan yang belum memenuhi syarat."
    error = refused(case, actor=supervisor, override_reason="ok")
    assert error.reasons[0].startswith("Tulis alasan pengecualian")


@time_machine.travel(MONDAY, tick=False)
def test_an_override_is_not_recorded_when_nothing_needed_overriding():
    supervisor = make_staff("supervisor", Role.SUPERVISOR)
    approval = approve_case(
        builders.case("KIA"), actor=supervisor, override_reason="Tidak perlu, tapi ditulis."
    )
    assert approval.override_reason == "" and approval.overridden == []


@time_machine.travel(MONDAY, tick=False)
def test_the_planned_date_is_the_one_booked_and_asking_books_nothing():
    builders.schedule("KIA", capacity_pagi=1, capacity_siang=1, capacity_day=2)
    approve_case(builders.case("KIA"))
    approve_case(builders.case("KIA"))  # 18 December is now full
    case = builders.case("KIA")
    slots = list(Slot.objects.values_list("day", "part", "booked"))
    plan, session = planned_session(case)
    assert (session.day, session.part) == (dt.date(2026, 12, 21), "pagi")
    assert list(Slot.objects.values_list("day", "part", "booked")) == slots
    assert not case.bookings.exists()
    approve_case(case)
    assert (case.bookings.get().day, case.bookings.get().part) == (session.day, session.part)


@time_machine.travel(MONDAY, tick=False)
def test_approving_twice_books_once():
    case = builders.case("KIA")
    approve_case(case)
    with pytest.raises(IllegalTransition, match="tidak dapat disetujui"):
        approve_case(case)
    assert Booking.objects.filter(case=case).count() == 1 and Receipt.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@time_machine.travel(MONDAY, tick=True)
def test_two_officers_approving_the_same_case_at_once_book_it_once():
    case = builders.case("KIA")
    connection.close()  # the threads open their own connections
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def approve():
        try:
            barrier.wait(timeout=30)
            approve_case(Case.objects.get(pk=case.pk))
            outcomes.append("approved")
        except IllegalTransition:
            outcomes.append("refused")
        except BaseException as exc:  # reported by the test
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["approved", "refused", "refused", "refused"]
    assert Booking.objects.filter(case=case).count() == 1
    assert Approval.objects.filter(case=case).count() == 1
    assert OutboundMessage.objects.filter(case=case, kind="receipt").count() == 1


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def shell(monkeypatch):
    # The command's own exit closes every connection; inside a test that is the test's.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def run_loket(*argv: str) -> int:
    """`loket ...` as the shell runs it: the exit status (output on stdout and stderr)."""
    try:
        ManagementUtility(["loket", *argv]).execute()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@time_machine.travel(MONDAY, tick=False)
def test_the_contract_a_request_with_consent_and_no_documents_cannot_be_approved_from_the_shell(
    shell, capsys
):
    case = builders.case("KIA", state=State.WAITING_DOCUMENTS, complete=False)
    approvable.give_consent(case)
    # The queue is for complete requests: the moves that would bring it to review are refused.
    assert run_loket("case", "move", case.request_number, "queued") == 1
    assert "belum lengkap" in capsys.readouterr().err
    assert run_loket("case", "move", case.request_number, "in_review") == 1
    # Even when it got to review some other way, approval is refused and names what is missing.
    Case.objects.filter(pk=case.pk).update(state=State.IN_REVIEW)
    assert run_loket("cases", "approve", case.request_number) == 1
    err = capsys.readouterr().err
    assert f"Permohonan {case.request_number} belum dapat disetujui:" in err
    assert "Akta kelahiran anak, KTP-el ayah, KTP-el ibu, Kartu Keluarga (KK)" in err
    nothing_happened(case)
    assert run_loket("case", "move", case.request_number, "approved") == 1
    assert "loket cases approve" in capsys.readouterr().err
    nothing_happened(case)


@time_machine.travel(MONDAY, tick=False)
def test_a_queued_complete_request_is_refused_from_the_shell_when_its_child_data_is_wrong(capsys):
    case = builders.case("KIA", state=State.QUEUED)
    CaseConsent.objects.filter(case=case).delete()
    with pytest.raises(CommandError, match="Persetujuan pemrosesan data"):
        call_command("cases", "approve", case.request_number)
    case.refresh_from_db()
    assert case.state == State.QUEUED and not case.events.exists()  # the move to review rolled back too


@time_machine.travel(MONDAY, tick=False)
def test_a_supervisor_overrides_from_the_shell_with_a_reason_and_it_is_audited():
    supervisor = make_staff("supervisor", Role.SUPERVISOR)
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = builders.case("KIA", complete=False)
    with pytest.raises(CommandError, match="Hanya supervisor"):
        call_command(
            "cases", "approve", case.request_number, "--override", "Diperiksa di loket.", "--user", "petugas"
        )
    nothing_happened(case)
    out = io.StringIO()
    call_command(
        "cases",
        "approve",
        case.request_number,
        "--override",
        "Diperiksa di loket.",
        "--user",
        "supervisor",
        stdout=out,
    )
    case.refresh_from_db()
    assert case.state == State.APPROVED and "pengecualian supervisor: Diperiksa di loket." in out.getvalue()
    entry = AuditEntry.objects.get(action="approve_override", case=case)
    assert entry.actor == supervisor and officer != supervisor
