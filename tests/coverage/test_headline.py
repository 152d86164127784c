"""The headline's coverage: the newest regency figure with its period and import date,
a stale-data warning, past targets reported as missed, and Loket's own cards labelled."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings

from loket.console.models import Role
from loket.coverage import figures, service, tables
from tests.console.builders import make_staff, sign_in
from tests.coverage.builders import collected_kia_case, run_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
IMPORTED = dt.datetime(2023, 3, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def seeded():
    with time_machine.travel(IMPORTED, tick=False):
        run_import(DATA / "kia_coverage_history.csv")
        run_import(DATA / "kia_coverage_2020.csv", "2020-S2")


def page(client, today: dt.datetime) -> str:
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    with time_machine.travel(today, tick=False):
        return " ".join(client.get("/console/coverage/").content.decode().split())


def test_the_headline_states_the_newest_regency_figure_and_its_period(seeded):
    truth = figures.coverage_truth(today=dt.date(2023, 3, 2))
    assert (truth.period, truth.children, truth.holders, truth.percent) == (
        "2022-S2",
        913290,
        376302,
        Decimal("41.20"),
    )
    assert truth.kecamatan_periods == ["2020-S2"] and truth.kecamatan_older
    # Target 2023 (90 %): ceil(0.9 x 913,290) - 376,302 cards, from the newest regency figure.
    assert (truth.gap.year, truth.gap.cards, truth.gap.points, truth.gap.missed) == (
        2023,
        821961 - 376302,
        Decimal("48.80"),
        False,
    )
    assert not truth.stale and truth.age_months == 2


def test_the_dashboard_dates_every_coverage_figure_and_says_which_table_is_older(client, seeded):
    text = page(client, dt.datetime(2023, 3, 2, 2, 0, tzinfo=dt.UTC))
    assert "41,20%" in text and "data 2022-S2 (diimpor 1-3-2023)" in text
    assert "376.302 dari 913.290 anak" in text
    assert "Angka per kecamatan dari 2020-S2; angka kabupaten terbaru 2022-S2" in text
    assert "kurang 48,80 poin (445.659 kartu)" in text
    assert "15,91" not in text.split("Peta cakupan")[0]  # the old per-kecamatan "now" is not the headline
    assert "Data cakupan sudah lama" not in text


def test_a_past_target_is_reported_missed_and_old_data_carries_a_warning(client, seeded):
    text = page(client, dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))
    assert "Data cakupan sudah lama" in text and "lebih dari 12 bulan" in text
    assert "Target 2023 (90,00%) tidak tercapai" in text
    assert "per 2022-S2 kurang 48,80 poin (445.659 kartu)" in text


@override_settings(LOKET_COVERAGE_STALE_MONTHS=60)
def test_the_stale_threshold_is_a_setting(seeded):
    assert not figures.coverage_truth(today=dt.date(2026, 12, 5)).stale
    with override_settings(LOKET_COVERAGE_STALE_MONTHS=12):
        assert figures.coverage_truth(today=dt.date(2024, 1, 1)).stale  # 2022-12-31 + 12 months, one day
        assert not figures.coverage_truth(today=dt.date(2023, 12, 31)).stale


def test_loket_cards_since_the_import_are_their_own_labelled_line(client, seeded):
    with time_machine.travel(dt.datetime(2023, 3, 10, 2, 0, tzinfo=dt.UTC), tick=True):
        collected_kia_case("36.03.32", 1)
        collected_kia_case("36.03.04", 2)
    truth = figures.coverage_truth(today=dt.date(2023, 3, 11))
    assert (truth.holders_imported, truth.holders_loket, truth.holders) == (376302, 2, 376304)
    text = page(client, dt.datetime(2023, 3, 11, 2, 0, tzinfo=dt.UTC))
    assert "termasuk 2 kartu yang diserahkan lewat Loket sejak 1 Maret 2023" in text


def test_an_area_account_sees_its_own_tables_with_their_period(client, seeded):
    sign_in(client, make_staff("camat", Role.SUPERVISOR, kecamatan=["36.03.04", "36.03.32"]))
    with time_machine.travel(dt.datetime(2023, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        text = " ".join(client.get("/console/coverage/").content.decode().split())
    assert "cakupan KIA area Anda, data 2020-S2" in text and "41,20" not in text


def test_cards_for_a_target_round_up_in_integers():
    assert figures.cards_for(Decimal("90"), 913290) == 821961
    assert figures.cards_for(Decimal("41"), 3) == 2  # 1.23 -> 2
    assert figures.cards_for(Decimal("50"), 4) == 2


def trend_page(client, today: dt.datetime, query: str = "") -> str:
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    with time_machine.travel(today, tick=False):
        return " ".join(client.get("/console/coverage/trend/" + query).content.decode().split())


def test_a_target_whose_year_is_over_is_reported_missed_not_reached_in_the_past(client, seeded):
    text = trend_page(client, dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))
    assert "Target 2023 (90,00%) tidak tercapai." in text
    assert "Pada 2022-S2 masih kurang 445.659 kartu" in text
    # The trend's date (mid-2025) lies before today: said so, not announced as the future.
    assert "yang sudah lewat: data sesudah 2022-S2 belum diimpor" in text
    assert "tercapai sekitar <strong>" not in text


def test_the_rate_needed_from_today_to_a_chosen_date_stands_beside_the_trend(client, seeded):
    today = dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(today, tick=False):
        view = figures.projection_view(2023, dt.date(2027, 12, 31))
    assert view.missed and view.projection.gap == 445659
    # Working days after 5 December 2026 through 31 December 2027 on the office calendar.
    assert view.working_days > 200
    assert view.needed_per_working_day == -(-445659 // view.working_days)
    months = (dt.date(2027, 12, 31) - dt.date(2026, 12, 5)).days / 30.4375
    assert abs(view.needed_monthly - 445659 / months) <= 1
    text = trend_page(client, today, "?target=2023&by=2027-12-31")
    assert "Agar tercapai pada 31 Desember 2027, mulai hari ini diperlukan" in text
    assert f"{view.needed_per_working_day:,} kartu per hari kerja".replace(",", ".") in text
    assert "laju tren terakhir" in text


def test_a_chosen_date_not_after_today_is_refused_kindly(client, seeded):
    text = trend_page(client, dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), "?by=2026-12-05")
    assert "Tanggal target harus setelah hari ini" in text
    # The default date (end of next year) is used instead.
    assert "Agar tercapai pada 31 Desember 2027" in text


def test_the_trend_page_warns_of_old_data_too(client, seeded):
    assert "Data cakupan sudah lama" in trend_page(client, dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))


def test_every_percentage_column_has_its_numerator_and_denominator_beside_it(client, seeded):
    window = service.Window.last_days(30)
    for table in (
        tables.coverage_table(),
        tables.priorities_table(),
        tables.trend_table(),
        tables.service_table(window),
    ):
        keys = {c.key for c in table.columns}
        for column in table.columns:
            if column.kind == "pct" and column.key != "persen_tertulis":
                assert column.of and set(column.of) <= keys, (table.key, column.key)
                for row in table.rows:
                    part, whole = row[column.of[0]], row[column.of[1]]
                    assert 0 <= part <= whole and 0 <= row[column.key] <= 100, (table.key, row)
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    html = client.get("/console/coverage/").content.decode()
    assert 'title="19.378 dari 47.274"' in html  # Tigaraksa's 40,99 %, on hover


def test_hostile_projection_inputs_get_a_kind_message_not_an_error(client, seeded):
    text = trend_page(
        client, dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC), "?by=kemarin&target=%3Cscript%3E"
    )
    assert "Tanggal tidak dikenali" in text and "<script>" not in text
    assert "Agar tercapai pada 31 Desember 2027" in text  # the default date and the next target


def test_without_any_import_the_headline_and_projection_say_there_is_no_data(client):
    assert figures.coverage_truth() is None and figures.projection_view() is None
    text = page(client, dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))
    assert "Belum ada data per kecamatan" in text and "Data cakupan sudah lama" not in text
