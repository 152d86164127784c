"""Personal data goes when its period ends, and not a second before; figures and records stay."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from loket.cases.models import Case, Document, Resident, State
from loket.channels.whatsapp.models import Delivery, InboundMessage, OutboundMessage
from loket.coverage import service
from loket.coverage.models import ExplainedDayDone
from loket.jobs import queue
from loket.privacy import retention
from loket.privacy.retention import PURGED_MARK
from loket.privacy.tasks import PURGE_JOB
from tests.privacy.world import KIA_SHORT, KIA_SITI, cancel, request_with_files, snapshot, stored_files
from tests.whatsapp.inbound import deliver, envelope, inbound_settings, office_numbers, post, text  # noqa: F401

pytestmark = pytest.mark.django_db
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


@pytest.fixture
def periods(settings):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 10
    settings.LOKET_RETAIN_MESSAGES_DAYS = 20
    settings.LOKET_RETAIN_DELIVERIES_DAYS = 5
    return settings


@pytest.fixture(autouse=True)
def commits(django_capture_on_commit_callbacks):
    """Files leave storage once the purge's transaction commits; the test's own transaction
    never does, so each purge below runs its commit callbacks on the way out."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def counts() -> dict[str, int]:
    return retention.purge(dry_run=True).counts


def purge_command(commits, *args: str) -> str:
    out = io.StringIO()
    commits(call_command, "privacy", "purge", *args, stdout=out)
    return out.getvalue()


def latest(model, field: str) -> dt.datetime:
    return model.objects.order_by(f"-{field}").values_list(field, flat=True).first()


def test_documents_and_the_requests_personal_fields_go_exactly_when_their_period_ends(
    fake_graph, periods, commits
):
    case = request_with_files(fake_graph)
    cancel(case)
    files = stored_files()
    assert len(files) == 2
    closed = case.state_changed_at
    with time_machine.travel(closed + dt.timedelta(days=10) - SECOND, tick=False):
        assert (counts()["documents"], counts()["cases"]) == (0, 0)
        commits(retention.purge)
    assert stored_files() == files and Document.objects.filter(purged_at__isnull=False).count() == 0
    with time_machine.travel(closed + dt.timedelta(days=10), tick=False):
        assert (counts()["documents"], counts()["cases"]) == (2, 1)
        outcome = commits(retention.purge)
    assert (outcome.counts["documents"], outcome.counts["cases"]) == (2, 1)
    assert stored_files() == set()
    documents = list(Document.objects.all())
    assert len(documents) == 2 and all(d.caption == PURGED_MARK and not d.file for d in documents)
    assert {d.label for d in documents} == {"akta_kelahiran", "kk"}  # the kinds stay, for counts
    case.refresh_from_db()
    assert (case.subject, case.fields, case.derived, case.raw_text) == ("", {}, {}, "")
    # The record stays: number, service, area, dates, states and their history.
    assert case.request_number.startswith("KIA-") and case.state == State.CANCELLED
    assert case.kode_kecamatan == "36.03.01" and case.events.filter(to_state=State.CANCELLED).exists()
    with time_machine.travel(closed + dt.timedelta(days=11), tick=False):
        assert (counts()["documents"], counts()["cases"]) == (0, 0)  # once only


def test_message_texts_and_raw_deliveries_go_exactly_when_their_periods_end(fake_graph, periods, commits):
    deliver(text("STATUS"))
    received = latest(InboundMessage, "received_at")
    delivered = latest(Delivery, "received_at")
    written = latest(OutboundMessage, "created_at")
    with time_machine.travel(delivered + dt.timedelta(days=5) - SECOND, tick=False):
        assert counts()["deliveries"] == 0
    with time_machine.travel(delivered + dt.timedelta(days=5), tick=False):
        assert counts()["deliveries"] == 1 and counts()["messages"] == 0
        commits(retention.purge)
    delivery = Delivery.objects.get()
    assert bytes(delivery.body) == b"" and delivery.purged_at is not None
    assert InboundMessage.objects.get().payload["text"]["body"] == "STATUS"  # its own period
    with time_machine.travel(received + dt.timedelta(days=20) - SECOND, tick=False):
        assert counts()["messages"] == 0
    with time_machine.travel(max(received, written) + dt.timedelta(days=20), tick=False):
        assert (counts()["messages"], counts()["replies"]) == (1, 1)
        commits(retention.purge)
    inbound, reply = InboundMessage.objects.get(), OutboundMessage.objects.get()
    assert inbound.payload == {} and inbound.summary == PURGED_MARK and inbound.type == "text"
    assert reply.text == PURGED_MARK and reply.status in ("sent", "delivered", "read")


