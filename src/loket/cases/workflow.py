"""What happens to a case between intake and approval: completeness, corrections, resends,
rejection, cancellation by the resident, duplicates and expiry.

Every state change goes through `Case.move_to`; every message to the resident through
`loket.messaging.port.tell`, inside the same transaction, so a rolled-back action sends nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from loket.cases.checklist import checklist_for, document_counts, is_complete, kind_label, label_for_caption
from loket.cases.models import OPEN_STATES, Case, Correction, Document, State
from loket.messaging import port
from loket.messaging.port import Purpose


class WorkflowError(ValueError):
    """An action the officer asked for cannot be done as given. `str()` is fit to show."""


# Reasons an officer may give per document: key -> (officer's label, what the resident reads).
REASONS: dict[str, tuple[str, str]] = {
    "buram": ("Buram", "fotonya buram, tulisannya tidak terbaca"),
    "terpotong": ("Terpotong", "fotonya terpotong, seluruh halaman harus terlihat"),
    "gelap": ("Terlalu gelap atau silau", "fotonya terlalu gelap atau silau"),
    "salah_dokumen": ("Bukan dokumen yang diminta", "yang terkirim bukan dokumen ini"),
    "kedaluwarsa": ("Sudah tidak berlaku", "dokumennya sudah tidak berlaku"),
    "nama_beda_kk": ("Nama berbeda dengan KK", "namanya berbeda dengan yang tertulis di KK"),
    "belum_dikirim": ("Belum dikirim", "belum kami terima"),
}

# What the resident should do next, per state (STATUS replies and the console).
NEXT_STEP: dict[str, str] = {
    State.WAITING_DOCUMENTS: "Kirim dokumen yang diminta di sini.",
    State.QUEUED: "Tunggu, petugas akan memeriksa permohonan Anda.",
    State.IN_REVIEW: "Petugas sedang memeriksa. Tunggu kabar dari kami.",
    State.NEEDS_CORRECTION: "Kirim ulang dokumen yang kami minta.",
    State.APPROVED: "Datang pada tanggal pengambilan dengan membawa bukti pengambilan.",
    State.READY_FOR_PICKUP: "Dokumen siap. Datang ke kantor dengan bukti pengambilan.",
}


def _now() -> dt.datetime:
    return timezone.now()


# --- completeness and resends -------------------------------------------------------------


def consent_missing(case: Case) -> bool:
    """The parent or guardian was asked for consent and has not given it (yet).

    Cases opened elsewhere (console, command line) carry no consent question and pass.
    """
    return port.consent_missing(case)


def refresh_completeness(case: Case, *, actor=None, source: str = "system") -> bool:
    """Move a case waiting for documents to the queue once every required document is there
    (per the configured checklist) and consent was given. Returns whether it moved."""
    with transaction.atomic():
        # The row lock makes a file arriving and a consent answer racing each other harmless.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        case.refresh_from_db()
        if case.state != State.WAITING_DOCUMENTS or not is_complete(case) or consent_missing(case):
            return False
        case.move_to(State.QUEUED, actor=actor, source=source, note="Dokumen lengkap.")
        return True


def attach_resent_document(case: Case, document: Document, *, source: str = "channel") -> Case:
    """File a document the resident sent to this case (the channel calls this).

    While the case needs correction, the case goes back to the front of the queue of the
    officer who asked, once everything asked for has arrived; while it waits for documents,
    it enters the queue when complete.
    """
    with transaction.atomic():
        # Two files arriving at once must not each miss the other and leave the case waiting.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        document.case = case
        if not document.label:
            document.label = label_for_caption(document.caption)
        document.save()
        case.refresh_from_db()
        if case.state == State.NEEDS_CORRECTION:
            correction = case.corrections.filter(resolved_at__isnull=True).last()
            asked = {item["label"] for item in correction.items} if correction else set()
            outstanding = [
                item
                for item in checklist_for(case)
                if not item.present or (asked & set(item.accepts) and not _arrived_since(item, correction))
            ]
            if not outstanding and not consent_missing(case):
                now = _now()
                case.move_to(State.QUEUED, source=source, note="Pemohon mengirim ulang dokumen.")
                Case.objects.filter(pk=case.pk).update(returned_at=now, assigned_to=None)
                if correction:
                    Correction.objects.filter(pk=correction.pk).update(resolved_at=now)
                case.refresh_from_db()
        elif case.state == State.WAITING_DOCUMENTS:
            refresh_completeness(case, source=source)
    return case


def _arrived_since(item, correction: Correction | None) -> bool:
    """A usable document for this item that came after the correction was asked."""
    since = correction.at if correction else None
    return any(document_counts(doc) and (since is None or doc.created_at >= since) for doc in item.documents)


# --- corrections -----------------------------------------------------------------------------


@dataclass
class CorrectionItem:
    label: str
    reasons: list[str]
    note: str = ""
    document_id: int | None = None


def correction_message(case: Case, items: list[CorrectionItem], note: str = "") -> str:
    lines = [
        f"Permohonan {case.request_number} perlu diperbaiki.",
        "Mohon kirim ulang di sini hanya dokumen berikut:",
    ]
    for number, item in enumerate(items, start=1):
        why = [REASONS[r][1] for r in item.reasons]
        if item.note:
            why.append(item.note)
        lines.append(f"{number}. {kind_label(item.label)}: {'; '.join(why)}.")
    if note:
        lines.append(note)
    lines.append('Tulis nama dokumen di keterangan foto, misalnya "KTP IBU".')
    lines.append("Dokumen lain sudah kami terima, tidak perlu dikirim lagi.")
    return "\n".join(lines)


def request_correction(
    case: Case, items: list[CorrectionItem], *, note: str = "", actor=None, source: str = "console"
) -> Correction:
    """Send the case back to the resident with one message naming only what to resend."""
    if not items:
        raise WorkflowError("Pilih minimal satu dokumen yang harus dikirim ulang.")
    for item in items:
        unknown = [r for r in item.reasons if r not in REASONS]
        if unknown:
            raise WorkflowError(f"Alasan tidak dikenal: {', '.join(unknown)}.")
        if not item.reasons and not item.note.strip():
            raise WorkflowError(f"Sebutkan alasan untuk {kind_label(item.label)}.")
    text = correction_message(case, items, note.strip())
    with transaction.atomic():
        case.move_to(State.NEEDS_CORRECTION, actor=actor, source=source, note=note)
        for item in items:
            docs = Document.objects.filter(case=case, label=item.label)
            if item.document_id:
                docs = docs.filter(pk=item.document_id)
            docs.update(
                status=Document.Status.NEEDS_CORRECTION,
                correction_reasons=item.reasons,
                correction_note=item.note[:500],
            )
        Case.objects.filter(pk=case.pk).update(preferred_officer=actor, reminder_sent_at=None)
        correction = Correction.objects.create(
            case=case,
            officer=actor,
            items=[item.__dict__ for item in items],
            note=note,
            message_text=text,
        )
        port.tell(case.resident, text=text, case=case, purpose=Purpose.CASE_UPDATE)
    return correction


# --- rejection -------------------------------------------------------------


def reject(case: Case, *, reason: str, instead: str, actor=None, source: str = "console") -> None:
    """Close the case with a reason the resident understands and what to do instead."""
    reason, instead = reason.strip(), instead.strip()
    if not reason or not instead:
        raise WorkflowError("Tulis alasan penolakan dan apa yang dapat dilakukan pemohon.")
    text = (
        f"Mohon maaf, permohonan {case.request_number} tidak dapat kami proses.\n"
        f"Alasannya: {reason}\nYang dapat Anda lakukan: {instead}"
    )
    with transaction.atomic():
        case.move_to(State.REJECTED, actor=actor, source=source, note=reason)
        Case.objects.filter(pk=case.pk).update(reject_reason=f"{reason}\n{instead}")
        port.tell(case.resident, text=text, case=case, purpose=Purpose.CASE_UPDATE)


# --- duplicates ---------------------------------------------------------------------------------


@dataclass
class Duplicate:
    case: Case
    why: str


def duplicates_for(case: Case) -> list[Duplicate]:
    """Other cases about the same subject and service: open ones, or recently issued documents."""
    if not case.subject:
        return []
    others = Case.objects.filter(service=case.service, subject=case.subject).exclude(pk=case.pk)
    found = [
        Duplicate(other, f"Permohonan lain masih berjalan ({State(other.state).label}).")
        for other in others.filter(state__in=OPEN_STATES - {State.APPROVED, State.READY_FOR_PICKUP})
    ]
    since = _now() - dt.timedelta(days=settings.LOKET_DUPLICATE_DAYS)
    issued = others.filter(
        state__in=[State.APPROVED, State.READY_FOR_PICKUP, State.COLLECTED], state_changed_at__gte=since
    )
    found += [
        Duplicate(other, f"Dokumen yang sama sudah diterbitkan {other.state_changed_at:%d-%m-%Y}.")
        for other in issued
    ]
    return found


# --- expiry ----------------------------------------------------------------------------------------

WAITING_ON_RESIDENT = (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION)


def expire_stale(now: dt.datetime | None = None) -> tuple[int, int]:
    """Remind residents who went quiet, then expire their cases. Returns (reminded, expired)."""
    now = now or _now()
    expire_before = now - dt.timedelta(days=settings.LOKET_CASE_EXPIRE_DAYS)
    remind_before = now - dt.timedelta(days=settings.LOKET_CASE_REMINDER_DAYS)
    days_left = max(1, settings.LOKET_CASE_EXPIRE_DAYS - settings.LOKET_CASE_REMINDER_DAYS)
    waiting = Case.objects.filter(state__in=WAITING_ON_RESIDENT)
    expired = 0
    # Never expire without a reminder the resident had time to act on.
    reminded_long_ago = now - dt.timedelta(days=days_left)
    for case in waiting.filter(state_changed_at__lt=expire_before, reminder_sent_at__lte=reminded_long_ago):
        with transaction.atomic():
            case.move_to(State.EXPIRED, source="system", note="Tidak ada jawaban dari pemohon.")
            port.tell(
                case.resident,
                case=case,
                purpose=Purpose.CASE_UPDATE,
                text=(
                    f"Permohonan {case.request_number} kami tutup karena dokumen tidak dikirim. "
                    "Anda dapat mengirim permohonan baru kapan saja."
                ),
            )
        expired += 1
    reminded = 0
    for case in waiting.filter(state_changed_at__lt=remind_before, reminder_sent_at__isnull=True):
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(reminder_sent_at=now)
            port.tell(
                case.resident,
                case=case,
                purpose=Purpose.REMINDER,
                text=(
                    f"Pengingat: permohonan {case.request_number} masih menunggu dokumen dari Anda. "
                    f"{NEXT_STEP[case.state]} Jika dalam {days_left} hari tidak ada kiriman, "
                    "permohonan akan ditutup."
                ),
            )
        reminded += 1
    return reminded, expired
