"""Dashboard pages: who may see them, what they show, and the exports and PDF."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
import time_machine
from pypdf import PdfReader

from loket.cases.models import Case, State, next_request_number
from loket.console.models import Role
from loket.coverage import mapsvg, plotly_assets, service, tables
from loket.coverage.models import KecamatanFigure, Review
from tests.console.builders import make_staff, sign_in
from tests.coverage.builders import collected_kia_case, resident, run_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
PAGES = [
    "/console/coverage/",
    "/console/coverage/trend/",
    "/console/coverage/priorities/",
    "/console/coverage/service/",
    "/console/coverage/imports/",
    "/console/coverage/export/cakupan.csv",
    "/console/coverage/report.pdf",
]


@pytest.fixture
def seeded():
    run_import(DATA / "kia_coverage_history.csv")
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")


@pytest.fixture
def supervisor():
    return make_staff("pengawas", Role.SUPERVISOR)


@pytest.fixture
def client_as(client):
    def login(user):
        sign_in(client, user)
        return client

    return login


def test_anonymous_visitors_are_sent_to_the_login(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNTER, Role.ADMIN])
def test_staff_without_the_supervisor_role_are_refused(client_as, role):
    client = client_as(make_staff("staf", role, services=["KIA"]))
    for url in PAGES:
        assert client.get(url).status_code == 403


def test_a_password_without_the_second_factor_is_not_enough(client, supervisor):
    client.force_login(supervisor, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/console/coverage/").status_code == 302


def test_an_area_supervisor_sees_only_their_kecamatan(client_as, seeded):
    client = client_as(make_staff("camat", Role.SUPERVISOR, kecamatan=["36.03.04", "36.03.32"]))
    rows = list(
        csv.DictReader(io.StringIO(client.get("/console/coverage/export/cakupan.csv").content.decode()))
    )
    assert [r["kode_kecamatan"] for r in rows] == ["36.03.04", "36.03.32", "36.03"]
    assert rows[-1]["kecamatan"] == "Area Anda" and rows[-1]["anak"] == str(15829 + 14560)
    page = client.get("/console/coverage/").content.decode()
    assert "Tigaraksa" not in page and "Jambe" in page
    # Imports change every kecamatan's figures: not from an area account.
    with open(DATA / "kia_coverage_2020.csv", "rb") as fh:
        assert client.post("/console/coverage/imports/", {"file": fh, "period": "2020-S2"}).status_code == 403


def test_a_supervisor_sees_every_page(client_as, supervisor, seeded):
    client = client_as(supervisor)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


def test_the_dashboard_shows_the_map_and_the_table_sorted_as_asked(client_as, supervisor, seeded):
    client = client_as(supervisor)
    page = client.get("/console/coverage/?sort=-cakupan_persen").content.decode()
    # The map is SVG drawn on the server: one filled outline per kecamatan, figures in its title;
    # no plotly.js on this page and nothing fetched for the map.
    assert page.count('<path d="M') == 29 and "Tigaraksa: cakupan" in page
    assert "plotly" not in page and "geojson" not in page
    assert "cdn" not in page.lower()
    page = page[page.index("<table") :]
    assert page.index("Tigaraksa") < page.index("Jambe") < page.index("Gunung Kaler")
    ascending = client.get("/console/coverage/?sort=cakupan_persen").content.decode()
    ascending = ascending[ascending.index("<table") :]
    assert ascending.index("Gunung Kaler") < ascending.index("Tigaraksa")


def test_the_charts_use_plotly_s_partial_bundle_from_our_own_static_files(client_as, supervisor, seeded):
    page = client_as(supervisor).get("/console/coverage/trend/").content.decode()
    assert '<script src="/static/coverage/vendor/plotly-basic.min.js" defer>' in page
    # The placeholder under the id plotly.js looks for keeps it from injecting inline style.
    (style_id,) = plotly_assets.injected_style_ids()
    assert f'<meta name="loket-plotly-style" id="{style_id}" content="">' in page
    assert "cdn" not in page.lower()


def test_the_map_is_simplified_but_keeps_every_kecamatan():
    shapes, width, height = mapsvg.outlines()
    assert len(shapes) == 29 and width == 900 and 700 < height < 1000
    vertices = sum(s.d.count("L") + s.d.count("M") for s in shapes)
    assert 2_000 < vertices < 5_000  # from 8.8k in the boundary file
    assert all(s.d.startswith("M") and s.d.endswith("Z") for s in shapes)
    assert mapsvg.colour(0, 50) == "#ab091e" and mapsvg.colour(50, 50) == mapsvg.colour(80, 50) == "#0b6e4f"


def test_the_trend_marks_the_flagged_semesters_and_draws_the_targets(client_as, supervisor, seeded):
    client = client_as(supervisor)
    page = client.get("/console/coverage/trend/?target=2023&by=2030-12-31").content.decode()
    assert "Target 2023: 90%" in page and "Target 2022: 41%" in page
    assert "2021-S1: jump" in page
    assert "kartu per hari kerja" in page


def test_an_excluded_semester_leaves_the_chart_but_stays_in_the_history(client_as, supervisor, seeded):
    from loket.coverage.models import RegencyFigure

    client = client_as(supervisor)
    figure = RegencyFigure.objects.get(period="2021-S1")
    response = client.post(
        f"/console/coverage/review/regency/{figure.pk}/", {"review": "excluded", "note": "kolom tertukar"}
    )
    assert response.status_code == 302
    assert "2021-S1" not in [r["periode"] for r in tables.trend_table().rows]
    figure.refresh_from_db()
    assert (figure.review, figure.reviewed_by) == (Review.EXCLUDED, supervisor)


def test_an_excluded_kecamatan_row_is_left_off_the_map(client_as, supervisor, seeded):
    client = client_as(supervisor)
    figure = KecamatanFigure.objects.get(kode_kecamatan="36.03.32")
    client.post(
        f"/console/coverage/review/kecamatan/{figure.pk}/", {"review": "excluded", "note": "cek ulang"}
    )
    page = client.get("/console/coverage/").content.decode()
    # Left grey with no figure on the map (its row stays in the table, marked).
    paths = {
        kode: (fill, title)
        for fill, kode, title in re.findall(r'fill="([^"]+)" data-kode="([^"]+)"><title>([^<]*)', page)
    }
    assert paths["36.03.32"] == (mapsvg.NO_DATA, "Gunung Kaler: tidak ada angka")
    assert paths["36.03.03"][0] != mapsvg.NO_DATA and "cakupan" in paths["36.03.03"][1]


def test_accepting_a_flagged_row_needs_a_note(client_as, supervisor, seeded):
    client = client_as(supervisor)
    figure = KecamatanFigure.objects.get(kode_kecamatan="36.03.03")
    client.post(f"/console/coverage/review/kecamatan/{figure.pk}/", {"review": "accepted", "note": ""})
    figure.refresh_from_db()
    assert figure.review == ""


def test_exports_hold_the_same_numbers_as_the_report(client_as, supervisor, seeded):
    client = client_as(supervisor)
    rows = list(
        csv.DictReader(io.StringIO(client.get("/console/coverage/export/cakupan.csv").content.decode()))
    )
    assert rows[-1]["kode_kecamatan"] == "36.03" and rows[-1]["anak"] == "904154"
    assert rows[-1]["cakupan_persen"] == "15.91"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/console/coverage/export/cakupan.xlsx").content))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Kode" and values[-1][4] == 904154 and values[-1][7] == 15.91
    assert client.get("/console/coverage/export/nothing.csv").status_code == 404


def test_the_monthly_pdf_has_the_coverage_and_service_figures(client_as, supervisor, seeded):
    client = client_as(supervisor)
    response = client.get("/console/coverage/report.pdf?month=2026-11")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "15,91%" in text and "Tigaraksa" in text and "Mutu layanan" in text


def test_an_upload_is_previewed_before_it_is_imported(client_as, supervisor):
    client = client_as(supervisor)
    with open(DATA / "kia_coverage_2020.csv", "rb") as fh:
        page = client.post("/console/coverage/imports/", {"file": fh, "period": "2020-S2"}).content.decode()
    assert "Pratinjau" in page and KecamatanFigure.objects.count() == 0
    response = client.post("/console/coverage/imports/confirm/")
    assert response.status_code == 302 and KecamatanFigure.objects.count() == 29


def test_area_scoped_tables_show_only_that_area():
    run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
    table = tables.coverage_table({"36.03.04", "36.03.32"})
    assert [r["kode_kecamatan"] for r in table.rows] == ["36.03.04", "36.03.32", "36.03"]
    assert table.rows[-1]["anak"] == 15829 + 14560


def make_case(n, service_name="KTP", kode="36.03.01"):
    return Case.objects.create(
        request_number=next_request_number(service_name, dt.date.today()),
        service=service_name,
        subject=f"3603000000{n:06d}",
        resident=resident(n),
        kode_kecamatan=kode,
    )


def test_service_figures_count_decisions_corrections_and_working_hours(django_user_model):
    officer = django_user_model.objects.create_user("petugas", password="x")
    # Monday 2 November 2026, 09:00 in Jakarta.
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=False) as clock:
        case = make_case(1)
        case.move_to(State.QUEUED, source="channel")
        clock.shift(dt.timedelta(hours=2))
        case.move_to(State.IN_REVIEW, actor=officer, source="console")
        case.move_to(
            State.NEEDS_CORRECTION, actor=officer, source="console", note="Foto KK buram\nkirim ulang"
        )
        clock.shift(dt.timedelta(days=1))  # Tuesday 11:00: Mon 09:00-16:00 + Tue 07:30-11:00
        case.move_to(State.QUEUED, source="channel")
        case.move_to(State.IN_REVIEW, actor=officer, source="console")
        case.move_to(State.REJECTED, actor=officer, source="console", note="bukan pemohon")
        make_case(2)  # still waiting for documents
        window = service.Window(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        rows = {r.service: r for r in service.by_service(window)}
        backlog = service.backlog()
        workload = service.officers(window)
    ktp = rows["KTP"]
    assert ktp.values["received"] == 2 and ktp.values["rejected"] == 1 and ktp.values["corrections"] == 1
    assert ktp.first_response_avg == pytest.approx(2.0)
    assert ktp.decision_avg == pytest.approx(7 + 3.5)
    # One of two requests reached the queue complete without an officer's help.
    assert ktp.complete_share == pytest.approx(0.5)
    assert service.top_reasons(window) == [("Foto KK buram", 1)]
    assert backlog.total == 1 and backlog.rows[0]["state"] == State.WAITING_DOCUMENTS
    assert workload == [{"officer": "petugas", "actions": 4, "decisions": 1, "corrections": 1, "open": 0}]


def test_collected_cards_raise_the_dashboard_coverage_too():
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=True):
        run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
        collected_kia_case("36.03.32", 1)
    row = next(r for r in tables.coverage_table().rows if r["kode_kecamatan"] == "36.03.32")
    assert (row["pemilik_kia"], row["kartu_loket"]) == (222, 1)


def test_backlog_ages_and_no_shows_follow_the_open_cases():
    start = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        waiting = make_case(1)
        ready = make_case(2, "KIA")
        for state in (State.QUEUED, State.IN_REVIEW, State.APPROVED, State.READY_FOR_PICKUP):
            ready.move_to(state, source="console", through=state)
        clock.shift(dt.timedelta(days=3))
        early = service.backlog()
        clock.shift(dt.timedelta(days=12))
        late = service.backlog()
        waiting.move_to(State.CANCELLED, source="channel")
        after_cancel = service.backlog()
    assert early.total == 2 and early.no_shows == 0
    assert {r["state"]: r["buckets"][1] for r in early.rows} == {
        "waiting_documents": 1,
        "ready_for_pickup": 1,
    }
    assert late.no_shows == 1 and late.oldest_days == 15
    assert [r["state"] for r in after_cancel.rows] == ["ready_for_pickup"] and after_cancel.total == 1
