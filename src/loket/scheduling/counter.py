"""The counter: hand the card over once, to a named person, recorded, and tell the resident.

Only a card marked printed ("siap diambil") leaves the counter; it may go before its
pickup date (the card is there: good service). The resident gets a message naming who
received it, so a card collected by someone else does not go unnoticed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from loket.cases.models import Case, State
from loket.messaging import port
from loket.scheduling.models import Booking, HandOver, Purpose, Receipt


class HandOverRefused(Exception):
    """`str()` explains to the officer why the card cannot be handed over."""


def hand_over(
    receipt: Receipt,
    *,
    officer,
    relation: str,
    recipient_name: str,
    identity_document: str,
    identity_number_end: str = "",
    source: str = "console",
) -> HandOver:
    """Record who handed the card to whom, when; the case becomes collected."""
    if relation not in HandOver.Relation.values:
        raise HandOverRefused("Pilih hubungan penerima dengan pemilik kartu.")
    if not recipient_name.strip() or not identity_document.strip():
        raise HandOverRefused("Isi nama penerima dan identitas yang ditunjukkan.")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("case").get(pk=receipt.booking_id)
        case = Case.objects.select_for_update().get(pk=booking.case_id)
        earlier = HandOver.objects.filter(case=case).select_related("officer").first()
        if earlier:
            who = earlier.recipient_name or "pemohon"
            raise HandOverRefused(
                f"Kartu {case.request_number} sudah diserahkan kepada {who} pada "
                f"{timezone.localtime(earlier.at):%d-%m-%Y %H.%M}. Kartu tidak bisa diserahkan dua kali."
            )
        if Receipt.objects.get(pk=receipt.pk).revoked_at:
            raise HandOverRefused("Bukti ini sudah tidak berlaku (jadwal diganti). Minta bukti yang terbaru.")
        if booking.purpose != Purpose.PICKUP:
            raise HandOverRefused("Ini bukti jadwal perekaman, bukan bukti pengambilan kartu.")
        if case.state == State.APPROVED:
            raise HandOverRefused(
                f"Kartu {case.request_number} belum ditandai tercetak (status '{State(case.state).label}'). "
                "Hanya kartu berstatus 'Siap diambil' yang dapat diserahkan: cetak kartunya dan tandai "
                "tercetak di Daftar cetak dulu."
            )
        if case.state != State.READY_FOR_PICKUP:
            raise HandOverRefused(
                f"Permohonan {case.request_number} berstatus '{State(case.state).label}': kartu tidak dapat diserahkan."
            )
        record = HandOver.objects.create(
            case=case,
            booking=booking,
            method=HandOver.Method.COUNTER,
            officer=officer,
            relation=relation,
            recipient_name=recipient_name.strip()[:200],
            identity_document=identity_document.strip()[:60],
            identity_number_end="".join(ch for ch in identity_number_end if ch.isalnum())[-4:],
        )
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.DONE, done_at=record.at)
        case.move_to(
            State.COLLECTED,
            actor=officer,
            source=source,
            note="kartu diserahkan di loket",
            through=State.COLLECTED,
        )
        port.tell(
            case.resident, case=case, purpose=port.Purpose.HAND_OVER, text=hand_over_message(case, record)
        )
    return record


def hand_over_message(case: Case, record: HandOver) -> str:
    """Who received the card and when; the resident who did not send anyone can say so."""
    when = timezone.localtime(record.at)
    return (
        f"Kartu untuk permohonan {case.request_number} sudah diserahkan di loket pada "
        f"{when:%d-%m-%Y} pukul {when:%H.%M} kepada {record.recipient_name} "
        f"({record.get_relation_display().lower()}). Bukan Anda? Balas PETUGAS."
    )
