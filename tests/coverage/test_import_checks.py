"""`loket coverage import`: every check, in CSV and XLSX alike, never stopping the import."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from loket.coverage.models import CoverageImport, Finding, KecamatanFigure, RegencyFigure
from tests.coverage.builders import HISTORY_HEADER, KECAMATAN_HEADER, kec_row, run_import, write_table

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
FORMATS = ["csv", "xlsx"]


def checks(findings):
    return [(f["row"], f["kode_kecamatan"], f["period"], f["check"]) for f in findings]


@pytest.mark.parametrize("fmt", FORMATS)
def test_male_plus_female_not_total_is_a_sum_mismatch_on_that_row(tmp_path, fmt):
    path = write_table(
        tmp_path,
        KECAMATAN_HEADER,
        [kec_row("Balaraja", 100, 100, 10, 10), kec_row("Jayanti", 50, 50, 5, 5, anak_total=101)],
        fmt=fmt,
    )
    findings = run_import(path, "2020-S2")
    assert checks(findings) == [(2, "36.03.02", "2020-S2", "sum_mismatch")]
    assert "101" in findings[0]["message"]
    # The number is stored as printed, not corrected.
    assert KecamatanFigure.objects.get(kode_kecamatan="36.03.02").anak == 101


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_name_written_loosely_is_matched_and_an_unknown_one_is_quoted(tmp_path, fmt):
    path = write_table(
        tmp_path,
        KECAMATAN_HEADER,
        [
            kec_row("teluk naga", 10, 10, 1, 1),
            kec_row("SEPATAN TIMU", 10, 10, 1, 1),
            kec_row("Atlantis Raya", 5, 5, 1, 1),
            kec_row("Kecamatan Tigaraksa", 5, 5, 1, 1),
        ],
        fmt=fmt,
    )
    findings = run_import(path, "2020-S2")
    assert checks(findings) == [(3, None, "2020-S2", "unknown_kecamatan")]
    assert "'Atlantis Raya'" in findings[0]["message"]
    kodes = set(KecamatanFigure.objects.values_list("kode_kecamatan", flat=True))
    assert kodes == {"36.03.13", "36.03.30", "36.03.03", ""}  # the unknown row is kept, without a code


def test_an_ambiguous_name_is_unknown_and_names_the_candidates(tmp_path):
    path = write_table(
        tmp_path, KECAMATAN_HEADER, [kec_row("Sepatan Tim", 10, 10, 1, 1), kec_row("SEPATA", 1, 1, 0, 0)]
    )
    findings = run_import(path, "2020-S2")
    unknown = [f for f in findings if f["check"] == "unknown_kecamatan"]
    ambiguous = [f for f in unknown if " atau " in f["message"]]
    assert all(f["kode_kecamatan"] is None for f in unknown)
    # 'SEPATA' could be Sepatan or Sepatan Timur: the message names both.
    assert ambiguous and "Sepatan (36.03.16)" in ambiguous[0]["message"]
    assert "Sepatan Timur (36.03.30)" in ambiguous[0]["message"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_history_checks_percent_count_and_jump_on_the_later_period(tmp_path, fmt):
    rows = [
        ["2020-S1", 1000, 200, 800, "20.00"],
        ["2020-S2", 1000, 210, 790, "25.00"],  # printed percent wrong
        ["2021-S1", 1000, 500, 499, "50.00"],  # count mismatch, and a jump of 29 points
        ["2021-S2", 1000, 505, 495, "50.50"],
    ]
    findings = run_import(write_table(tmp_path, HISTORY_HEADER, rows, fmt=fmt))
    assert checks(findings) == [
        (2, None, "2020-S2", "percent_mismatch"),
        (3, None, "2021-S1", "count_mismatch"),
        (3, None, "2021-S1", "jump"),
    ]


def test_a_printed_percentage_within_rounding_is_fine(tmp_path):
    rows = [["2022-S2", 913290, 376302, 536988, "41.2"], ["2022-S1", 945187, 288841, 656346, "30.56%"]]
    assert run_import(write_table(tmp_path, HISTORY_HEADER, rows)) == []


def test_a_jump_is_found_across_imports_and_reported_on_the_later_period(tmp_path):
    run_import(write_table(tmp_path, KECAMATAN_HEADER, [kec_row("Jambe", 50, 50, 5, 5)], name="a"), "2021-S1")
    later = run_import(
        write_table(tmp_path, KECAMATAN_HEADER, [kec_row("Jambe", 50, 50, 20, 20)], name="b"), "2021-S2"
    )
    assert checks(later) == [(1, "36.03.04", "2021-S2", "jump")]
    # Importing an earlier period afterwards: the jump still lands on the later period.
    earlier = run_import(
        write_table(tmp_path, KECAMATAN_HEADER, [kec_row("Jambe", 50, 50, 30, 30)], name="c"), "2020-S2"
    )
    assert checks(earlier) == [(1, "36.03.04", "2021-S1", "jump")]


@pytest.mark.parametrize("order", ["history_first", "table_first"])
def test_a_denominator_conflict_is_reported_by_the_later_import_in_either_order(order):
    def history():
        return run_import(DATA / "kia_coverage_history.csv")

    def table():
        return run_import(DATA / "kia_coverage_2020.csv", "2020-S2")

    first, second = (history, table) if order == "history_first" else (table, history)
    assert not [f for f in first() if f["check"] == "denominator_conflict"]
    conflicts = [f for f in second() if f["check"] == "denominator_conflict"]
    assert len(conflicts) == 1
    assert conflicts[0]["period"] == "2020-S2" and conflicts[0]["kode_kecamatan"] is None
    assert "904.154" in conflicts[0]["message"] and "926.313" in conflicts[0]["message"]


def test_the_seed_history_flags_exactly_its_known_problems():
    found = checks(run_import(DATA / "kia_coverage_history.csv"))
    assert found == [
        (1, None, "2019-S2", "percent_mismatch"),
        (2, None, "2020-S1", "percent_mismatch"),
        (4, None, "2021-S1", "jump"),
        (5, None, "2021-S2", "jump"),
    ]


def test_the_seed_kecamatan_table_is_clean_on_its_own():
    assert run_import(DATA / "kia_coverage_2020.csv", "2020-S2") == []
    assert KecamatanFigure.objects.count() == 29


def test_a_printed_total_row_is_checked_against_the_column_sums(tmp_path):
    rows = [
        kec_row("Balaraja", 10, 10, 1, 1),
        kec_row("Jayanti", 10, 10, 1, 1),
        kec_row("TOTAL", 20, 20, 2, 2, anak_total=41),
    ]
    findings = run_import(write_table(tmp_path, KECAMATAN_HEADER, rows), "2020-S2")
    assert [(f["row"], f["check"]) for f in findings] == [(3, "sum_mismatch"), (3, "sum_mismatch")]


def test_reimporting_a_period_replaces_its_figures_and_keeps_the_history(tmp_path):
    run_import(write_table(tmp_path, KECAMATAN_HEADER, [kec_row("Jambe", 50, 50, 5, 5)], name="a"), "2020-S2")
    run_import(write_table(tmp_path, KECAMATAN_HEADER, [kec_row("Jambe", 60, 60, 6, 6)], name="b"), "2020-S2")
    assert list(KecamatanFigure.objects.values_list("anak", flat=True)) == [120]
    assert list(CoverageImport.objects.order_by("pk").values_list("file_name", flat=True)) == [
        "a.csv",
        "b.csv",
    ]
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_history.csv")
    assert RegencyFigure.objects.count() == 7
    assert Finding.objects.filter(code="jump", period="2021-S1").count() == 2  # one per import, both kept


def test_findings_never_stop_an_import_and_the_command_exits_zero(tmp_path):
    rows = [kec_row("Atlantis", 1, 1, 1, 1, anak_total=5), ["Jambe", "", "banyak", 3, 4, 1, 1, 2]]
    out = io.StringIO()
    call_command(
        "coverage",
        "import",
        str(write_table(tmp_path, KECAMATAN_HEADER, rows)),
        "--period",
        "2020-s2",
        "--json",
        stdout=out,
    )
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert {x["check"] for x in lines} == {"unknown_kecamatan", "sum_mismatch", "unreadable_value"}
    assert KecamatanFigure.objects.count() == 2


def test_a_file_that_is_not_a_coverage_table_is_refused_clearly(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "x.csv"
    path.write_text("nama,alamat\nA,B\n")
    with pytest.raises(CommandError, match="Kolom tidak dikenali"):
        call_command("coverage", "import", str(path))
    with pytest.raises(CommandError, match="periode"):
        call_command("coverage", "import", str(DATA / "kia_coverage_2020.csv"))
    assert CoverageImport.objects.count() == 0


def test_migrate_loads_no_coverage_figures():
    assert KecamatanFigure.objects.count() == 0 and RegencyFigure.objects.count() == 0
