"""The counter: hand the card over once, to a named person, recorded."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from loket.cases.models import Case, State
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
        if case.state not in (State.APPROVED, State.READY_FOR_PICKUP):
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
        case.move_to(State.COLLECTED, actor=officer, source="console", note="kartu diserahkan di loket")
    return record
