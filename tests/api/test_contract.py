"""The contracts checked from outside: the schema, problems, masking, kecamatan scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from openapi_spec_validator import validate

from loket.api.problems import PROBLEMS
from loket.console.models import AuditEntry
from tests.api.conftest import assert_problem
from tests.console.builders import KEC_A, KEC_B, make_case

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_without_a_token():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/cases" in schema["paths"]
    assert "/api/v1/cases/{case_id}/approve" in schema["paths"]
    # Errors are typed as problem details in the schema itself.
    errors = schema["paths"]["/api/v1/cases"]["get"]["responses"]["401"]["content"]
    assert list(errors) == ["application/problem+json"]


def test_the_docs_page_is_served_from_our_own_static_files():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/api/swagger/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script: the CSP allows none
    assert Client().get("/static/api/swagger/swagger-ui-bundle.js").status_code == 200


def test_cases_without_a_token_is_a_401_problem_in_bahasa():
    body = assert_problem(Client().get("/api/v1/cases"), 401, "unauthorized")
    assert "Token" in body["detail"]
    assert body["instance"] == "/api/v1/cases"


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer loket_000000000000_" + "a" * 43, "Basic dXNlcjpwYXNz", "Bearer"],
)
def test_unknown_or_malformed_tokens_are_401(header):
    response = Client().get("/api/v1/cases", headers={"Authorization": header})
    assert_problem(response, 401, "unauthorized")


def test_a_token_with_a_right_prefix_but_wrong_secret_is_401(make_token):
    row, _ = make_token()
    forged = f"loket_{row.prefix}_" + "b" * 43
    assert_problem(
        Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {forged}"}), 401, "unauthorized"
    )


def test_a_read_token_lists_cases_with_masked_numbers(reader):
    case = make_case(subject="3603035512180003")
    response = reader.get("/api/v1/cases")
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    [item] = body["items"]
    assert item["id"] == case.pk
    assert item["subject"] == "3603 •••• •••• 0003"
    assert "3603035512180003" not in response.content.decode()


def test_a_personal_token_sees_whole_numbers_and_the_list_is_audited(make_token):
    make_case(subject="3603035512180003")
    _, client = make_token("pks", "read", personal=True)
    response = client.get("/api/v1/cases")
    assert response.json()["items"][0]["subject"] == "3603035512180003"
    entry = AuditEntry.objects.get(action="api_list_cases")
    assert entry.detail.startswith("token=pks")


def test_a_kecamatan_token_never_sees_another_kecamatan(make_token):
    mine = make_case(kecamatan=KEC_A)
    theirs = make_case(kecamatan=KEC_B)
    _, client = make_token("tigaraksa", "write", kecamatan=[KEC_A])
    ids = [item["id"] for item in client.get("/api/v1/cases").json()["items"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/cases/{mine.pk}").status_code == 200
    assert_problem(client.get(f"/api/v1/cases/{theirs.pk}"), 404, "not-found")
    # Asking for the other kecamatan by filter gives nothing, not their cases.
    assert client.get("/api/v1/cases", kecamatan=KEC_B).json()["items"] == []
    assert_problem(
        client.post(f"/api/v1/cases/{theirs.pk}/reject", {"reason": "x", "instead": "y"}), 404, "not-found"
    )


def test_a_service_token_sees_only_its_services(make_token):
    kia = make_case("KIA")
    kk = make_case("KK", subject="3603031203150007")
    _, client = make_token("kk-only", "read", services=["KK"])
    assert [i["id"] for i in client.get("/api/v1/cases").json()["items"]] == [kk.pk]
    assert_problem(client.get(f"/api/v1/cases/{kia.pk}"), 404, "not-found")


def test_a_revoked_token_is_401(make_token):
    row, client = make_token()
    assert client.get("/api/v1/cases").status_code == 200
    row.revoked_at = row.created_at
    row.save()
    assert_problem(client.get("/api/v1/cases"), 401, "unauthorized")


def test_unknown_paths_wrong_methods_and_trailing_slashes_are_problems_not_redirects(reader):
    assert_problem(reader.get("/api/v1/nothing-here"), 404, "not-found")
    assert_problem(reader.get("/api/v1/cases/"), 404, "not-found")  # no redirect to a slash
    assert_problem(reader.get("/api/v1"), 404, "not-found")
    response = reader.client.delete("/api/v1/cases", headers=reader.headers)
    assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response["Allow"]


def test_garbage_and_huge_query_parameters_are_4xx_problems(reader):
    make_case()
    assert_problem(reader.get("/api/v1/cases", cursor="garbage"), 400, "invalid-cursor")
    assert_problem(reader.get("/api/v1/cases", cursor="x" * 5000), 422, "validation-error")
    body = assert_problem(reader.get("/api/v1/cases", limit="9" * 40), 422, "validation-error")
    assert body["errors"]
    assert_problem(reader.get("/api/v1/cases", service="NOPE"), 422, "validation-error")
    assert_problem(reader.get("/api/v1/cases", created_from="2026-13-45"), 422, "validation-error")
    assert_problem(reader.get("/api/v1/cases/" + "9" * 40), 422, "validation-error")
    assert_problem(reader.get("/api/v1/cases", kecamatan="36.03.03\x00"), 422, "validation-error")


def test_the_rate_limit_is_per_token_and_answers_429_with_retry_after(make_token, settings):
    settings.LOKET_API_PER_MINUTE = 3
    _, first = make_token("a")
    _, second = make_token("b")
    for _ in range(3):
        assert first.get("/api/v1/regions", limit=1).status_code == 200
    response = first.get("/api/v1/regions", limit=1)
    assert_problem(response, 429, "rate-limited")
    assert int(response["Retry-After"]) >= 1
    assert second.get("/api/v1/regions", limit=1).status_code == 200


def test_the_docs_list_every_problem_type():
    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    for problem in PROBLEMS.values():
        assert f"| `{problem.uri}` | {problem.status} |" in text


def test_a_problem_made_from_djangos_own_answer_keeps_the_security_headers(reader):
    response = reader.get("/api/v1/nothing-here")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
    gzipped = reader.client.delete("/api/v1/cases", headers={**reader.headers, "Accept-Encoding": "gzip"})
    assert gzipped.status_code == 405
    assert gzipped.json()["type"] == "urn:loket:problem:method-not-allowed"
