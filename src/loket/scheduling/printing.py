"""The printing list: cards to print for each pickup day, in the order they will be collected."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from loket.cases.models import State
from loket.domain.calendar import long_date
from loket.domain.masking import mask_number
from loket.messaging import port
from loket.scheduling.models import Booking, PrintBatch, Purpose
from loket.scheduling.office import session_label
from loket.scheduling.receipts import holder_name, mask_name

COLUMNS = ["No", "Nomor permohonan", "Layanan", "Atas nama", "NIK/No. KK", "Sesi", "Status"]


def print_list(day: dt.date, cases: QuerySet | None = None):
    """Pickup bookings of the day whose card is still to be printed or ready, pagi first.

    `cases` limits the list to the cases a person may see (the console's `cases_for`).
    """
    bookings = Booking.objects.all() if cases is None else Booking.objects.filter(case__in=cases)
    return (
        bookings.filter(
            day=day,
            purpose=Purpose.PICKUP,
            status__in=[Booking.Status.ACTIVE, Booking.Status.DONE],
            case__state__in=[State.APPROVED, State.READY_FOR_PICKUP, State.COLLECTED],
        )
        .select_related("case__resident", "schedule", "print_batch")
        .order_by("part", "created_at", "pk")
    )


def rows(day: dt.date, cases: QuerySet | None = None) -> list[list[str]]:
    out = []
    for index, booking in enumerate(print_list(day, cases), start=1):
        case = booking.case
        out.append(
            [
                str(index),
                case.request_number,
                booking.schedule.label,
                mask_name(holder_name(case)),
                mask_number(case.subject),
                booking.get_part_display(),
                State(case.state).label,
            ]
        )
    return out


def export_csv(day: dt.date, cases: QuerySet | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows(day, cases))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the bullets right


def export_xlsx(day: dt.date, cases: QuerySet | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = f"Cetak {day:%Y-%m-%d}"
    sheet.append(COLUMNS)
    for row in rows(day, cases):
        sheet.append(row)
    for column, width in zip("ABCDEFG", (5, 22, 30, 24, 22, 8, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mark_printed(
    day: dt.date, booking_ids: list[int], cases: QuerySet | None = None, actor=None, source: str = "console"
) -> PrintBatch | None:
    """The cards are printed: the cases become ready for pickup and each resident is told."""
    with transaction.atomic():
        chosen = [
            b for b in print_list(day, cases).select_for_update(of=("self",)) if b.pk in set(booking_ids)
        ]
        to_mark = [b for b in chosen if b.case.state == State.APPROVED and b.status == Booking.Status.ACTIVE]
        if not to_mark:
            return None
        batch = PrintBatch.objects.create(day=day, created_by=actor)
        for booking in to_mark:
            case = booking.case
            case.move_to(
                State.READY_FOR_PICKUP,
                actor=actor,
                source=source,
                note=f"dicetak, batch {batch.pk}",
                through=State.READY_FOR_PICKUP,
            )
            Booking.objects.filter(pk=booking.pk).update(print_batch=batch)
            port.tell(
                case.resident,
                case=case,
                purpose=port.Purpose.CASE_UPDATE,
                text=(
                    f"Kartu untuk permohonan {case.request_number} sudah dicetak dan siap diambil pada "
                    f"{long_date(booking.day)}, {session_label(booking.day, booking.part).lower()}. "
                    "Bawa bukti pengambilan dan dokumen asli."
                ),
            )
    return batch
