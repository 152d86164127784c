"""Officers can sort the queue so complete cases whose pre-checks all match come first
(`?urut=cocok`); the default order, and "Ambil berikutnya", stay oldest first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from loket.cases.models import State
from loket.console.models import Role
from loket.precheck.checks import summarise
from loket.precheck.models import CaseCheck
from tests.approvable import KK_NUMBER
from tests.console.builders import KEC_A, make_case, make_staff, sign_in
from tests.precheck.builders import documents_of, read

pytestmark = pytest.mark.django_db


def all_read(case, *, kk=KK_NUMBER) -> None:
    docs = documents_of(case)
    read(docs["akta_kelahiran"], kind="akta", numbers=[case.subject])
    read(docs["ktp_ayah"], kind="ktp", numbers=["3603031505880001"])
    read(docs["ktp_ibu"], kind="ktp", numbers=["3603034707900002"])
    read(docs["kk"], kind="kk", numbers=[kk, case.subject, "3603031505880001", "3603034707900002"])


@pytest.fixture
def cases():
    old = timezone.now() - dt.timedelta(hours=5)
    mismatching = make_case(state=State.QUEUED, created_at=old)
    all_read(mismatching, kk="3603031203159999")
    unread = make_case(state=State.QUEUED, created_at=old + dt.timedelta(hours=1))
    matching = make_case(state=State.QUEUED, created_at=old + dt.timedelta(hours=2))
    all_read(matching)
    for case in (mismatching, unread, matching):
        summarise(case)
    return mismatching, unread, matching


def order(html: str) -> list[str]:
    return re.findall(r"(KIA-\d{8}-\d{4})</a>", html)


def test_summaries(cases):
    mismatching, unread, matching = cases
    assert CaseCheck.objects.get(case=matching).verdict == CaseCheck.Verdict.MATCH
    assert CaseCheck.objects.get(case=matching).matches >= 8
    assert CaseCheck.objects.get(case=mismatching).verdict == CaseCheck.Verdict.ATTENTION
    assert CaseCheck.objects.get(case=mismatching).mismatches == 1
    assert CaseCheck.objects.get(case=unread).verdict == CaseCheck.Verdict.PENDING


def test_sorting_puts_complete_and_matching_cases_first(client, cases):
    mismatching, unread, matching = cases
    sign_in(client, make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A]))
    default = client.get("/console/antrean/KIA/").content.decode()
    assert order(default) == [c.request_number for c in (mismatching, unread, matching)]
    html = client.get("/console/antrean/KIA/?urut=cocok").content.decode()
    assert order(html) == [c.request_number for c in (matching, unread, mismatching)]
    assert "✔ cocok" in html and "✘ 1 berbeda" in html and "belum diperiksa" in html
    assert 'option value="cocok" selected' in html


def test_take_next_stays_oldest_first(client, cases):
    mismatching, _, _ = cases
    sign_in(client, make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A]))
    response = client.post("/console/antrean/KIA/ambil/?urut=cocok")
    assert response.url == f"/console/permohonan/{mismatching.pk}/"


def test_an_incomplete_case_is_never_complete_and_matching(cases):
    waiting = make_case(state=State.WAITING_DOCUMENTS, docs=("akta_kelahiran", "kk"))
    docs = documents_of(waiting)
    read(docs["akta_kelahiran"], kind="akta", numbers=[waiting.subject])
    read(docs["kk"], kind="kk", numbers=[KK_NUMBER, waiting.subject])
    assert summarise(waiting).verdict == CaseCheck.Verdict.INCOMPLETE