def test_the_resident_is_anonymised_once_nothing_of_theirs_is_kept(fake_graph, periods, commits):
    case = request_with_files(fake_graph)
    cancel(case)
    resident = Resident.objects.get()
    # The resident's own period runs from their last message (or their creation); the closed
    # request's shorter period (10 days) has ended well before that.
    last = max(resident.last_inbound_at, resident.created_at)
    assert case.state_changed_at + dt.timedelta(days=10) < last + dt.timedelta(days=20) - SECOND
    with time_machine.travel(last + dt.timedelta(days=20) - SECOND, tick=False):
        assert counts()["residents"] == 0
    with time_machine.travel(last + dt.timedelta(days=20), tick=False):
        assert counts()["residents"] == 1
        commits(retention.purge)
    resident.refresh_from_db()
    assert (resident.wa_id, resident.phone, resident.bsuid, resident.profile_name) == ("", "", "", "")
    assert resident.user_id == f"dihapus-{resident.pk}" and resident.purged_at is not None
    # Writing again later is a new resident: nothing links back.
    deliver(text("STATUS"))
    assert Resident.objects.count() == 2


def test_an_open_request_is_never_purged_however_old(fake_graph, periods, commits):
    case = request_with_files(fake_graph)
    assert case.state in (State.WAITING_DOCUMENTS, State.QUEUED)
    with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
        found = counts()
        commits(retention.purge)
    assert (found["documents"], found["cases"], found["residents"]) == (0, 0, 0)
    case.refresh_from_db()
    assert case.subject == "3603011105200003" and case.fields["nama"] == "BUDI SANTOSO"
    assert len(stored_files()) == 2 and not Document.objects.filter(purged_at__isnull=False).exists()


def test_a_delivery_not_yet_dispatched_is_never_purged(periods, commits):
    assert post(envelope(text("STATUS"))).status_code == 200  # stored, the worker has not run
    with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
        assert counts()["deliveries"] == 0
        commits(retention.purge)
    assert bytes(Delivery.objects.get().body) != b""


def test_a_quarantined_delivery_is_never_purged(fake_graph, periods, commits):
    if "quarantined_at" not in {f.name for f in Delivery._meta.get_fields()}:
        pytest.skip("deliveries have no quarantine on this branch (it lands with the ingest work)")
    deliver(text("STATUS"))
    Delivery.objects.update(quarantined_at=timezone.now())
    with time_machine.travel(timezone.now() + dt.timedelta(days=400), tick=False):
        assert counts()["deliveries"] == 0
        commits(retention.purge)
    assert bytes(Delivery.objects.get().body) != b""


def test_dry_run_prints_the_counts_and_changes_nothing(fake_graph, settings, commits):
    """The contract: with LOKET_RETAIN_DOCUMENTS_DAYS=0 a cancelled case's documents are
    counted by --dry-run and still there afterwards; the purge then removes them."""
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 0
    case = request_with_files(fake_graph)
    cancel(case)
    before = snapshot()
    assert len(before["files"]) == 2
    out = purge_command(commits, "--dry-run")
    assert "dry run" in out and [line.split()[:2] for line in out.splitlines() if "documents" in line] == [
        ["documents", "2"]
    ]
    assert snapshot() == before
    out = purge_command(commits)
    assert [line.split()[:2] for line in out.splitlines() if "documents" in line] == [["documents", "2"]]
    assert stored_files() == set() and Document.objects.count() == 2
    assert "documents          0" in purge_command(commits, "--dry-run")


def test_a_backlog_is_purged_in_chunks(fake_graph, settings, monkeypatch, commits):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 0
    monkeypatch.setattr(retention, "CHUNK", 1)
    case = request_with_files(fake_graph)
    cancel(case)
    assert commits(retention.purge).counts["documents"] == 2
    assert stored_files() == set() and not Document.objects.filter(purged_at__isnull=True).exists()


def test_a_negative_period_is_a_clear_error(settings, commits):
    settings.LOKET_RETAIN_MESSAGES_DAYS = -1
    with pytest.raises(Exception, match="LOKET_RETAIN_MESSAGES_DAYS must be a whole number"):
        purge_command(commits, "--dry-run")


def test_the_dashboards_read_the_same_after_the_texts_are_gone(fake_graph, periods, commits):
    deliver(text(KIA_SITI))
    deliver(text(KIA_SHORT))  # explained automatically
    deliver(text("halo, mau buat kia"))  # starts the guided conversation: no format explained
    today = timezone.localdate()
    window = service.Window(today - dt.timedelta(days=1), today)

    def figures():
        return {r.service: (r.values, r.auto_share) for r in service.by_service(window)}

    before = figures()  # today: counted live from the texts
    assert before["KIA"][0]["auto_explained"] == 1 and before["Semua"][0]["auto_explained"] == 1
    later = timezone.now() + dt.timedelta(days=21)
    with time_machine.travel(later, tick=False):
        assert not ExplainedDayDone.objects.filter(day=today).exists()
        outcome = commits(retention.purge)
        assert outcome.counts["messages"] >= 3 and outcome.counts["replies"] >= 3
        assert not InboundMessage.objects.filter(purged_at__isnull=True).exists()
        assert figures() == before


def test_the_daily_job_purges(fake_graph, settings, commits):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 0
    assert queue._PERIODIC[PURGE_JOB] == 24 * 3600
    case = request_with_files(fake_graph)
    cancel(case)
    queue.enqueue(PURGE_JOB, {})
    commits(queue.run_pending)
    assert stored_files() == set()
    assert Case.objects.get().purged_at is not None
