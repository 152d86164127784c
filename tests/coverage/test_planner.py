"""`loket plan capacity` and the planner page: the contract, the failure paths, access by
role and the htmx recompute."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from loket.cases.models import Case, CaseEvent, State
from loket.console.models import Role
from tests.console.builders import make_staff, sign_in
from tests.coverage.builders import (
    HISTORY_HEADER,
    KECAMATAN_HEADER,
    collected_kia_case,
    kec_row,
    run_import,
    write_table,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "loket" / "data"
KEYS = {
    "period",
    "children",
    "holders_imported",
    "holders_loket",
    "holders",
    "cards_needed",
    "working_days",
    "cards_per_working_day",
    "officers",
    "counter_sessions_per_day",
    "printing_per_day",
    "assumptions",
}
# Friday 4 December 2026 to Friday 11 December 2026: Monday 7 to Friday 11, five working days.
TODAY, BY = "2026-12-04", "2026-12-11"
MEASURED = ["--minutes-per-case", "10", "--corrections-per-case", "0.25", "--complete-share", "0.5"]


@pytest.fixture
def history(tmp_path):
    rows = [["2022-S1", 1000, 400, 600, "40.00"], ["2022-S2", 1000, 500, 500, "50.00"]]
    run_import(write_table(tmp_path, HISTORY_HEADER, rows, name="riwayat"))
    kecamatan = [
        kec_row("BALARAJA", 300, 300, 100, 100, kode="36.03.01"),
        kec_row("JAYANTI", 200, 200, 150, 150, kode="36.03.02"),
    ]
    run_import(write_table(tmp_path, KECAMATAN_HEADER, kecamatan, name="kecamatan"), "2020-S2")


def plan(*args) -> dict:
    out = io.StringIO()
    call_command("plan", "capacity", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_json_contract_by_hand(history):
    collected_kia_case("36.03.01", 1)  # one KIA card collected through Loket after the import
    record = plan("--target", "90", "--by", BY, "--today", TODAY, *MEASURED)
    assert set(record) >= KEYS
    # holders = 500 imported + 1 through Loket; cards needed = ceil(90 × 1000 / 100) − 501 = 399
    # working days 5 → ceil(399 / 5) = ceil(79.8) = 80 cards a day
    # officer minutes = 80 × 10 × (1 + 0.25 + 0.5) = 1400 → ceil(1400 / (360 × 0.75)) = ceil(5.18…) = 6
    # counter sessions = ceil(80 / 40) = 2; printing 80 a day
    assert record["period"] == "2022-S2"
    assert (record["children"], record["holders_imported"], record["holders_loket"], record["holders"]) == (
        1000,
        500,
        1,
        501,
    )
    assert (record["cards_needed"], record["working_days"], record["cards_per_working_day"]) == (399, 5, 80)
    assert (record["officers"], record["counter_sessions_per_day"], record["printing_per_day"]) == (6, 2, 80)
    assert record["officer_minutes_per_day"] == 1400
    assert record["bottleneck"] == "officers"  # none are registered yet
    a = record["assumptions"]
    assert a["minutes_per_case"]["value"] == 10 and a["complete_share"]["value"] == 0.5
    assert a["minutes_per_case"]["source"] == "override"  # the collected case was measured too
    assert a["printing_capacity"] == {"value": 200, "source": "setting"}
    assert a["session_capacity"]["value"] == 40
    assert a["working_days"] == {"value": 5, "source": "calendar"}
    for name in (
        "target_percent",
        "today",
        "by",
        "utilisation",
        "officer_minutes_per_day",
        "officers_available",
    ):
        assert name in a
    # per kecamatan: gaps 540 − 201 = 339 and 360 − 300 = 60 → 399 × 339/399 and 399 × 60/399
    shares = {k["kode_kecamatan"]: (k["gap"], k["cards"]) for k in record["kecamatan"]}
    assert shares == {"36.03.01": (339, 339), "36.03.02": (60, 60)}
    assert sum(k["cards"] for k in record["kecamatan"]) == record["cards_needed"]


def test_without_cases_the_stated_defaults_are_used_and_said(history):
    record = plan("--target", "90.5", "--by", BY, "--today", TODAY)
    a = record["assumptions"]
    for name in ("minutes_per_case", "corrections_per_case", "complete_share"):
        assert a[name]["source"] == "default" and a[name]["note"] == "belum ada data terukur"
    assert a["utilisation"] == {"value": 0.75, "source": "default"}
    assert a["target_percent"]["value"] == 90.5
    # ceil(90.5 × 1000 / 100) − 500 = 405; ceil(405 / 5) = 81
    assert (record["cards_needed"], record["cards_per_working_day"]) == (405, 81)


def test_measured_review_minutes_come_from_the_case_history(history, django_user_model):
    case = collected_kia_case("36.03.01", 1)
    entered = case.events.get(to_state=State.IN_REVIEW)
    left = case.events.get(from_state=State.IN_REVIEW)
    # In review from Monday 09:00 to 09:24 local time (office open): 24 minutes.
    start = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    CaseEvent.objects.filter(pk=entered.pk).update(at=start)
    CaseEvent.objects.filter(pk=left.pk).update(at=start + dt.timedelta(minutes=24))
    record = plan("--target", "90", "--by", BY, "--today", TODAY)
    assert record["assumptions"]["minutes_per_case"]["value"] == 24
    assert record["assumptions"]["minutes_per_case"]["source"] == "measured"
    # The service figures of the last 180 days up to --today: this case came in on the real
    # today, so it is counted from then on (it reached the queue by itself: a share of 1).
    later = plan("--target", "90", "--by", (dt.date.today() + dt.timedelta(days=365)).isoformat())
    assert later["assumptions"]["complete_share"] == {
        "value": 1,
        "source": "measured",
        "note": "1 permohonan, 180 hari terakhir",
    }
    assert Case.objects.count() == 1


def test_working_days_are_the_calendar_commands(history):
    for today, by in [(TODAY, BY), ("2026-12-20", "2027-01-10"), ("2027-03-01", "2027-04-30")]:
        out = io.StringIO()
        start = (dt.date.fromisoformat(today) + dt.timedelta(days=1)).isoformat()
        call_command("calendar", "working-days", start, by, stdout=out)
        listed = [line for line in out.getvalue().splitlines() if line.strip()]
        assert plan("--target", "90", "--by", by, "--today", today)["working_days"] == len(listed)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--by", TODAY, "--today", TODAY], "harus sesudah"),
        (["--by", "2026-12-01", "--today", TODAY], "harus sesudah"),
        (["--by", "2026-12-06", "--today", TODAY], "Tidak ada hari kerja"),  # Saturday and Sunday
        (["--by", "31-12-2027", "--today", TODAY], "not a date"),
        (["--by", BY, "--today", TODAY, "--target", "abc"], "bukan angka"),
        (["--by", BY, "--today", TODAY, "--target", "0"], "Target"),
        (["--by", BY, "--today", TODAY, "--target", "100.01"], "Target"),
        (["--by", BY, "--today", TODAY, "--session-capacity", "2.5"], "bilangan bulat"),
        (["--by", BY, "--today", TODAY, "--utilisation", "1.5"], "Utilisasi"),
    ],
)
def test_bad_input_is_a_clear_error(history, args, words):
    if "--target" not in args:
        args = ["--target", "90", *args]
    with pytest.raises(CommandError, match=words):
        call_command("plan", "capacity", *args, "--json", stdout=io.StringIO())


def test_without_imported_data_the_plan_says_what_to_import():
    with pytest.raises(CommandError, match="impor riwayat"):
        call_command("plan", "capacity", "--target", "90", "--by", BY, "--today", TODAY, stdout=io.StringIO())


def test_an_error_exits_non_zero_from_the_shell(tmp_path):
    env = {**os.environ, "LOKET_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "loket",
            "plan",
            "capacity",
            "--target",
            "90",
            "--by",
            TODAY,
            "--today",
            TODAY,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode != 0
    assert "harus sesudah" in done.stderr


def test_the_summary_is_bahasa_with_indonesian_numbers(history):
    out = io.StringIO()
    call_command("plan", "capacity", "--target", "90,5", "--by", BY, "--today", TODAY, stdout=out)
    text = out.getvalue()
    assert "Kartu yang masih dibutuhkan: 405" in text
    assert "utilisasi 0,75" in text
    assert "Hambatan utama" in text and "angka bawaan" in text


def test_the_packaged_data_gives_the_documented_example():
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    record = plan("--target", "90", "--by", "2027-12-31", "--today", "2026-12-05")
    # docs/planning.md: 913.290 children, 376.302 holders in 2022-S2
    assert (record["period"], record["children"], record["holders"]) == ("2022-S2", 913_290, 376_302)
    assert record["cards_needed"] == 445_659  # ceil(821 961) − 376 302
    assert record["cards_per_working_day"] == -(-445_659 // record["working_days"])
    assert sum(k["cards"] for k in record["kecamatan"]) == 445_659
    assert len(record["kecamatan"]) == 29


# --- the page ------------------------------------------------------------------------------
URL = "/console/coverage/rencana/"


@pytest.fixture
def client_as(client):
    def login(user):
        sign_in(client, user)
        return client

    return login


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNTER, Role.ADMIN])
def test_roles_without_reports_are_refused(client_as, role, history):
    client = client_as(make_staff("staf", role, services=["KIA"]))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?format=csv").status_code == 403
    assert client.get(URL, HTTP_HX_REQUEST="true").status_code == 403


def test_the_page_shows_the_plan_in_indonesian_numbers(client_as, history):
    client = client_as(make_staff("pengawas", Role.SUPERVISOR))
    page = client.get(URL, {"target": "90,5", "by": BY, "utilisation": "0.8"}).content.decode()
    assert "Rencana kapasitas" in page and 'id="plan-result"' in page
    assert "htmx.min.js" in page and "<script>" not in page  # no inline scripts under the CSP
    assert 'id="plan-cards-needed">405<' in page
    assert "periode <strong>2022-S2</strong>" in page
    assert "0,8" in page and "90,5" in page  # comma decimals
    assert "Jayanti" in page or "JAYANTI" in page
    assert "angka bawaan" in page  # the defaults are named


def test_htmx_recompute_returns_only_the_result(client_as, history):
    client = client_as(make_staff("pengawas", Role.SUPERVISOR))
    first = client.get(URL, {"target": "90", "by": BY}, HTTP_HX_REQUEST="true").content.decode()
    second = client.get(URL, {"target": "60", "by": BY}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in first and "<form" not in first
    # 900 − 500 = 400 then 600 − 500 = 100
    assert 'id="plan-cards-needed">400<' in first
    assert 'id="plan-cards-needed">100<' in second
    # Going back in the browser, htmx asks for the whole page of a pushed address.
    restored = client.get(
        URL, {"target": "60", "by": BY}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<form" in restored.content.decode()


def test_page_errors_are_shown_kindly_and_lose_nothing(client_as, history):
    client = client_as(make_staff("pengawas", Role.SUPERVISOR))
    for params, words in [
        ({"target": "banyak", "by": BY}, "bukan angka"),
        ({"target": "90", "by": "kemarin"}, "Tanggal target tidak dikenali"),
        ({"target": "90", "by": "2020-01-01"}, "harus sesudah"),
        ({"target": "90", "by": BY, "officers_available": "-1"}, "negatif"),
    ]:
        response = client.get(URL, params)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Rencana belum bisa dihitung" in page and words in page
        assert f'value="{params["target"]}"' in page  # what was typed stays in the form


def test_the_csv_exports_use_dot_decimals_and_sum_exactly(client_as, history):
    client = client_as(make_staff("pengawas", Role.SUPERVISOR))
    params = {"target": "90.5", "by": BY, "format": "csv"}
    summary = client.get(URL, {**params, "part": "ringkasan"})
    assert summary["Content-Type"].startswith("text/csv")
    lines = summary.content.decode().splitlines()
    assert lines[0] == "nama,nilai,sumber,catatan"
    assert "cards_needed,405,hasil," in lines
    assert "assumptions.utilisation,0.75,default," in lines
    rows = client.get(URL, {**params, "part": "kecamatan"}).content.decode().splitlines()
    assert rows[0].startswith("kode_kecamatan,kecamatan,periode")
    assert sum(int(r.split(",")[6]) for r in rows[1:]) == 405
    assert all("." in r.split(",")[7] for r in rows[1:])


def test_an_area_supervisor_sees_only_their_kecamatan_rows_of_the_regency_plan(client_as, history):
    client = client_as(make_staff("camat", Role.SUPERVISOR, kecamatan=["36.03.02"]))
    page = client.get(URL, {"target": "90", "by": BY}).content.decode()
    assert 'id="plan-cards-needed">400<' in page  # the regency figure
    assert "JAYANTI" in page or "Jayanti" in page
    assert "Balaraja" not in page and "BALARAJA" not in page


def test_the_coverage_menu_links_the_planner(client_as, history):
    client = client_as(make_staff("pengawas", Role.SUPERVISOR))
    assert 'href="/console/coverage/rencana/"' in client.get("/console/coverage/priorities/").content.decode()
