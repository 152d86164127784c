"""The counter's list: today's pickups by default, another working day, a search by request
number or name over every day, pages, kecamatan by name, the person's area only."""

import datetime as dt
import html

import pytest
import time_machine

from loket.cases.models import Case, State
from loket.console.models import AuditEntry, Role
from loket.scheduling.models import Booking, Purpose, Receipt
from loket.scheduling.pickups import PAGE_SIZE
from loket.scheduling.receipts import token_for
from loket.scheduling.schedules import get_schedule
from tests.console.builders import make_staff, sign_in

from . import builders

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 17)  # a Thursday
NEXT_DAY = dt.date(2026, 12, 18)
AT_NINE = dt.datetime(2026, 12, 17, 2, 0, tzinfo=dt.UTC)  # 09.00 in Jakarta
KEC_A, KEC_B = "36.03.03", "36.03.12"  # Tigaraksa, Pasar Kemis


def booked(day=DAY, *, name="SITI AMINAH", kecamatan=KEC_A, state=State.READY_FOR_PICKUP, status="active"):
    """A card waiting at the counter: the case, its pickup booking and a valid receipt."""
    case = builders.case("KIA", state=state, name=name)
    Case.objects.filter(pk=case.pk).update(kode_kecamatan=kecamatan)
    case.refresh_from_db()
    booking = Booking.objects.create(
        case=case, schedule=get_schedule("KIA"), purpose=Purpose.PICKUP, day=day, part="pagi", status=status
    )
    Receipt.objects.create(booking=booking)
    return case


@pytest.fixture(autouse=True)
def at_nine():
    """Every test runs at 09.00 on DAY (sessions are signed in then too)."""
    with time_machine.travel(AT_NINE, tick=False):
        yield


@pytest.fixture
def clerk(client, at_nine):
    user = make_staff("loket", Role.COUNTER, kecamatan=[KEC_A])
    sign_in(client, user)
    return user


def listing(client, **params) -> str:
    response = client.get("/console/counter/", params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_counter_opens_on_todays_pickups_with_masked_names_and_kecamatan_names(client, clerk):
    today = booked(name="SITI AMINAH")
    tomorrow = booked(NEXT_DAY)
    body = listing(client)
    assert "Jadwal hari ini: Kamis, 17 Desember 2026" in body
    assert today.request_number in body and tomorrow.request_number not in body
    assert "SI** AM****" in body and "SITI AMINAH" not in body
    assert today.subject not in body and f"{today.subject[:4]} •••• •••• {today.subject[-4:]}" in body
    rows = body[body.index('id="pickups"') :]
    assert "Tigaraksa" in rows and KEC_A not in rows
    assert "Pengambilan: 17-12-2026, Pagi, pukul" in body
    assert AuditEntry.objects.get(action="counter_list").detail == "day=2026-12-17"


def test_another_working_day_is_one_click_away(client, clerk):
    tomorrow = booked(NEXT_DAY)
    body = listing(client)
    assert "?hari=2026-12-18" in body and "?hari=2026-12-16" in body
    body = listing(client, hari="2026-12-18")
    assert tomorrow.request_number in body and "Jadwal: Jumat, 18 Desember 2026" in body


def test_a_search_by_request_number_or_name_looks_at_every_day(client, clerk):
    early = booked(dt.date(2026, 12, 30), name="BUDI SANTOSO")
    other = booked(name="SITI AMINAH")
    by_number = listing(client, q=early.request_number[-9:])
    assert early.request_number in by_number and other.request_number not in by_number
    by_name = listing(client, q="santoso")
    assert early.request_number in by_name and other.request_number not in by_name
    assert "BU** SA*****" in by_name
    # The audit keeps that a search was made, never the name searched for.
    assert AuditEntry.objects.filter(action="counter_list", detail="search").count() == 2
    assert not AuditEntry.objects.filter(detail__icontains="santoso").exists()


def test_a_search_without_a_match_says_so_and_hostile_input_is_harmless(client, clerk):
    booked()
    assert "Tidak ada yang cocok." in listing(client, q="tidak ada orangnya")
    assert "Tidak ada yang cocok." in listing(client, q="%' OR 1=1 --")
    body = listing(client, q="A" * 5000, halaman="x", hari="kemarin")
    assert "A" * 61 not in body and "Tidak ada yang cocok." in body


def test_pages_of_the_day(client, clerk):
    cases = [booked() for _ in range(PAGE_SIZE + 5)]
    numbers = sorted(c.request_number for c in cases)
    first = listing(client)
    assert f"Halaman 1 dari 2 ({PAGE_SIZE + 5} jadwal)" in first
    assert sum(n in first for n in numbers) == PAGE_SIZE
    second = listing(client, halaman="2")
    assert sum(n in second for n in numbers) == 5 and numbers[-1] in second
    assert "Halaman 2 dari 2" in listing(client, halaman="99")  # out of range: the last page


def test_only_cards_still_waiting_in_the_persons_area(client, clerk):
    mine = booked()
    elsewhere = booked(kecamatan=KEC_B, name="ORANG LAIN")
    done = booked(state=State.COLLECTED, status="done")
    body = listing(client)
    assert mine.request_number in body
    assert elsewhere.request_number not in body and done.request_number not in body
    assert elsewhere.request_number not in listing(client, q="orang lain")


def test_a_row_opens_the_request_as_a_scan_of_its_receipt_would(client, clerk):
    case = booked()
    token = token_for(Receipt.objects.get(booking__case=case))
    body = listing(client)
    assert "?code=" in body
    scan = client.get("/console/counter/", {"code": token}).content.decode()
    assert case.request_number in scan and 'name="recipient_name"' in scan


def test_officers_and_administrators_do_not_see_the_counter(client):
    booked()
    for role in (Role.OFFICER, Role.ADMIN):
        sign_in(client, make_staff(f"u-{role}", role, services=["KIA"]))
        assert client.get("/console/counter/").status_code == 403


def test_on_a_day_the_office_is_closed_the_counter_opens_on_the_next_working_day(client):
    saturday_at_nine = dt.datetime(2026, 12, 19, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(saturday_at_nine, tick=False):
        monday = booked(dt.date(2026, 12, 21))
        sign_in(client, make_staff("loket", Role.COUNTER, kecamatan=[KEC_A]))
        body = listing(client)
    assert "Senin, 21 Desember 2026" in body and monday.request_number in body
    assert "Jadwal hari ini" not in body
