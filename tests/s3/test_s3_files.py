"""Files on S3-compatible storage (docs/operations.md): against moto's real S3 server over HTTP.

With LOKET_S3_BUCKET set every file Loket writes is a private object in the bucket and
nothing of it lands under LOKET_DATA_DIR; officers get the bytes only through the audited
console view; purges and erasures delete the objects; an outage or a missing bucket is
retried or reported, never papered over with the local disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import OperationalError
from django.utils import timezone

from loket.cases import checklist
from loket.cases.erasure import erase_resident
from loket.cases.models import Document, State
from loket.channels.whatsapp import inbound_jobs
from loket.channels.whatsapp.models import InboundMessage, OutboundMessage
from loket.console.models import AuditEntry, Role
from loket.core.storage import DELETE_FILES, storage_problem
from loket.jobs.models import Job
from loket.privacy import retention
from loket.scheduling.approval import approve_case
from tests.console.builders import KEC_B, add_document, make_case, make_staff, sign_in
from tests.console.fixtures import console_settings  # noqa: F401
from tests.privacy.world import cancel, request_with_files
from tests.s3.conftest import S3Server, point_storage_at
from tests.scheduling import builders as scheduling_builders
from tests.whatsapp.inbound import deliver, jpeg, office_numbers, photo, text, work

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"


@pytest.fixture(autouse=True)
def channel(settings, fake_graph):
    """The WhatsApp channel through the fake Graph API; the media folder left where the
    settings put it (under LOKET_DATA_DIR), so a fallback to the disk would show."""
    settings.LOKET_WA_ACK_DELAY_SECONDS = 0
    settings.LOKET_WA_VERIFY_TOKEN = "test-verify-token"
    settings.MEDIA_ROOT = Path(settings.DATA_DIR) / "media"
    office_numbers()


def data_dir_files() -> dict[str, tuple[int, int]]:
    """Every file under LOKET_DATA_DIR but the SQLite database's own (rows, not files)."""
    root = Path(settings.DATA_DIR)
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and ".sqlite3" not in p.name
    }


def anywhere_under_data_dir(needle: bytes) -> list[str]:
    root = Path(settings.DATA_DIR)
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_a_residents_document_is_an_object_in_the_bucket_and_nothing_of_it_under_the_data_dir(
    bucket, fake_graph
):
    before = data_dir_files()
    sent = jpeg((10, 120, 200))
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(photo(fake_graph, sent, caption="AKTA", ts=1764400020))

    document = Document.objects.get()
    assert InboundMessage.objects.get(type="image").media_state == "stored"
    assert document.status == Document.Status.RECEIVED and checklist.document_counts(document)
    assert document.sha256 == hashlib.sha256(sent).hexdigest()
    # One object, under the prefix, holding exactly the file the storage API reads back.
    (key,) = bucket.objects()
    assert key == f"berkas/{document.file.name}" and key.startswith(f"berkas/cases/{document.case_id}/")
    with document.file.open("rb") as fh:
        kept = fh.read()
    assert bucket.read(key) == kept and kept.startswith(b"\xff\xd8\xff") and document.size == len(kept)
    # Private: the owner alone has a grant, nobody (AllUsers/AuthenticatedUsers) else.
    acl = bucket.server.client().get_object_acl(Bucket=bucket.name, Key=key)
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert all("URI" not in g["Grantee"] for g in acl["Grants"])
    # Nothing of it under LOKET_DATA_DIR: no new or changed file, its bytes in none at all.
    assert data_dir_files() == before
    assert not anywhere_under_data_dir(kept) and not anywhere_under_data_dir(sent)
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.jpg"))


def test_the_storage_never_hands_out_a_url(bucket):
    case = make_case(state=State.IN_REVIEW, docs=("kk",))
    document = case.documents.get()
    with pytest.raises(NotImplementedError, match="audited views"):
        document.file.url  # noqa: B018


@time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False)
def test_a_receipt_pdf_is_stored_in_the_bucket_and_read_back_from_it(bucket):
    before = data_dir_files()
    case = scheduling_builders.case("KIA")
    approve_case(case, source="console")
    receipt = OutboundMessage.objects.get(case=case, kind="receipt")
    assert f"berkas/{receipt.document.name}" in bucket.objects()
    assert receipt.document.name.startswith("outbound/")
    pdf = bucket.read(f"berkas/{receipt.document.name}")
    assert pdf.startswith(b"%PDF-") and receipt.document.read() == pdf
    assert data_dir_files() == before


