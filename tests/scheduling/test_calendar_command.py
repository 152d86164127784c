"""`loket calendar` contracts on a freshly migrated database, with closures and extra days."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from loket.scheduling.models import ExtraServiceDay, OfficeClosure

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().splitlines()


def test_add_working_days_prints_the_date_as_its_last_line():
    assert run("add-working-days", "2026-12-23", "1")[-1] == "2026-12-28"
    assert run("add-working-days", "2027-03-08", "3")[-1] == "2027-03-18"


def test_working_days_lists_both_ends_included():
    assert run("working-days", "2026-12-21", "2026-12-31") == [
        "2026-12-21", "2026-12-22", "2026-12-23", "2026-12-28",
        "2026-12-29", "2026-12-30", "2026-12-31",
    ]  # fmt: skip


def test_closures_and_extra_days_change_the_answers():
    OfficeClosure.objects.create(date=dt.date(2026, 12, 28), reason="Rapat kerja")
    ExtraServiceDay.objects.create(date=dt.date(2026, 12, 26), reason="Layanan Sabtu")
    assert run("add-working-days", "2026-12-23", "1")[-1] == "2026-12-26"
    assert run("add-working-days", "2026-12-23", "2")[-1] == "2026-12-29"
    assert "2026-12-28" not in run("working-days", "2026-12-21", "2026-12-31")


@pytest.mark.parametrize(
    "args, message",
    [
        (("add-working-days", "24-12-2026", "1"), "YYYY-MM-DD"),
        (("add-working-days", "2026-12-24", "0"), "1 or more"),
        (("working-days", "2026-12-31", "2026-12-01"), "before"),
    ],
)
def test_bad_input_gets_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
