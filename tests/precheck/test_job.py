"""The pre-check job `precheck.document`: enqueued once a document counts, once per document
and file; bounded in time and memory in a child process; every failure ends as a reading
marked failed or timed out with a reason, never an exception, and the case stays workable.
A pre-check never writes to the resident."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from loket.cases import workflow
from loket.cases.models import Case, Document, State
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import Role
from loket.console.queue import take_next
from loket.jobs.models import Job
from loket.jobs.queue import run_pending
from loket.precheck.models import CaseCheck, DocumentReading
from loket.precheck.tasks import READ_JOB, SUMMARY_JOB
from tests import hostile_files
from tests.console.builders import KEC_A, add_document, make_case, make_staff, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # each reading starts the OCR engine in a child
KINDS = [READ_JOB, SUMMARY_JOB]


@pytest.fixture(autouse=True)
def patient(settings):
    """The tests share two cores with the whole suite: a reading that succeeds in 5 s alone
    may take 20 under that load. Still inside the job's lease."""
    settings.LOKET_PRECHECK_SECONDS = 50


def run_prechecks():
    return run_pending(names=KINDS)


def reading_jobs() -> list[Job]:
    return list(Job.objects.filter(name=READ_JOB).order_by("pk"))


def test_a_counted_document_is_read_once_however_often_it_is_saved(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(state=State.QUEUED, docs=("kk",))
    assert len(reading_jobs()) == 1
    kk = case.documents.get(label="kk")
    with django_capture_on_commit_callbacks(execute=True):
        kk.save()  # saved again (a status, a caption): the same file, the same job
        kk.save()
    assert len(reading_jobs()) == 1
    run_prechecks()
    assert DocumentReading.objects.filter(document=kk).count() == 1
    # A job run twice (a lost lease, a duplicate): still one reading.
    Job.objects.filter(name=READ_JOB).update(state=Job.State.PENDING, attempts=0)
    run_prechecks()
    assert DocumentReading.objects.filter(document=kk).count() == 1
    reading = DocumentReading.objects.get()
    assert reading.status == DocumentReading.Status.DONE and reading.engine == "rapidocr"
    # The file is a blank 16×16 JPEG: read by the real engine, nothing legible. No match is
    # claimed on it: the KK number is "tidak terbaca", never ✔.
    assert reading.numbers == [] and not reading.readable
    assert CaseCheck.objects.get(case=case).verdict != CaseCheck.Verdict.MATCH
    sign_in(client, make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A]))
    page = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    block = " ".join(page.split(f'id="precheck-{kk.pk}"')[1].split("</div>")[0].split())
    assert "✔" not in block and "cocok" not in block
    assert 'Nomor KK: <span class="warn">tidak terbaca</span>' in block
    assert "tulisan tidak terbaca" in block


def test_refused_unfiled_or_fileless_documents_are_not_read(django_capture_on_commit_callbacks):
    case = make_case(state=State.WAITING_DOCUMENTS, docs=())
    with django_capture_on_commit_callbacks(execute=True):
        add_document(case, "kk", status=Document.Status.REFUSED, refusal="not_allowed")
        Document.objects.create(resident=case.resident, label="kk")  # no file
        unfiled = Document(resident=case.resident, label="kk")
        unfiled.file.save("kk.jpg", ContentFile(hostile_files.jpeg()), save=True)
    assert reading_jobs() == []


