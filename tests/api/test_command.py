"""`loket api token add|list|revoke`, as an operator runs it."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from loket.api.models import ApiToken
from loket.api.tokens import digest

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api", *args, stdout=out)
    return out.getvalue()


def test_add_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash():
    output = run("token", "add", "--name", "siak-tigaraksa", "--scope", "read", "--services", "KIA", "KK",
                 "--kecamatan", "36.03.03")  # fmt: skip
    token = output.rstrip("\n").splitlines()[-1]
    assert token.startswith("loket_") and " " not in token
    row = ApiToken.objects.get(name="siak-tigaraksa")
    assert (row.scope, row.services, row.kecamatan, row.personal) == (
        "read",
        ["KIA", "KK"],
        ["36.03.03"],
        False,
    )
    assert row.secret_sha256 == digest(token)
    assert token not in str(ApiToken.objects.values_list()[0])
    assert Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # Listed without the secret.
    listing = run("token", "list")
    assert "siak-tigaraksa" in listing and token not in listing


def test_personal_is_refused_unless_the_installation_allows_it(settings):
    settings.LOKET_API_PERSONAL_DATA = False
    with pytest.raises(CommandError, match="LOKET_API_PERSONAL_DATA=1"):
        run("token", "add", "--name", "pks", "--scope", "read", "--personal")
    assert not ApiToken.objects.exists()
    settings.LOKET_API_PERSONAL_DATA = True
    run("token", "add", "--name", "pks", "--scope", "read", "--personal")
    assert ApiToken.objects.get(name="pks").personal


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--services", "SIM"], "Layanan tidak dikenal"),
        (["--kecamatan", "99.99.99"], "Kode kecamatan tidak dikenal"),
        (["--office", "99.99"], r"Kantor 99\.99 tidak dikenal \(terdaftar: 36\.03\)"),
    ],
)
def test_unknown_services_kecamatan_or_office_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        run("token", "add", "--name", "x", "--scope", "read", *args)
    assert not ApiToken.objects.exists()


def test_a_name_is_unique():
    run("token", "add", "--name", "siak", "--scope", "read")
    with pytest.raises(CommandError, match="sudah ada"):
        run("token", "add", "--name", "siak", "--scope", "write")


def test_revoke_stops_the_token_at_once():
    token = run("token", "add", "--name", "siak", "--scope", "read").splitlines()[-1]
    assert "dicabut" in run("token", "revoke", "siak")
    response = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "DICABUT" in run("token", "list")
    with pytest.raises(CommandError):
        run("token", "revoke", "nobody")


@pytest.mark.slow
def test_the_real_command_exits_1_with_a_clear_message_for_personal(tmp_path):
    env = {**os.environ, "LOKET_DATA_DIR": str(tmp_path), "LOKET_API_PERSONAL_DATA": "0"}
    env.pop("DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "loket",
        "api",
        "token",
        "add",
        "--name",
        "x",
        "--scope",
        "read",
        "--personal",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "LOKET_API_PERSONAL_DATA=1" in done.stderr
