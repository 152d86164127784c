"""Secure by default behind HTTPS, plain http for the demo.

Settings are read from the environment when `loket.settings` is imported, so each variant
runs in its own process: it imports the settings with the variant's environment, signs in
to the console's first step over the test database, and prints what the browser would get.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.db import connection

from tests.console.builders import PASSWORD, make_staff

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROBE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.conf import settings
    from django.test import Client

    def cookies(response):
        return {
            name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])}
            for name, c in response.cookies.items()
        }

    client = Client(enforce_csrf_checks=False, HTTP_HOST="localhost")
    headers = {"HTTP_X_FORWARDED_PROTO": "https"} if settings.LOKET_HTTPS else {}
    page = client.get("/console/login/", **headers)
    signed = client.post("/console/login/", {"username": "petugas", "password": sys.argv[1]}, **headers)
    print(json.dumps({
        "page": {"status": page.status_code, "hsts": page.get("Strict-Transport-Security", "")},
        "signed": {"status": signed.status_code, "location": signed.get("Location", "")},
        "cookies": {**cookies(page), **cookies(signed)},
        "redirect": settings.SECURE_SSL_REDIRECT,
    }))
    """
)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def probe(**env: str) -> dict:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("LOKET_") or k == "LOKET_SECRET_KEY"
    }
    environment.update(
        DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="loket.settings", LOKET_AXES_ENABLED="0", **env
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, PASSWORD],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def officer():
    return make_staff("petugas", "officer", services=["KIA"])


def test_behind_https_the_session_cookie_is_secure_and_httponly_and_hsts_is_sent(officer):
    seen = probe(LOKET_PUBLIC_URL="https://loket.example.go.id")
    assert seen["signed"]["status"] == 302 and "/console/login/kode/" in seen["signed"]["location"]
    assert seen["cookies"]["sessionid"] == {"secure": True, "httponly": True}
    assert seen["cookies"]["csrftoken"]["secure"] is True
    assert seen["page"]["hsts"] == "max-age=31536000"
    assert seen["redirect"] is False


def test_the_plain_http_demo_gets_no_redirect_no_hsts_and_cookies_it_can_send_back(officer):
    seen = probe(LOKET_PUBLIC_URL="http://127.0.0.1:8000")
    assert seen["page"] == {"status": 200, "hsts": ""}  # no redirect to https
    assert seen["signed"]["status"] == 302
    assert seen["cookies"]["sessionid"] == {"secure": False, "httponly": True}


def test_explicit_settings_override_the_https_defaults(officer):
    seen = probe(LOKET_PUBLIC_URL="https://loket.example.go.id", LOKET_HSTS="0", LOKET_SECURE_COOKIES="0")
    assert seen["page"]["hsts"] == ""  # the proxy adds its own
    assert seen["cookies"]["sessionid"]["secure"] is False
    seen = probe(LOKET_PUBLIC_URL="http://127.0.0.1:8000", LOKET_SECURE_COOKIES="1")
    assert seen["cookies"]["sessionid"]["secure"] is True
