"""The daily aggregates count state changes, not notes written on a case."""

import pytest
from django.db.models import Sum

from loket.cases.models import State
from loket.cases.opening import note
from loket.coverage import aggregates
from loket.coverage.models import OpenCaseDay, ServiceDay
from tests.coverage.builders import new_case

pytestmark = pytest.mark.django_db


def corrections() -> int:
    return ServiceDay.objects.aggregate(n=Sum("corrections"))["n"] or 0


def open_counts() -> dict[str, int]:
    return {row.state: row.count for row in OpenCaseDay.objects.exclude(count=0)}


def test_a_note_on_a_case_awaiting_correction_counts_no_second_correction(django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="x")
    case = new_case("36.03.01")
    case.move_to(State.QUEUED, source="channel")
    case.move_to(State.IN_REVIEW, actor=officer, source="console")
    case.move_to(State.NEEDS_CORRECTION, actor=officer, source="console", note="Foto akta buram")
    assert corrections() == 1

    note(case, "Berkas AKTA diterima lewat WhatsApp.")
    note(case, "Persetujuan orang tua/wali sudah diberikan sebelumnya.")

    assert corrections() == 1
    assert open_counts() == {State.NEEDS_CORRECTION: 1}
    aggregates.rebuild()
    assert corrections() == 1
    assert open_counts() == {State.NEEDS_CORRECTION: 1}
