"""The wording of Loket's replies built from a resident's requests (Bahasa Indonesia, short, kind).

Texts only: the concern modules decide when to send them.
"""

from __future__ import annotations

from urllib.parse import quote

from django.utils import timezone

from loket.cases.models import Case, Resident, State
from loket.cases.opening import missing_documents
from loket.channels.whatsapp.conversation.identity import FINISHED_DAYS, finished_cases, open_cases
from loket.channels.whatsapp.hours import turn_text
from loket.channels.whatsapp.models import PhoneNumber
from loket.domain.intake import SERVICES


def display(number: str) -> str:
    """6281282372016 -> 081282372016, as residents write it."""
    return "0" + number[2:] if number.startswith("62") else number


def _finished_line(case: Case) -> str:
    line = f"- {case.request_number}: {State(case.state).label} {timezone.localtime(case.state_changed_at):%d-%m-%Y}."
    if case.state == State.REJECTED and case.reject_reason:
        line += f" Alasan: {case.reject_reason.splitlines()[0]}"
    return line


def status_text(resident: Resident) -> str:
    """The answer to STATUS: open requests with what they still need, then recently finished ones."""
    cases = list(open_cases(resident))
    finished = list(finished_cases(resident))
    lines = []
    if not cases:
        lines.append("Saat ini tidak ada permohonan Anda yang sedang berjalan.")
    else:
        lines.append("Permohonan Anda yang sedang berjalan:")
    for n, case in enumerate(cases, 1):
        line = f"{n}. {case.request_number}: {State(case.state).label}."
        if case.state in (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION):
            missing = missing_documents(case)
            if missing:
                line += " Kurang: " + ", ".join(kind.label for kind in missing) + "."
        lines.append(line)
    if finished:
        lines.append(f"Selesai dalam {FINISHED_DAYS} hari terakhir:")
        lines += [_finished_line(case) for case in finished]
    if cases:
        lines.append("Untuk membatalkan, ketik BATAL lalu nomor permohonannya.")
    return "\n".join(lines)


def click_to_chat(number: str, text: str = "") -> str:
    """A wa.me link that opens a chat with the office number (prefilled with `text`)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    digits = "62" + digits[1:] if digits.startswith("0") else digits
    return f"https://wa.me/{digits}" + (f"?text={quote(text)}" if text else "")


def wrong_number_text(service: str, here: PhoneNumber, *, start_with: str = "") -> str:
    """This number does not serve `service`: which one does, with a click-to-chat link.

    `start_with`: the text the link prefills (a guided choice: the service's keyword, which
    starts its guided conversation there); without it the resident sends the same message."""
    right = [n for n in PhoneNumber.objects.filter(active=True) if n.serves(service)]
    served = ", ".join(here.services) or "-"
    if not right:
        return f"Nomor ini melayani {served}. Permohonan {service} belum dapat dilayani lewat WhatsApp."
    where = " atau ".join(display(n.display_number) for n in right)
    what = f"ketik {start_with}" if start_with else "kirim pesan yang sama"
    return (
        f"Nomor ini melayani {served}. Untuk permohonan {service}, mohon {what} ke "
        f"WhatsApp {where}: {click_to_chat(right[0].display_number, start_with)} Terima kasih."
    )


def understood_lines(service: str, fields: dict) -> list[str]:
    """'• NIK: 3603...' for each field as the intake declaration names it."""
    declaration = SERVICES.get(service)
    words = {f.key: f.words for f in declaration.fields} if declaration else {}
    lines = []
    for key, value in fields.items():
        if key.startswith("kode_") or value in (None, "", [], {}) or isinstance(value, dict | list):
            continue
        lines.append(f"• {words.get(key, key.replace('_', ' ').capitalize())}: {value}")
    return lines


def acknowledgement(
    case: Case, *, created: bool, warnings: list[str] | tuple[str, ...] = (), one_by_one: bool = False
) -> str:
    """The answer to a request: its number, what we understood, what to send, the turn.

    `one_by_one` (a guided request): the data is not repeated (the resident confirmed it in
    the summary a moment ago), the documents are asked for next, one at a time."""
    head = "Permohonan Anda kami terima." if created else "Permohonan Anda kami perbarui."
    lines = [head, f"Nomor permohonan: *{case.request_number}*", ""]
    # A guided request's data was confirmed in the summary just before: not repeated.
    understood = [] if one_by_one else understood_lines(case.service, case.fields)
    if understood:
        lines += ["Yang kami catat:", *understood, ""]
    lines += [f"Catatan: {w}" for w in warnings]
    missing = missing_documents(case, [] if created else None)  # a new case has no files yet
    if missing and one_by_one:
        lines.append(f"Sesudah ini kami minta {len(missing)} dokumen, satu per satu.")
    elif missing:
        lines.append("Mohon kirim foto/PDF dokumen ini, masing-masing dengan keterangan:")
        lines += [f"{n}. {kind.label} (ketik: {kind.captions[0]})" for n, kind in enumerate(missing, 1)]
    else:
        lines.append("Dokumen sudah lengkap.")
    lines += [
        "",
        turn_text(case, timezone.now()),
        "Ketik STATUS untuk melihat kabar.",
    ]
    return "\n".join(lines).replace("\n\n\n", "\n\n")


def consent_thanks(case: Case, *, queued: bool, next_document: str | None = None) -> str:
    """`next_document`: the guided conversation's request for the next document, by name."""
    lines = [f"Terima kasih, persetujuan Anda untuk permohonan {case.request_number} sudah kami catat."]
    missing = missing_documents(case)
    if queued:
        lines.append("Dokumen sudah lengkap. Permohonan masuk antrean pemeriksaan petugas.")
    elif next_document:
        lines.append(next_document)
    elif missing:
        lines.append(
            "Silakan kirim foto/PDF: " + ", ".join(f"{k.label} ({k.captions[0]})" for k in missing) + "."
        )
    return "\n".join(lines)


def progress_lines(case: Case) -> list[str]:
    """Where a request stands after files arrived: queued, or what is still missing."""
    if case.state == State.QUEUED:
        return ["Dokumen sudah lengkap. Permohonan masuk antrean pemeriksaan petugas."]
    if case.state in (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION):
        missing = missing_documents(case)
        if missing:
            return ["Masih kurang: " + ", ".join(kind.label for kind in missing) + "."]
    return []
