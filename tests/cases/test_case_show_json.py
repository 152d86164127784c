"""`loket case show NUMBER --json`: the request as scripts and acceptance checks read it."""

import io
import json

import pytest
from django.core.management import call_command

from loket.cases.models import Case
from tests.whatsapp.inbound import deliver, inbound_settings, office_numbers, text  # noqa: F401
from tests.whatsapp_fixtures import _fake_graph_server, fake_graph  # noqa: F401

pytestmark = pytest.mark.django_db

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_typed_request_shows_the_same_fields_as_loket_parse_gives(monkeypatch):
    office_numbers()
    deliver(text(KIA_BUDI))
    case = Case.objects.get()
    shown = json.loads(run("case", "show", case.request_number, "--json"))
    parsed = json.loads(_parse(KIA_BUDI, monkeypatch))
    assert shown["number"] == case.request_number
    assert (shown["service"], shown["state"], shown["source"]) == ("KIA", "waiting_documents", "typed")
    assert shown["fields"] == parsed["fields"] and shown["fields"]["nama"] == "BUDI SANTOSO"


def _parse(message: str, monkeypatch) -> str:
    # `loket parse` reads one message per line from stdin and prints one JSON result per line.
    # It writes UTF-8 bytes to stdout's buffer itself, whatever the locale.
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((message + "\n").encode())))
    out = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(out))
    call_command("parse")
    return out.getvalue().decode()


def test_an_unknown_number_is_a_clear_error():
    with pytest.raises(Exception, match="tidak ditemukan"):
        run("case", "show", "KIA-20990101-0001", "--json")
