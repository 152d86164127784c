"""/v/<token> is limited per client address, with one count shared by every web process."""

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import pytest
import time_machine
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 12, 7, 5, 0, 5, tzinfo=dt.UTC)
FORGED = "/v/bukan-token-asli"


def hits(client: Client, n: int, **headers) -> list[int]:
    return [client.get(FORGED, **headers).status_code for _ in range(n)]


@time_machine.travel(NOON, tick=False)
def test_a_client_over_the_limit_gets_a_short_429_page_and_others_are_served(settings):
    settings.LOKET_VERIFY_PER_MINUTE = 5
    client = Client()
    assert hits(client, 5) == [200] * 5
    refused = client.get(FORGED)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "55"
    assert "Terlalu sering memeriksa" in refused.content.decode()
    assert "Content-Security-Policy" in refused
    assert hits(client, 1, REMOTE_ADDR="10.9.9.9") == [200]  # another address


@time_machine.travel(NOON, tick=False)
def test_behind_the_proxy_the_client_is_read_from_x_forwarded_for_and_forged_entries_do_not_help(settings):
    settings.LOKET_VERIFY_PER_MINUTE = 2
    settings.LOKET_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1")  # the proxy
    assert hits(client, 2, HTTP_X_FORWARDED_FOR="203.0.113.7") == [200, 200]
    assert hits(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.7") == [429]
    # A client writing its own X-Forwarded-For: the proxy appends the real address last.
    assert hits(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7") == [429]
    assert hits(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.8") == [200]  # another resident behind the proxy


@time_machine.travel(NOON, tick=False)
def test_without_a_proxy_x_forwarded_for_is_ignored(settings):
    settings.LOKET_VERIFY_PER_MINUTE = 1
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert hits(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.1") == [200]
    assert hits(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.2") == [429]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


OTHER_PROCESS = textwrap.dedent(
    """
    import datetime as dt, json, sys
    import django, time_machine
    django.setup()
    from django.test import Client
    with time_machine.travel(dt.datetime.fromisoformat(sys.argv[1]), tick=False):
        codes = [Client().get("/v/bukan-token-asli", HTTP_HOST="localhost").status_code for _ in range(int(sys.argv[2]))]
    print(json.dumps(codes))
    """
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_another_web_process_shares_the_count(settings):
    settings.LOKET_VERIFY_PER_MINUTE = 4
    with time_machine.travel(NOON, tick=False):
        assert hits(Client(), 3) == [200, 200, 200]
    env = {**os.environ, "DATABASE_URL": database_url(), "LOKET_VERIFY_PER_MINUTE": "4"}
    env["DJANGO_SETTINGS_MODULE"] = "loket.settings"
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, NOON.isoformat(), "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # The other process saw this one's three hits: its second is the fifth in the window.
    assert json.loads(other.stdout.strip().splitlines()[-1]) == [200, 429]
    with time_machine.travel(NOON, tick=False):
        assert hits(Client(), 1) == [429]
