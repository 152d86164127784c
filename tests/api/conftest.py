"""API test set-up: tokens as `loket api token add` makes them, and a client that sends them."""

from __future__ import annotations

import pytest
from django.test import Client

from loket.api.tokens import issue


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.LOKET_API_PER_MINUTE = 1000
    settings.LOKET_API_PERSONAL_DATA = True


class ApiClient:
    """Django's test client with a Bearer token on every request."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: dict | None = None):
        return self.client.post(path, body or {}, content_type="application/json", headers=self.headers)


@pytest.fixture
def make_token(db):
    def make(name: str = "siak", scope: str = "read", **kwargs) -> tuple:
        row, token = issue(name=name, scope=scope, **kwargs)
        return row, ApiClient(token)

    return make


@pytest.fixture
def reader(make_token):
    return make_token("reader", "read")[1]


@pytest.fixture
def writer(make_token):
    return make_token("writer", "write")[1]


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == f"urn:loket:problem:{code}"
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["instance"]
    return body
