"""`loket coverage report`: columns, ranks and ties, the regency row, cards collected since."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from loket.coverage import aggregates
from loket.coverage.models import ServiceDay
from tests.coverage.builders import (
    KECAMATAN_HEADER,
    collected_kia_case,
    kec_row,
    run_import,
    run_report,
    write_table,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
HEADER = ["kode_kecamatan", "kecamatan", "anak", "pemilik_kia", "cakupan_persen", "tanpa_kia", "peringkat"]


def test_a_fresh_database_reports_only_the_regency_row_with_zeros():
    rows = run_report()
    assert rows[0] == HEADER and len(rows) == 2
    assert rows[1][0] == "36.03" and rows[1][2:] == ["0", "0", "0.00", "0", ""]


def test_the_report_matches_the_seed_table():
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    rows = run_report()
    assert rows[0] == HEADER
    body = {r[0]: r for r in rows[1:]}
    assert len(body) == 30
    assert body["36.03.03"][2:] == ["47274", "19378", "40.99", "27896", "1"]
    assert body["36.03.32"][2:] == ["14560", "221", "1.52", "14339", "29"]
    assert rows[-1][0] == "36.03" and rows[-1][2:] == ["904154", "143858", "15.91", "760296", ""]


def test_equal_coverage_shares_a_rank_and_the_next_rank_skips(tmp_path):
    rows = [
        kec_row("Balaraja", 50, 50, 25, 25),  # 50.00
        kec_row("Jayanti", 100, 100, 50, 50),  # 50.00
        kec_row("Jambe", 50, 50, 10, 10),  # 20.00
        kec_row("Kresek", 50, 50, 40, 40),  # 80.00
    ]
    run_import(write_table(tmp_path, KECAMATAN_HEADER, rows), "2022-S2")
    ranks = {r[0]: r[6] for r in run_report()[1:]}
    assert ranks == {"36.03.01": "2", "36.03.02": "2", "36.03.04": "4", "36.03.06": "1", "36.03": ""}


def test_json_report_has_the_same_records_with_two_decimal_percentages(tmp_path):
    run_import(write_table(tmp_path, KECAMATAN_HEADER, [kec_row("Jambe", 10, 10, 9, 9)]), "2022-S2")
    out = io.StringIO()
    call_command("coverage", "report", "--format", "json", stdout=out)
    assert '"cakupan_persen": 90.00' in out.getvalue()
    records = json.loads(out.getvalue())
    assert records[0] == {
        "kode_kecamatan": "36.03.04",
        "kecamatan": "Jambe",
        "anak": 20,
        "pemilik_kia": 18,
        "cakupan_persen": 90.0,
        "tanpa_kia": 2,
        "peringkat": 1,
        "periode": "2022-S2",
        "diimpor": dt.date.today().isoformat(),
    }
    assert records[-1]["kode_kecamatan"] == "36.03" and records[-1]["peringkat"] is None
    assert records[-1]["periode"] == "2022-S2" and records[-1]["diimpor"] == dt.date.today().isoformat()


def test_json_report_dates_each_row_and_names_mixed_periods_on_the_regency_row(tmp_path):
    with time_machine.travel(dt.datetime(2023, 3, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        run_import(write_table(tmp_path, KECAMATAN_HEADER, [kec_row("Jambe", 10, 10, 9, 9)]), "2020-S2")
    with time_machine.travel(dt.datetime(2024, 2, 1, 20, 0, tzinfo=dt.UTC), tick=False):  # 2 Feb in Jakarta
        rows = [kec_row("Balaraja", 10, 10, 1, 1)]
        run_import(write_table(tmp_path, KECAMATAN_HEADER, rows, name="baru"), "2022-S2")
    out = io.StringIO()
    call_command("coverage", "report", "--format", "json", stdout=out)
    dated = {r["kode_kecamatan"]: (r["periode"], r["diimpor"]) for r in json.loads(out.getvalue())}
    assert dated == {
        "36.03.01": ("2022-S2", "2024-02-02"),
        "36.03.04": ("2020-S2", "2023-03-01"),
        "36.03": ("2020-S2,2022-S2", "2024-02-02"),
    }


def test_an_empty_json_report_has_an_undated_regency_row():
    out = io.StringIO()
    call_command("coverage", "report", "--format", "json", stdout=out)
    (record,) = json.loads(out.getvalue())
    assert record["kode_kecamatan"] == "36.03" and (record["periode"], record["diimpor"]) == (None, None)


def test_the_csv_report_keeps_its_contract_exactly():
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    out = io.StringIO()
    call_command("coverage", "report", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "kode_kecamatan,kecamatan,anak,pemilik_kia,cakupan_persen,tanpa_kia,peringkat"
    assert "36.03.03,Tigaraksa,47274,19378,40.99,27896,1" in lines
    assert lines[-1] == "36.03,Kabupaten Tangerang,904154,143858,15.91,760296,"
    assert len(lines) == 31


def test_cards_collected_through_loket_since_the_import_raise_the_coverage(tmp_path):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        collected_kia_case("36.03.04", 1)  # before the import: already in the register's figures
        clock.shift(dt.timedelta(hours=1))
        run_import(
            write_table(
                tmp_path,
                KECAMATAN_HEADER,
                [kec_row("Jambe", 50, 50, 10, 10), kec_row("Kresek", 50, 50, 10, 10)],
            ),
            "2026-S1",
        )
        clock.shift(dt.timedelta(hours=1))
        collected_kia_case("36.03.04", 2)  # same day, after the import
        clock.shift(dt.timedelta(days=3))
        collected_kia_case("36.03.04", 3)  # a later day: from the daily aggregate
        collected_kia_case("36.03.06", 4, service="KTP")  # not a KIA card
        rows = {r[0]: r for r in run_report()[1:]}
    assert rows["36.03.04"][2:] == ["100", "22", "22.00", "78", "1"]
    assert rows["36.03.06"][2:] == ["100", "20", "20.00", "80", "2"]
    assert rows["36.03"][2:6] == ["200", "42", "21.00", "158"]


def test_the_daily_aggregates_kept_by_signals_equal_a_full_rebuild(django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="x")
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=True):
        for n in range(4):
            collected_kia_case(f"36.03.0{n % 2 + 1}", n, officer=officer if n % 2 else None)
    live = sorted(
        ServiceDay.objects.values_list(
            "day", "service", "kode_kecamatan", "received", "collected", "decisions", "first_responses"
        )
    )
    aggregates.rebuild()
    rebuilt = sorted(
        ServiceDay.objects.values_list(
            "day", "service", "kode_kecamatan", "received", "collected", "decisions", "first_responses"
        )
    )
    assert live == rebuilt
    assert sum(r[4] for r in live) == 4 and sum(r[6] for r in live) == 2


def test_correcting_a_cases_kecamatan_moves_what_it_counted(django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="x")
    with time_machine.travel(dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC), tick=True):
        case = collected_kia_case("36.03.01", 1, officer=officer)
        case.refresh_from_db()
        case.kode_kecamatan = "36.03.02"
        case.save()
    by_kode = {
        kode: (received, collected)
        for kode, received, collected in ServiceDay.objects.values_list(
            "kode_kecamatan", "received", "collected"
        )
    }
    assert by_kode.get("36.03.01", (0, 0)) == (0, 0) and by_kode["36.03.02"] == (1, 1)
    live = sorted(
        ServiceDay.objects.exclude(received=0, collected=0, decisions=0).values_list(
            "day", "kode_kecamatan", "received", "collected", "decisions"
        )
    )
    aggregates.rebuild()
    assert live == sorted(
        ServiceDay.objects.values_list("day", "kode_kecamatan", "received", "collected", "decisions")
    )
