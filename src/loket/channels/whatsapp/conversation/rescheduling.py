"""JADWAL ULANG and the chosen session: the scheduling capability decides, the channel routes."""

from __future__ import annotations

from loket.cases.models import Case, Resident, State
from loket.channels.whatsapp.conversation.identity import same_person
from loket.channels.whatsapp.conversation.shared import REQUEST_NUMBER, reply
from loket.scheduling.models import Booking
from loket.scheduling.rescheduling import choose_session as book_chosen_session
from loket.scheduling.rescheduling import offer_sessions

# Ids of the list rows `scheduling.rescheduling.offer_sessions` sends: `jadwal:<booking>:...`.
SESSION_CHOICE = "jadwal:"


def reschedulable_cases(resident: Resident) -> list[Case]:
    """The person's approved requests that have a session to move, most recently approved first.

    Requests on the number written to come before those on the office's other numbers.
    """
    cases = (
        Case.objects.filter(
            resident__in=same_person(resident),
            state__in=[State.APPROVED, State.READY_FOR_PICKUP],
            bookings__status=Booking.Status.ACTIVE,
        )
        .select_related("resident")
        .distinct()
    )
    return sorted(cases, key=lambda c: (c.resident_id == resident.pk, c.state_changed_at, c.pk), reverse=True)


def reschedule(resident: Resident, words: str) -> None:
    cases = reschedulable_cases(resident)
    named = REQUEST_NUMBER.search(words)
    if named:
        cases = [c for c in cases if c.request_number == named.group(1)]
        if not cases:
            reply(
                resident,
                f"Permohonan {named.group(1)} tidak punya jadwal yang bisa diganti. "
                "Ketik STATUS untuk melihat permohonan Anda.",
            )
            return
    if not cases:
        reply(
            resident,
            "Belum ada permohonan Anda yang disetujui dan punya jadwal, jadi belum ada jadwal yang bisa "
            "diganti. Ketik STATUS untuk melihat permohonan Anda.",
        )
        return
    chosen = cases[0]
    if len(cases) > 1:
        others = ", ".join(c.request_number for c in cases[1:])
        reply(
            chosen.resident,
            f"Anda punya {len(cases)} permohonan dengan jadwal. Pilihan di bawah ini untuk permohonan "
            f"terbaru, {chosen.request_number}. Untuk permohonan lain ({others}), ketik JADWAL ULANG "
            "lalu nomornya, contoh: JADWAL ULANG " + cases[1].request_number + ".",
            case=chosen,
        )
    offer_sessions(chosen)


def choose_session(resident: Resident, choice: str) -> None:
    booking_id = choice[len(SESSION_CHOICE) :].split(":", 1)[0]
    booking = (
        Booking.objects.filter(pk=int(booking_id), case__resident__in=same_person(resident))
        .select_related("case__resident")
        .first()
        if booking_id.isdigit()
        else None
    )
    if booking is None:
        reply(resident, "Pilihan jadwal tidak dikenali. Ketik JADWAL ULANG untuk melihat pilihan lagi.")
        return
    book_chosen_session(booking.case, choice)
