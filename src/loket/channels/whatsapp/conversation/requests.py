"""The resident's own requests by keyword: STATUS lists them, BATAL cancels one, PETUGAS asks
for an officer."""

from __future__ import annotations

from django.utils import timezone

from loket.cases.models import Case, IllegalTransition, Resident, State
from loket.channels.whatsapp.conversation.identity import same_person
from loket.channels.whatsapp.conversation.shared import REQUEST_NUMBER, OnDemand, reply
from loket.channels.whatsapp.conversation.wording import status_text
from loket.channels.whatsapp.hours import officer_time_text
from loket.channels.whatsapp.models import Conversation


def status(resident: Resident) -> None:
    reply(resident, status_text(resident))


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
        f"{officer_time_text(timezone.now())}. Mohon ditunggu.",
    )
