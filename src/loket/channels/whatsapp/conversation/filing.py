"""Files a resident sends: which request each joins, the download job, one acknowledgement per batch."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from loket.cases import document_files
from loket.cases.models import OPEN_STATES, Case, Document, Resident, State
from loket.channels.whatsapp import media
from loket.channels.whatsapp.conversation import documents, guided
from loket.channels.whatsapp.conversation.identity import same_person
from loket.channels.whatsapp.conversation.shared import REQUEST_NUMBER, OnDemand, content_of, hand_to_officer
from loket.channels.whatsapp.conversation.wording import progress_lines
from loket.channels.whatsapp.models import Conversation, InboundMessage, OutboundMessage
from loket.domain import files
from loket.domain.checklists import KINDS, kind_from_caption
from loket.jobs import queue

DOWNLOAD_MEDIA = "whatsapp.download_media"
ACKNOWLEDGE_FILES = "whatsapp.acknowledge_files"


def case_for_file(message: InboundMessage, resident: Resident, caption: str) -> Case | None:
    """The case a file belongs to: named in the caption, the quoted reply, else the latest waiting."""
    named = named_case(message, resident, caption)
    if named is not None:
        return named
    waiting = waiting_cases(resident)
    return waiting[0] if waiting else None


def waiting_cases(resident: Resident) -> list[Case]:
    """This address's requests waiting for files, the latest first (at most ten: one list)."""
    return list(
        Case.objects.filter(
            resident=resident, state__in=[State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION]
        ).order_by("-updated_at", "-pk")[:10]
    )


def named_case(message: InboundMessage, resident: Resident, caption: str) -> Case | None:
    """The open case a file names: a request number in the caption, or the message it replies to."""
    mine = Case.objects.filter(resident__in=same_person(resident))
    named = REQUEST_NUMBER.search(caption.upper())
    if named:
        case = mine.filter(request_number=named.group(1), state__in=sorted(OPEN_STATES)).first()
        if case:
            return case
    quoted = (message.payload.get("context") or {}).get("id")
    if quoted:
        case = _case_of_quoted(quoted, mine)
        if case:
            return case
    return None


def _case_of_quoted(wamid: str, mine: QuerySet[Case]) -> Case | None:
    """The case of our message the resident replied to (WhatsApp's quoted-message context)."""
    sent = OutboundMessage.objects.filter(wamid=wamid, case__isnull=False).first()
    if (
        sent
        and sent.case_id is not None
        and mine.filter(pk=sent.case_id, state__in=sorted(OPEN_STATES)).exists()
    ):
        return sent.case
    return None


def receive_file(message: InboundMessage, conversation: Conversation | OnDemand) -> None:
    """Record the file as a document (joined to its case when we can tell) and queue its download."""
    resident = message.resident
    assert resident is not None  # only a resident's messages are routed here
    body = content_of(message)
    caption = str(body.get("caption") or "")
    ask_among: list[Case] = []
    if message.type in ("image", "document"):
        kind = kind_from_caption(caption) or kind_from_caption(str(body.get("filename") or ""))
        asked = (
            None
            if kind or REQUEST_NUMBER.search(caption.upper())
            else documents.file_to_guided_case(resident)
        )
        case: Case | None
        if asked is not None:
            # The guided conversation asked for this document by name: no caption needed.
            case, label = asked
            kind = KINDS.get(label)
        else:
            case = named_case(message, resident, caption)
            if case is None:
                waiting = waiting_cases(resident)
                if len(waiting) >= 2 and guided.may_ask_which(resident):
                    ask_among = waiting  # several wait and nothing says which: ask, never guess
                else:
                    case = waiting[0] if waiting else None
        if case is None and not ask_among:
            hand_to_officer(conversation)  # no case to join: an officer files it
    else:
        # Voice notes and videos are kept for an officer, not filed as a required document.
        case, kind, asked = None, None, None
        hand_to_officer(conversation)
    document = Document.objects.create(
        resident=resident,
        case=case,
        label=kind.key if kind else "",
        caption=caption[:500],
        mime_type=str(body.get("mime_type") or "")[:100],
        source_message_id=message.wamid[:128],
    )
    message.document = document
    if ask_among:
        guided.which_request_for_file(resident, ask_among, document)
    queue.enqueue(
        DOWNLOAD_MEDIA, {"message_id": message.pk}, key=f"wa-media:{message.wamid}"[:200], priority=4
    )