# --- officers: the one audited view streams the object; nobody else gets a byte --------------


def test_an_officer_downloads_a_file_streamed_from_the_bucket_and_audited(bucket, client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, officer)
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    content = b"%PDF-1.4 akta " + bytes(range(256)) * 64
    document = add_document(case, "akta_kelahiran", mime="application/pdf", content=content)
    assert f"berkas/{document.file.name}" in bucket.objects()

    answer = client.get(f"/console/permohonan/{case.pk}/dokumen/{document.pk}/")
    assert answer.status_code == 200 and answer.streaming
    assert b"".join(answer.streaming_content) == content
    assert answer["Content-Length"] == str(len(content)) and answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "private, no-store" and answer["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="view_document")
    assert entry.actor == officer and entry.document == document and entry.case == case
    # The case page links the audited view only: no bucket address, no signed URL.
    page = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert f"/console/permohonan/{case.pk}/dokumen/{document.pk}/" in page
    assert bucket.server.url not in page and "X-Amz" not in page and bucket.name not in page


@pytest.mark.parametrize("who", ["counter", "other_area", "anonymous"])
def test_no_other_role_or_area_gets_the_bytes(bucket, client, who):
    case = make_case(state=State.IN_REVIEW, docs=())
    document = add_document(case, "kk", mime="application/pdf", content=b"%PDF-1.4 rahasia")
    if who == "counter":
        sign_in(client, make_staff("loket", Role.COUNTER))
        url = f"/console/kotak-masuk/berkas/{document.pk}/"  # the inbox is not the counter's
        Document.objects.filter(pk=document.pk).update(case=None)
    elif who == "other_area":
        sign_in(client, make_staff("jauh", Role.OFFICER, services=["KIA"], kecamatan=[KEC_B]))
        url = f"/console/permohonan/{case.pk}/dokumen/{document.pk}/"
    else:
        url = f"/console/permohonan/{case.pk}/dokumen/{document.pk}/"
    answer = client.get(url)
    assert answer.status_code in {302, 403, 404}
    assert b"rahasia" not in (b"".join(answer.streaming_content) if answer.streaming else answer.content)
    assert not AuditEntry.objects.filter(action="view_document").exists()


# --- deletion: purge and erasure remove the objects -------------------------------------------


def test_the_retention_purge_deletes_the_objects(
    bucket, fake_graph, settings, django_capture_on_commit_callbacks
):
    case = request_with_files(fake_graph)
    assert len([k for k in bucket.objects() if k.startswith("berkas/cases/")]) == 2
    cancel(case)
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge().counts["documents"] == 2
    assert not [k for k in bucket.objects() if k.startswith("berkas/cases/")]
    assert not Job.objects.filter(name=DELETE_FILES).exists()


def test_an_erasure_deletes_the_residents_objects(bucket, fake_graph, django_capture_on_commit_callbacks):
    case = request_with_files(fake_graph)
    cancel(case)
    assert bucket.objects()
    with django_capture_on_commit_callbacks(execute=True):
        erased = erase_resident(case.resident)
    assert erased and bucket.objects() == []


def test_a_purge_during_an_outage_leaves_the_deletes_to_a_job_that_finishes_them(
    fake_graph, settings, monkeypatch, django_capture_on_commit_callbacks
):
    server = S3Server().start()
    try:
        name = server.new_bucket()
        point_storage_at(settings, monkeypatch, server, name)
        case = request_with_files(fake_graph)
        cancel(case)
        settings.LOKET_RETAIN_DOCUMENTS_DAYS = 0
        server.stop()
        with django_capture_on_commit_callbacks(execute=True):
            assert retention.purge().counts["documents"] == 2
        job = Job.objects.get(name=DELETE_FILES)
        assert len(job.payload["names"]) == 2 and job.state == Job.State.PENDING
        server.start()
        work()
        assert Job.objects.get(pk=job.pk).state == Job.State.DONE
        assert not [key for key in _stored_objects(server, name) if key.startswith("cases/")]
    finally:
        server.stop()


# --- outages and a missing bucket: retried or reported, never the local disk -----------------


@pytest.fixture
def outage_server(settings, monkeypatch):
    server = S3Server().start()
    server.bucket = server.new_bucket()
    point_storage_at(settings, monkeypatch, server, server.bucket)
    yield server
    server.stop()


def _stored_objects(server: S3Server, bucket: str) -> list[str]:
    return [o["Key"] for o in server.client().list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_the_storage_down_mid_download_retries_loses_nothing_and_counts_no_half_file(
    outage_server, fake_graph
):
    deliver(text(KIA_BUDI, ts=1764400000))
    before = data_dir_files()
    outage_server.stop()  # the bucket goes away between Meta's download and our store
    deliver(photo(fake_graph, jpeg((1, 200, 3)), caption="AKTA", ts=1764400020))

    message = InboundMessage.objects.get(type="image")
    document = Document.objects.get()
    job = Job.objects.get(name="whatsapp.download_media")
    assert message.media_state == "pending" and message.media_attempts == 1
    assert job.state == Job.State.PENDING and "storage failed" in job.last_error
    assert not document.file and not checklist.document_counts(document)
    assert data_dir_files() == before  # no fallback to the local disk

    outage_server.start()
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    work()
    message.refresh_from_db()
    document.refresh_from_db()
    assert message.media_state == "stored" and document.file and checklist.document_counts(document)
    assert _stored_objects(outage_server, outage_server.bucket) == [document.file.name]
    assert data_dir_files() == before


def test_the_storage_down_for_every_attempt_fails_visibly_and_keeps_the_message(
    outage_server, fake_graph, settings
):
    settings.LOKET_WA_MEDIA_ATTEMPTS = 2
    deliver(text(KIA_BUDI, ts=1764400000))
    outage_server.stop()
    deliver(photo(fake_graph, jpeg((1, 2, 250)), caption="AKTA", ts=1764400020))
    Job.objects.filter(name="whatsapp.download_media").update(run_after=timezone.now())
    work()
    message = InboundMessage.objects.get(type="image")
    document = Document.objects.get()
    assert message.media_state == "unavailable" and "media_unavailable" in message.flags
    assert message.media_error.startswith("storage:")
    assert document.status == Document.Status.UNAVAILABLE and not checklist.document_counts(document)
    assert Job.objects.get(name="whatsapp.download_media").state == Job.State.DONE  # handled: given up


def test_an_officer_download_while_the_storage_is_down_is_a_clean_503(outage_server, client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    sign_in(client, officer)
    case = make_case(state=State.IN_REVIEW, assigned_to=officer, docs=())
    document = add_document(case, "kk", mime="application/pdf", content=b"%PDF-1.4 isi")
    outage_server.stop()
    answer = client.get(f"/console/permohonan/{case.pk}/dokumen/{document.pk}/")
    assert answer.status_code == 503 and b"%PDF" not in answer.content
    assert answer["Retry-After"] == "30"


def test_a_bucket_that_does_not_exist_is_an_error_at_loket_check_and_no_fallback(
    s3_server, settings, monkeypatch, fake_graph
):
    point_storage_at(settings, monkeypatch, s3_server, "loket-nobody-made-this")
    assert storage_problem() == "bucket 'loket-nobody-made-this' does not exist"
    with pytest.raises(SystemCheckError, match=r"core\.E101.*does not exist"):
        call_command("check")
    # A resident's file is not written anywhere else: the download waits for the bucket.
    deliver(text(KIA_BUDI, ts=1764400000))
    before = data_dir_files()
    deliver(photo(fake_graph, jpeg((9, 9, 9)), caption="AKTA", ts=1764400020))
    assert InboundMessage.objects.get(type="image").media_state == "pending"
    assert not Document.objects.get().file and data_dir_files() == before


def test_loket_check_is_quiet_about_a_reachable_bucket_and_the_local_disk(bucket, settings):
    assert storage_problem() == ""
    call_command("check")  # raises SystemCheckError on any error
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert storage_problem() == ""


def test_a_database_failure_after_the_upload_leaves_no_orphan_object_and_retries(
    bucket, fake_graph, monkeypatch
):
    deliver(text(KIA_BUDI, ts=1764400000))
    real_store = inbound_jobs._store

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(inbound_jobs, "_store", database_gone)
    deliver(photo(fake_graph, jpeg((7, 7, 7)), caption="AKTA", ts=1764400020))
    assert bucket.objects() == []  # the uploaded copy was removed again
    assert InboundMessage.objects.get(type="image").media_state == "pending"

    monkeypatch.setattr(inbound_jobs, "_store", real_store)
    Job.objects.filter(name="whatsapp.download_media").update(run_after=timezone.now())
    work()
    document = Document.objects.get()
    assert bucket.objects() == [f"berkas/{document.file.name}"] and checklist.document_counts(document)
