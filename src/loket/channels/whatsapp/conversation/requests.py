"""The resident's own requests by keyword: STATUS lists them, BATAL cancels one, PETUGAS asks
for an officer."""

from __future__ import annotations

from django.utils import timezone

from loket.cases.models import Case, IllegalTransition, Resident, State
from loket.cases.opening import missing_documents
from loket.channels.whatsapp.conversation.identity import open_cases, same_person
from loket.channels.whatsapp.conversation.shared import REQUEST_NUMBER, OnDemand, reply
from loket.channels.whatsapp.conversation.wording import status_text
from loket.channels.whatsapp.hours import officer_time_text
from loket.channels.whatsapp.models import Conversation


def status(resident: Resident) -> None:
    """STATUS: the overview; with several open requests, a list asks which one to show in full."""
    from loket.channels.whatsapp.conversation import guided  # guided's menu offers STATUS

    text = status_text(resident)
    cases = list(open_cases(resident))
    if 2 <= len(cases) <= 10 and len(text) <= 700:
        guided.pick_case(resident, cases, f"{text}\n\nPilih permohonan untuk melihat rinciannya.")
        return
    reply(resident, text)


def case_status(case: Case) -> str:
    """One request in full: its state, what it still needs, when an officer looks."""
    lines = [f"{case.request_number} ({case.service}): {State(case.state).label}."]
    name = (case.fields or {}).get("nama") or (case.fields or {}).get("nama_kepala_keluarga")
    if name:
        lines.append(f"Atas nama: {name}.")
    if case.state in (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION):
        missing = missing_documents(case)
        if missing:
            lines.append("Masih kurang: " + ", ".join(item.label for item in missing) + ".")
    lines.append(f"Untuk membatalkan, ketik BATAL {case.request_number}.")
    return "\n".join(lines)


def cancel(resident: Resident, words: str) -> None:
    found = REQUEST_NUMBER.search(words)
    if not found:
        reply(
            resident,
            "Ketik BATAL lalu nomor permohonan, contoh: BATAL KIA-20261130-0042.\n\n" + status_text(resident),
        )
        return
    number = found.group(1)
    case = Case.objects.filter(request_number=number, resident__in=same_person(resident)).first()
    if case is None:
        reply(
            resident, f"Nomor permohonan {number} tidak kami temukan. Ketik STATUS untuk melihat nomor Anda."
        )
        return
    try:
        case.move_to(State.CANCELLED, source="channel", note="Dibatalkan pemohon lewat WhatsApp.")
    except IllegalTransition as exc:
        reply(resident, str(exc), case=case)
        return
    reply(resident, f"Permohonan {number} sudah dibatalkan.", case=case)


def want_officer(resident: Resident, conversation: Conversation | OnDemand) -> None:
    conversation.needs_officer = True
    conversation.officer_requested_at = timezone.now()
    conversation.save(update_fields=["needs_officer", "officer_requested_at"])
    reply(
        resident,
        "Baik, pesan Anda kami teruskan ke petugas. Petugas akan membalas "
        f"{officer_time_text(timezone.now(), resident.office_id)}. Mohon ditunggu.",
    )