def schedule_acknowledgement(resident: Resident) -> None:
    """One acknowledgement for files sent together: a delayed job, at most one waiting per resident."""
    conversation, _ = Conversation.objects.get_or_create(resident=resident)
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    if conversation.ack_job_key:
        return
    now = timezone.now()
    key = f"wa-ack:{resident.pk}:{now.timestamp():.6f}"
    queue.enqueue(
        ACKNOWLEDGE_FILES,
        {"resident_id": resident.pk},
        key=key,
        run_after=now + dt.timedelta(seconds=settings.LOKET_WA_ACK_DELAY_SECONDS),
        priority=2,
    )
    conversation.ack_job_key = key
    conversation.save(update_fields=["ack_job_key"])


def _refused(message: InboundMessage) -> bool:
    """A photo or document the file check refused (wrong type, broken, over a limit)."""
    return (
        message.type in media.DOCUMENT_KINDS
        and message.document is not None
        and message.document.status == Document.Status.REFUSED
    )


def file_name(message: InboundMessage) -> str:
    """How the resident recognises one of their files: its caption, its name, else when it came."""
    body = content_of(message)
    for named in (body.get("caption"), body.get("filename")):
        if named and str(named).strip():
            return f'"{str(named).strip()[:60]}"'
    what = "foto" if message.type == "image" else "dokumen"
    return f"{what} yang Anda kirim pukul {timezone.localtime(message.sent_at):%H:%M}"


def files_acknowledgement(messages: list[InboundMessage]) -> tuple[str, Case | None]:
    """The one reply for a batch of files: what arrived where, what was refused and why,
    what failed, what is still missing."""
    # A voice note was answered when it came (conversation.router): not a file of the batch.
    messages = [m for m in messages if m.type != "audio"]
    refused = [m for m in messages if _refused(m)]
    stored = [m for m in messages if m.media_state == InboundMessage.Media.STORED and m not in refused]
    failed = [m for m in messages if m.media_state == InboundMessage.Media.UNAVAILABLE and m not in refused]
    lines: list[str] = []
    by_case: dict[int | None, list[InboundMessage]] = {}
    for m in stored:
        by_case.setdefault(m.document.case_id if m.document else None, []).append(m)
    last_case = None
    awaiting_pick = documents.files_awaiting_pick(messages[0].resident) if messages else set()
    for case_id, group in by_case.items():
        if case_id is None and all(m.document and m.document.pk in awaiting_pick for m in group):
            lines.append(
                f"Kami terima {len(group)} berkas. Mohon pilih untuk permohonan yang mana pada pesan kami sebelumnya."
            )
            continue
        if case_id is None:
            lines.append(f"Kami terima {len(group)} berkas. Petugas akan memeriksa dan mencatatnya.")
            continue
        case = Case.objects.get(pk=case_id)
        last_case = case
        lines.extend(_stored_lines(case, group))
    for m in refused:
        assert m.document is not None  # (`_refused`)
        limits = document_files.limits(max_bytes=media.size_limit(m.type))
        lines.append(files.refusal_message(file_name(m), m.document.refusal, limits))
    for case_id in dict.fromkeys(m.document.case_id for m in refused if m.document is not None):
        if case_id is not None and case_id not in by_case:
            # Only refused files for this case: say what it still needs.
            last_case = Case.objects.get(pk=case_id)
            lines.extend(progress_lines(last_case))
    if failed:
        lines.append(
            f"Maaf, {len(failed)} berkas tidak berhasil kami terima. Mohon kirim ulang berkas tersebut "
            "(foto JPG/PNG atau PDF)."
        )
    first = messages[0].resident if messages else None
    guided_case = documents.guided_case(first) if first is not None else None
    if guided_case is not None and lines:
        # The guided conversation asks for the next document by name.
        guided_case.refresh_from_db()
        prompt = documents.prompt(guided_case)
        if prompt:
            lines.append(f"Berikutnya: {prompt}")
            last_case = guided_case
    return "\n".join(lines), last_case


def _stored_lines(case: Case, group: list[InboundMessage]) -> list[str]:
    labels = [KINDS[m.document.label].label for m in group if m.document and m.document.label in KINDS]
    unlabelled = len(group) - len(labels)
    line = f"Kami terima {len(group)} berkas untuk permohonan {case.request_number}"
    line += (": " + ", ".join(labels) + ".") if labels else "."
    lines = [line]
    if unlabelled:
        lines.append(
            f"{unlabelled} berkas tanpa keterangan; petugas akan mencatatnya, atau kirim ulang dengan "
            "keterangan seperti AKTA, KK, KTP AYAH, KTP IBU."
        )
    return lines + progress_lines(case)
