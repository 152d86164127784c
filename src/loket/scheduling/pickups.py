"""The counter's list: who is expected today, and finding one card by number or name.

The counter opens on the day's active bookings (pickups and recording appointments) of the
person's area; a search by request number or name looks at every day, because residents
come early (a printed card may go before its date) or late. Names and identity numbers are
masked in the list; the whole request opens from the row, as a scan of its receipt would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from loket.cases.models import State
from loket.domain.masking import mask_number
from loket.regions.names import region_names
from loket.scheduling.models import Booking, Purpose, Receipt
from loket.scheduling.office import office_calendar, session_label
from loket.scheduling.receipts import holder_name, mask_name, token_for

PAGE_SIZE = 25
SEARCH_MAX = 60  # longer input is cut: a request number or a name is short
WAITING_STATES = (State.APPROVED, State.READY_FOR_PICKUP)
# The keys a holder's name is stored under (see receipts.holder_name).
NAME_KEYS = ("nama", "nama_kepala_keluarga")


@dataclass(frozen=True)
class PickupRow:
    booking: Booking
    name: str  # masked
    subject: str  # masked
    kecamatan: str  # its name
    session: str
    token: str  # the current receipt's token, to open the request as a scan would ("" if none)

    @property
    def case(self):
        return self.booking.case


def _matching(qs: QuerySet, query: str) -> QuerySet:
    words = Q(case__request_number__icontains=query)
    for key in NAME_KEYS:
        words |= Q(**{f"case__fields__{key}__icontains": query})
    return qs.filter(words)


def waiting_bookings(cases: QuerySet, *, day: dt.date, query: str = "") -> QuerySet:
    """Active bookings of `cases` (already limited to the person's area) still to be served:
    the day's, or with a query, any day's whose request number or holder's name matches."""
    qs = Booking.objects.filter(
        status=Booking.Status.ACTIVE,
        purpose__in=[Purpose.PICKUP, Purpose.APPOINTMENT],
        case__in=cases.filter(state__in=WAITING_STATES),
    )
    qs = _matching(qs, query) if query else qs.filter(day=day)
    valid = Receipt.objects.filter(revoked_at__isnull=True).order_by("-issued_at", "-pk")
    return (
        qs.select_related("case", "case__resident", "schedule")
        .prefetch_related(Prefetch("receipts", queryset=valid, to_attr="valid_receipts"))
        .order_by("day", "part", "case__request_number", "pk")
    )


def clean_query(raw: str) -> str:
    return " ".join(raw.split())[:SEARCH_MAX]


def page_of(bookings: QuerySet, number: str | int | None) -> Page:
    """One page of the list; a page number out of range gives the nearest page."""
    return Paginator(bookings, PAGE_SIZE).get_page(number)


def rows_for(page: Page) -> list[PickupRow]:
    bookings = list(page.object_list)
    names = region_names(b.case.kode_kecamatan for b in bookings)
    calendar = office_calendar()
    rows = []
    for booking in bookings:
        case = booking.case
        receipt = booking.valid_receipts[0] if booking.valid_receipts else None
        rows.append(
            PickupRow(
                booking=booking,
                name=mask_name(holder_name(case)),
                subject=mask_number(case.subject),
                kecamatan=names.get(case.kode_kecamatan, case.kode_kecamatan or "–"),
                session=session_label(booking.day, booking.part, calendar),
                token=token_for(receipt) if receipt else "",
            )
        )
    return rows
