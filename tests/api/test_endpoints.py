"""Each read endpoint under its scopes: detail and files (personal), calendar, regions,
figures; pagination; a dead database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from loket.cases.models import Document, State
from loket.console.models import AuditEntry
from loket.regions.models import Region
from tests.api.conftest import assert_problem
from tests.console.builders import KEC_A, KEC_B, add_document, make_case
from tests.core.probes import unreachable_database
from tests.coverage.builders import KECAMATAN_HEADER, kec_row, run_import, write_table
from tests.survey import builders as survey_builders

pytestmark = pytest.mark.django_db


# --- case detail and files ------------------------------------------------------------------------


def test_detail_without_personal_masks_and_hides_the_data_but_is_audited(reader):
    case = make_case(subject="3603035512180003", state=State.IN_REVIEW)
    response = reader.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["subject"] == "3603 •••• •••• 0003"
    assert body["fields"] is None
    assert len(body["documents"]) == 4
    assert all(doc["download"] is None for doc in body["documents"])
    assert [e["to_state"] for e in body["events"]] == [State.QUEUED, State.IN_REVIEW]
    assert "3603035512180003" not in response.content.decode()
    entry = AuditEntry.objects.get(action="api_view_case")
    assert (entry.case, entry.detail, entry.actor) == (case, "token=reader", None)


def test_detail_with_personal_shows_the_data_and_links_the_files(make_token):
    case = make_case(subject="3603035512180003")
    _, client = make_token("pks", personal=True)
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert body["subject"] == "3603035512180003"
    assert body["fields"]
    assert (
        body["documents"][0]["download"]
        == f"/api/v1/cases/{case.pk}/documents/{body['documents'][0]['id']}/file"
    )


def test_files_need_personal_and_go_through_the_consoles_audited_path(make_token, reader):
    case = make_case(docs=())
    doc = add_document(case, "kk")
    path = f"/api/v1/cases/{case.pk}/documents/{doc.pk}/file"
    assert_problem(reader.get(path), 403, "personal-scope-required")
    _, client = make_token("pks", personal=True)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    entry = AuditEntry.objects.get(action="api_view_document")
    assert (entry.case, entry.document, entry.detail) == (case, doc, "token=pks")
    # Another case's document by this case's path: not found.
    other = add_document(make_case(docs=()), "kk")
    assert_problem(client.get(f"/api/v1/cases/{case.pk}/documents/{other.pk}/file"), 404, "not-found")


def test_a_refused_file_is_only_ever_an_attachment(make_token):
    case = make_case(docs=())
    doc = add_document(
        case, "kk", mime="text/html", content=b"<script>alert(1)</script>", status=Document.Status.REFUSED
    )
    _, client = make_token("pks", personal=True)
    response = client.get(f"/api/v1/cases/{case.pk}/documents/{doc.pk}/file")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_file_of_a_case_outside_the_kecamatan_is_404(make_token):
    case = make_case(kecamatan=KEC_B, docs=())
    doc = add_document(case, "kk")
    _, client = make_token("pks", personal=True, kecamatan=[KEC_A])
    assert_problem(client.get(f"/api/v1/cases/{case.pk}/documents/{doc.pk}/file"), 404, "not-found")


# --- the list: filters and the cursor ------------------------------------------------------------


def test_pages_follow_the_cursor_to_the_end_without_gaps_or_repeats(reader):
    made = [make_case(docs=(), consent=False).pk for _ in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = reader.get("/api/v1/cases", **params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert seen == made
    assert pages == 3


def test_a_cursor_is_tied_to_its_filters_and_cannot_be_edited(reader):
    for _ in range(3):
        make_case(docs=(), consent=False)
    cursor = reader.get("/api/v1/cases", limit=1).json()["next"]
    assert cursor
    assert_problem(reader.get("/api/v1/cases", limit=1, cursor=cursor, service="KK"), 400, "invalid-cursor")
    tampered = cursor[:-3] + ("aaa" if not cursor.endswith("aaa") else "bbb")
    assert_problem(reader.get("/api/v1/cases", limit=1, cursor=tampered), 400, "invalid-cursor")
    assert_problem(reader.get("/api/v1/regions", limit=1, cursor=cursor), 400, "invalid-cursor")


def test_filters_by_service_state_kecamatan_and_dates(reader):
    old = make_case("KIA", created_at=dt.datetime(2026, 10, 1, 3, tzinfo=dt.UTC), docs=())
    new = make_case("KK", State.IN_REVIEW, subject="3603031203150007", kecamatan=KEC_B, docs=())

    def ids(**params):
        return [item["id"] for item in reader.get("/api/v1/cases", **params).json()["items"]]

    assert ids(service="KK") == [new.pk]
    assert ids(state="in_review") == [new.pk]
    assert ids(kecamatan=KEC_A) == [old.pk]
    assert ids(created_to="2026-10-01") == [old.pk]
    assert ids(created_from="2026-10-02") == [new.pk]
    assert ids(updated_from="2000-01-01") == [old.pk, new.pk]


# --- calendar, regions, figures -------------------------------------------------------------------


def test_working_days_skip_weekends_and_national_holidays(reader):
    body = reader.get("/api/v1/calendar/working-days", start="2026-12-21", end="2026-12-27").json()
    # 25 Dec (Christmas) and the weekend are not working days (24 Dec is cuti bersama).
    assert "2026-12-25" not in body["days"]
    assert "2026-12-26" not in body["days"] and "2026-12-27" not in body["days"]
    assert body["count"] == len(body["days"]) >= 2
    assert_problem(
        reader.get("/api/v1/calendar/working-days", start="2026-12-21", end="2026-12-01"), 400, "bad-request"
    )
    assert_problem(
        reader.get("/api/v1/calendar/working-days", start="2026-01-01", end="2028-01-01"), 400, "bad-request"
    )
    assert_problem(
        reader.get("/api/v1/calendar/working-days", start="0", end="2026-01-01"), 422, "validation-error"
    )


def test_next_pickup_follows_the_services_schedule_and_the_tokens_services(make_token, reader):
    body = reader.get("/api/v1/calendar/next-pickup", service="KIA", start="2026-11-30").json()
    assert body["outcome"] == "pickup"
    assert body["earliest"] > "2026-11-30"
    assert body["session"]["day"] >= body["earliest"]
    kk = reader.get("/api/v1/calendar/next-pickup", service="KK", start="2026-11-30").json()
    assert kk["earliest"] is None and kk["session"] is None  # a PDF sent over WhatsApp
    _, kk_only = make_token("kk-only", services=["KK"])
    assert_problem(kk_only.get("/api/v1/calendar/next-pickup", service="KIA"), 404, "not-found")


def test_regions_page_and_filter_by_parent(reader):
    kecamatan = Region.objects.filter(level=Region.Level.KECAMATAN, kode__startswith="36.03.").count()
    assert kecamatan > 20
    body = reader.get("/api/v1/regions", level="kecamatan", parent="36.03", limit=10).json()
    assert len(body["items"]) == 10 and body["next"]
    assert body["items"][0]["parent"] == "36.03"
    rest = reader.get(
        "/api/v1/regions", level="kecamatan", parent="36.03", limit=500, cursor=body["next"]
    ).json()
    assert len(rest["items"]) == kecamatan - 10 and rest["next"] is None


def test_coverage_keeps_to_the_tokens_kecamatan(make_token, tmp_path):
    rows = [
        kec_row("TIGARAKSA", 50, 50, 20, 20, kode=KEC_A),
        kec_row("PASAR KEMIS", 40, 40, 10, 10, kode=KEC_B),
    ]
    run_import(write_table(tmp_path, KECAMATAN_HEADER, rows), period="2026-S1")
    _, everywhere = make_token("all")
    _, tigaraksa = make_token("tigaraksa", kecamatan=[KEC_A])
    assert {i["kode_kecamatan"] for i in everywhere.get("/api/v1/figures/coverage").json()["items"]} == {
        KEC_A,
        KEC_B,
    }
    [line] = tigaraksa.get("/api/v1/figures/coverage").json()["items"]
    assert (line["kode_kecamatan"], line["children"], line["holders"], line["coverage_percent"]) == (
        KEC_A,
        100,
        40,
        40.0,
    )


def test_service_quality_keeps_to_the_tokens_services(make_token):
    make_case("KIA", docs=())
    make_case("KK", subject="3603031203150007", docs=())
    _, everything = make_token("all")
    _, kk_only = make_token("kk", services=["KK"])
    every = {i["service"] for i in everything.get("/api/v1/figures/service-quality").json()["items"]}
    only = {i["service"] for i in kk_only.get("/api/v1/figures/service-quality").json()["items"]}
    assert only <= {"KK"}
    assert "Semua" not in only
    assert only <= every


def test_skm_figures_match_the_reference_example_and_keep_to_services(make_token, reader):
    survey_builders.example()
    body = reader.get("/api/v1/figures/skm", start="2026-11-01", end="2026-11-30").json()
    assert body["total"]["respondents"] == 4
    assert body["total"]["ikm"] == 81.13  # the reference's worked example, weight 0.11
    assert body["total"]["grade"] == "B"
    _, kk_only = make_token("kk", services=["KK"])
    kk = kk_only.get("/api/v1/figures/skm", start="2026-11-01", end="2026-11-30").json()
    assert kk["total"]["respondents"] == 0
    assert_problem(kk_only.get("/api/v1/figures/skm", service="KIA"), 404, "not-found")


# --- a dead database --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_the_api_answers_503_problem_not_a_traceback(tmp_path, make_token):
    _, client = make_token("reader")
    client.client = Client(raise_request_exception=False)
    with unreachable_database(tmp_path):
        response = client.get("/api/v1/cases")
        detail = client.get("/api/v1/cases/1")
    for answer in (response, detail):
        assert_problem(answer, 503, "unavailable")
        assert "Traceback" not in answer.content.decode()
        assert answer["Retry-After"] == "30"
    assert client.get("/api/v1/cases").status_code == 200  # back with the database
