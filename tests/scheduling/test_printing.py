"""The printing list: per pickup day in collection order, exportable, marked printed in batches."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from loket.cases.models import State
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import AuditEntry, Role
from loket.scheduling.approval import approve_case
from tests.console.builders import make_staff, sign_in

from . import builders

pytestmark = pytest.mark.django_db
DAY = "2026-12-18"


@pytest.fixture
def staff(client):
    sign_in(client, make_staff("cetak", Role.COUNTER))
    return client


@pytest.fixture
def cases():
    with time_machine.travel(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC), tick=False):
        builders.schedule("KIA", capacity_pagi=2, capacity_siang=2, capacity_day=4)
        made = [builders.case("KIA", name=f"ANAK NOMOR {letter}") for letter in "ABCDE"]
        for case in made:
            approve_case(case)
    return made


def test_the_list_shows_the_day_in_collection_order_masked(staff, cases):
    body = staff.get("/console/printing/", {"day": DAY}).content.decode()
    numbers = [c.request_number for c in cases[:4]]
    assert [body.index(n) for n in numbers] == sorted(body.index(n) for n in numbers)
    assert cases[4].request_number not in body  # that one is collected on 21 Dec
    assert "AN** NO***" in body and "NOMOR" not in body
    assert (
        cases[0].subject not in body and f"{cases[0].subject[:4]} •••• •••• {cases[0].subject[-4:]}" in body
    )


def test_exports_have_the_same_rows(staff, cases):
    response = staff.get("/console/printing/export.csv", {"day": DAY})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No", "Nomor permohonan", "Layanan"]
    assert [r[1] for r in rows[1:]] == [c.request_number for c in cases[:4]]
    assert [r[5] for r in rows[1:]] == ["Pagi", "Pagi", "Siang", "Siang"]
    xlsx = staff.get("/console/printing/export.xlsx", {"day": DAY})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        c.request_number for c in cases[:4]
    ]
    assert staff.get("/console/printing/export.pdf", {"day": DAY}).status_code == 404


def test_marking_a_batch_printed_makes_cards_ready_and_tells_each_resident(staff, cases):
    chosen = [b.pk for c in cases[:3] for b in c.bookings.all()]
    response = staff.post("/console/printing/mark", {"day": DAY, "booking": chosen}, follow=True)
    assert "3 kartu ditandai tercetak" in response.content.decode()
    states = [type(c).objects.get(pk=c.pk).state for c in cases]
    assert states == [State.READY_FOR_PICKUP] * 3 + [State.APPROVED] * 2
    told = OutboundMessage.objects.filter(kind="case_update", text__contains="siap diambil")
    assert sorted(m.case_id for m in told) == sorted(c.pk for c in cases[:3])
    again = staff.post("/console/printing/mark", {"day": DAY, "booking": chosen}, follow=True)
    assert "sudah ditandai tercetak" in again.content.decode()
    assert told.count() == 3
    marked = AuditEntry.objects.filter(action="printing_mark")
    assert sorted(e.case_id for e in marked) == sorted(c.pk for c in cases[:3])
