"""Job handlers of the inbound side. Each is idempotent: a worker killed half-way through
leaves its job to be run again by another, and running it again changes nothing twice.

- `whatsapp.dispatch_deliveries` (periodic): split stored deliveries into messages/statuses.
- `whatsapp.handle_message` {message_id}: answer one message (ordered per resident).
- `whatsapp.download_media` {message_id}: fetch, check and store one file (the one file
  check, `loket.cases.document_files`: a refused file is kept flagged and never counts).
  A refusal of the Graph API opens the incident a send would (a refused token pauses
  sending and alerts operations), and a download that works proves the token again.
- `whatsapp.acknowledge_files` {resident_id}: one reply for the files sent together.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from loket.cases import document_files
from loket.cases.opening import file_received
from loket.channels.whatsapp import conversation, incidents, ingest, media, outbox
from loket.channels.whatsapp.models import Conversation, InboundMessage, Incident
from loket.core.rows import fetch_chain, update_row
from loket.core.storage import delete_files
from loket.domain import files
from loket.jobs import queue

log = logging.getLogger(__name__)

DISPATCH = ingest.DISPATCH
queue.periodic(DISPATCH, settings.LOKET_WA_DISPATCH_SECONDS)
# Files still downloading after this long are acknowledged later, not waited for.
STUCK_DOWNLOAD = dt.timedelta(minutes=10)


# One dispatch job works this long at most (in bounded transactions), then leaves the rest
# to the next one, so that a huge delivery never holds a worker near its lease.
DISPATCH_RUN_SECONDS = 5.0


@queue.handler(DISPATCH)
def dispatch_deliveries(payload: dict) -> None:
    started = time.monotonic()
    failed: list[int] = []  # the deliveries whose try failed in this run
    # Go on while there is work, but a failed try waits for the next job (a pause between tries).
    while ingest.dispatch_pending(failed=failed) and not failed:
        if time.monotonic() - started > DISPATCH_RUN_SECONDS:
            break


@queue.handler(ingest.HANDLE_MESSAGE)
def handle_message(payload: dict) -> None:
    try:
        _handle(payload)
    except Exception:
        # Rolled back, and retried by the queue; meanwhile an officer sees it at once.
        _flag_for_officer(payload["message_id"], "handling_failed")
        raise


def _flag_for_officer(message_id: int, flag: str) -> None:
    message = InboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return
    if flag not in message.flags:
        InboundMessage.objects.filter(pk=message_id).update(flags=[*message.flags, flag])
    if message.resident_id:
        Conversation.objects.update_or_create(
            resident_id=message.resident_id, defaults={"needs_officer": True}
        )


def _handle(payload: dict) -> None:
    with transaction.atomic():
        # Once per message, in one statement (core/rows.py): the message (locked), its
        # resident and their office (the regions, the notice and the calendar of the answer).
        message = fetch_chain(InboundMessage, payload["message_id"], ("resident", "office"), lock=True)
        if message is None or message.handled_at is not None:
            return  # handled by an earlier run (the worker died after committing)
        conversation.respond(message)
        message.handled_at = timezone.now()
        # Once per message, written out (no signal listens to InboundMessage saves).
        update_row(
            InboundMessage,
            message.pk,
            {"handled_at": message.handled_at, "flags": message.flags, "document": message.document_id},
        )


@queue.handler(conversation.DOWNLOAD_MEDIA)
def download_media(payload: dict) -> None:
    pk = payload["message_id"]
    # Count the attempt before trying, so that a worker killed mid-download counts too.
    if not InboundMessage.objects.filter(pk=pk, media_state=InboundMessage.Media.PENDING).update(
        media_attempts=F("media_attempts") + 1
    ):
        return
    message = InboundMessage.objects.get(pk=pk)
    body = conversation.content_of(message)
    try:
        fetched = media.fetch(
            str(body.get("id") or ""), kind=message.type, expected_sha256=str(body.get("sha256") or "")
        )
    except media.TooLarge as exc:
        _give_up(pk, str(exc), refusal=(files.TOO_LARGE, f"Lebih dari {files.megabytes(exc.limit)} MB."))
        return
    except media.MediaError as exc:
        if exc.refusal is not None:
            incidents.graph_refused(exc.refusal, phone_number_id=message.phone_number_id)
        if exc.permanent or message.media_attempts >= settings.LOKET_WA_MEDIA_ATTEMPTS:
            _give_up(pk, str(exc))
            return
        InboundMessage.objects.filter(pk=pk).update(media_error=str(exc)[:300])
        log.warning("media of message %s: attempt %s failed: %s", pk, message.media_attempts, exc)
        wait = max(queue.backoff(message.media_attempts), exc.wait)
        raise queue.RetryLater(wait, str(exc)) from None
    # The token worked for this download: a token incident (from a send or a download) is over.
    incidents.close_incidents(Incident.Kind.TOKEN)
    stored = ""
    try:
        # Sniff, open, re-encode: CPU work on hostile input; then the bytes go to the storage
        # (a bucket answers in tens of milliseconds): both before any row is locked.
        verdict = document_files.check(fetched.data)
        document = message.document
        assert document is not None  # a pending file has its document (filing)
        stored = document_files.store(
            document, verdict, stem=f"{document.label or message.type}-{message.pk}"
        )
        if not _store(pk, fetched, verdict, stored):
            delete_files([stored])  # another run stored this file first: ours is a spare copy
    except Exception as exc:
        # Storage or database trouble: the same bounded retries as a failed download. A file
        # written before the database failed is no one's: it goes (the retry writes anew).
        log.exception("media of message %s could not be stored", pk)
        if stored:
            try:
                delete_files([stored])
            except Exception as cleanup:  # the database is down too: the orphan stays, counted by nothing
                log.warning("media of message %s: spare file not removed (%s)", pk, type(cleanup).__name__)
        if message.media_attempts >= settings.LOKET_WA_MEDIA_ATTEMPTS:
            _give_up(pk, f"storage: {type(exc).__name__}")
            return
        raise queue.RetryLater(queue.backoff(message.media_attempts), "storage failed") from None


def _store(pk: int, fetched: media.Fetched, verdict: files.Verdict, stored: str) -> bool:
    """Record the stored file on the document, if the message still waits for it (True)."""
    with transaction.atomic():
        message = (
            InboundMessage.objects.select_for_update(of=("self",))
            .select_related("document", "resident")
            .get(pk=pk)
        )
        if message.media_state != InboundMessage.Media.PENDING:
            return False
        document, resident = message.document, message.resident
        assert document is not None and resident is not None  # a pending file has both (filing)
        document_files.record(document, verdict, stored)
        document.sha256 = fetched.sha256  # of the bytes as received (Meta's digest)
        document.save()
        message.media_state, message.media_error = InboundMessage.Media.STORED, ""
        if not verdict.accepted and message.type in media.DOCUMENT_KINDS:
            # Kept for an officer, flagged; it counts toward nothing and the resident is told.
            message.flags = [*message.flags, "file_refused"]
            log.info("file of message %s refused: %s", pk, verdict.refusal)
        message.save(update_fields=["media_state", "media_error", "flags"])
        if document.case_id and verdict.accepted:
            file_received(document)
        conversation.schedule_acknowledgement(resident)
    return True


def _give_up(pk: int, reason: str, *, refusal: tuple[str, str] | None = None) -> None:
    """No file to keep: the download failed for good, or (`refusal`) the file is over the limit."""
    with transaction.atomic():
        message = (
            InboundMessage.objects.select_for_update(of=("self",))
            .select_related("document", "resident")
            .get(pk=pk)
        )
        if message.media_state != InboundMessage.Media.PENDING:
            return
        message.media_state, message.media_error = InboundMessage.Media.UNAVAILABLE, reason[:300]
        message.flags = [*message.flags, "file_too_large" if refusal else "media_unavailable"]
        message.save(update_fields=["media_state", "media_error", "flags"])
        if message.document and refusal:
            document_files.mark_refused(message.document, *refusal)
            message.document.save(update_fields=["status", "refusal", "refusal_note"])
        elif message.document:
            message.document.status = message.document.Status.UNAVAILABLE
            message.document.save(update_fields=["status"])
        if refusal:
            log.info("file of message %s refused: %s", pk, refusal[0])
        else:
            log.error("media of message %s unavailable after %s attempts", pk, message.media_attempts)
        assert message.resident is not None  # a pending file has a sender (filing)
        conversation.schedule_acknowledgement(message.resident)


@queue.handler(conversation.ACKNOWLEDGE_FILES)
def acknowledge_files(payload: dict) -> None:
    delay = settings.LOKET_WA_ACK_DELAY_SECONDS
    with transaction.atomic():
        talk = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("resident")
            .get(resident_id=payload["resident_id"])
        )
        now = timezone.now()
        waiting = list(
            InboundMessage.objects.filter(resident_id=talk.resident_id, acknowledged_at__isnull=True)
            .exclude(media_state="")
            .select_related("document")
        )
        still_downloading = [
            m
            for m in waiting
            if m.media_state == InboundMessage.Media.PENDING and now - m.received_at < STUCK_DOWNLOAD
        ]
        newest = max((m.received_at for m in waiting), default=now - dt.timedelta(days=1))
        if still_downloading or now - newest < dt.timedelta(seconds=delay):
            # More files of the same batch are on their way: answer once, for all of them.
            raise queue.RetryLater(delay, "waiting for the rest of the files")
        done = [m for m in waiting if m.media_state != InboundMessage.Media.PENDING]
        text, case = conversation.files_acknowledgement(done)
        if text:
            outbox.enqueue(talk.resident, text=text, case=case)
        InboundMessage.objects.filter(pk__in=[m.pk for m in done]).update(acknowledged_at=now)
        talk.ack_job_key = ""
        # A download stuck past STUCK_DOWNLOAD schedules its own acknowledgement when it ends.
        talk.save(update_fields=["ack_job_key"])