def test_a_resend_is_read_again(django_capture_on_commit_callbacks):
    case = make_case(state=State.IN_REVIEW)
    kk = case.documents.get(label="kk")
    workflow.request_correction(case, [workflow.CorrectionItem("kk", ["buram"], document_id=kk.pk)])
    resent = Document(resident=case.resident, caption="KK", mime_type="image/jpeg", sha256="c" * 64)
    resent.file.save("kk-baru.jpg", ContentFile(hostile_files.jpeg()), save=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.attach_resent_document(case, resent)
    assert [job.payload["document"] for job in reading_jobs()] == [resent.pk]
    run_prechecks()
    assert DocumentReading.objects.get(document=resent).file_key == "c" * 64
    # The same document's file stored again (another hash): read again, the old reading stays
    # for the old file only.
    with django_capture_on_commit_callbacks(execute=True):
        resent.sha256 = "d" * 64
        resent.save()
    run_prechecks()
    assert sorted(DocumentReading.objects.filter(document=resent).values_list("file_key", flat=True)) == [
        "c" * 64,
        "d" * 64,
    ]


@pytest.mark.parametrize(
    "content",
    [hostile_files.BROKEN_PDF, hostile_files.truncated_jpeg(), hostile_files.polyglot()],
    ids=["broken-pdf", "truncated-jpeg", "polyglot"],
)
def test_a_hostile_file_ends_failed_with_a_reason_and_the_case_stays_workable(
    client, content, django_capture_on_commit_callbacks
):
    case = make_case(state=State.QUEUED, docs=("akta_kelahiran", "ktp_ayah", "ktp_ibu"))
    with django_capture_on_commit_callbacks(execute=True):
        bad = add_document(case, "kk", content=content)
    outcome = run_prechecks()
    assert outcome.failed == 0  # every job ends done: the failure is the reading's, not the job's
    reading = DocumentReading.objects.get(document=bad)
    assert reading.status != DocumentReading.Status.PENDING
    if reading.status == DocumentReading.Status.TIMEOUT:  # a loaded machine: also "tidak terbaca"
        assert reading.error.startswith("Tidak selesai")
    elif reading.status == DocumentReading.Status.FAILED:
        assert reading.error.startswith(("Berkas", "Pembaca", "Hasil"))
    else:  # a file the reader opened: it claims nothing
        assert reading.numbers == [] and reading.kind in ("unknown", "")
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A])
    sign_in(client, officer)
    page = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert f'id="precheck-{bad.pk}"' in page and "✔" not in page.split(f'id="precheck-{bad.pk}"')[1][:600]
    assert take_next(officer, Case.objects.filter(pk=case.pk)) is not None


def test_a_reading_that_takes_too_long_ends_timed_out(settings, django_capture_on_commit_callbacks):
    settings.LOKET_PRECHECK_SECONDS = 0.05  # less than the child needs to start
    case = make_case(state=State.QUEUED, docs=())
    with django_capture_on_commit_callbacks(execute=True):
        doc = add_document(case, "kk", content=hostile_files.jpeg())
    assert run_prechecks().failed == 0
    reading = DocumentReading.objects.get(document=doc)
    assert reading.status == DocumentReading.Status.TIMEOUT
    assert reading.error == "Tidak selesai dalam 0.05 detik."


def test_a_reading_over_its_memory_ends_failed(settings, django_capture_on_commit_callbacks):
    settings.LOKET_PRECHECK_MEMORY_MB = 16  # too little for the reader (or Python) to load
    case = make_case(state=State.QUEUED, docs=())
    with django_capture_on_commit_callbacks(execute=True):
        doc = add_document(case, "kk", content=hostile_files.jpeg())
    assert run_prechecks().failed == 0
    reading = DocumentReading.objects.get(document=doc)
    assert reading.status == DocumentReading.Status.FAILED
    assert "memori" in reading.error or reading.error.startswith("Pembaca")


def test_a_job_that_fails_for_good_leaves_the_reading_failed_not_pending(django_capture_on_commit_callbacks):
    case = make_case(state=State.QUEUED, docs=())
    with django_capture_on_commit_callbacks(execute=True):
        doc = add_document(case, "kk", content=hostile_files.jpeg())
    DocumentReading.objects.create(document=doc, file_key=reading_jobs()[0].payload["file"])
    doc.file.storage.delete(doc.file.name)  # the stored file is gone: every attempt raises
    Job.objects.filter(name=READ_JOB).update(max_attempts=1)
    assert run_prechecks().failed == 1
    reading = DocumentReading.objects.get(document=doc)
    assert reading.status == DocumentReading.Status.FAILED
    assert reading.error == "Pemeriksaan gagal berulang kali."


def test_a_precheck_never_writes_to_the_resident(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(state=State.QUEUED, docs=())
        add_document(case, "pas_foto", content=hostile_files.jpeg(size=(300, 400)))
        add_document(case, "akta_kelahiran", content=hostile_files.BROKEN_PDF, mime="application/pdf")
    before = OutboundMessage.objects.count()
    states = dict(Case.objects.values_list("pk", "state"))
    run_prechecks()
    assert DocumentReading.objects.count() == 2
    assert OutboundMessage.objects.count() == before
    assert (
        not Job.objects.filter(name__startswith="whatsapp.")
        .exclude(created_at__lt=case.created_at)
        .filter(name="whatsapp.send")
        .exists()
    )
    assert dict(Case.objects.values_list("pk", "state")) == states  # never rejects, never moves
