"""`loket parse`: one JSON object per input line, in order, never stopping, no database."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .builders import kia

LOKET = Path(sys.executable).parent / "loket"


def run_parse(stdin: str | bytes, *args: str, env: dict | None = None) -> list[dict]:
    completed = subprocess.run(
        [str(LOKET), "parse", *args],
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        env=env,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in completed.stdout.decode().splitlines()]


@pytest.mark.slow
def test_parse_works_on_a_fresh_data_directory_without_migrate_or_settings(tmp_path):
    env = {"PATH": os.environ["PATH"], "LOKET_DATA_DIR": str(tmp_path / "var")}
    lines = [kia(), "halo", "", kia(nama="S1TI"), "#KIA#\udcff"]
    stdin = "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n"  # ends with a byte that is not UTF-8
    out = run_parse(stdin, env=env)
    assert [o["ok"] for o in out] == [True, False, False, False, False]
    assert out[0]["fields"]["kode_desa"] == "36.03.03.2002"
    assert out[1]["problems"][0]["field"] == "service"
    assert out[3]["problems"][0]["code"] == "name_has_digits"
    # no database was created
    assert not any(p.name.startswith("loket.sqlite3") for p in (tmp_path / "var").iterdir())


@pytest.mark.slow
def test_parse_reads_the_office_from_the_environment(tmp_path):
    """docs/intake.md: LOKET_REGION_FILE / LOKET_REGION_CODE / LOKET_SERVICE_NUMBERS name
    another office; the command passes them to the domain (which reads no environment)."""
    region_file = tmp_path / "wilayah_3671.csv"
    region_file.write_text(
        "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
        "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
        "36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
    )
    env = {
        "PATH": os.environ["PATH"],
        "LOKET_DATA_DIR": str(tmp_path / "var"),
        "LOKET_REGION_FILE": str(region_file),
        "LOKET_REGION_CODE": "36.71",
        "LOKET_SERVICE_NUMBERS": "KK=081100000009",
    }
    lines = [
        "#KK#3671011203150007#AHMAD FAUZI#SUKARASA#TANGERANG",
        "#KK#3603031203150007#AHMAD FAUZI#PASIR BOLANG#TIGARAKSA",
        "halo",
    ]
    out = run_parse("\n".join(lines) + "\n", env=env)
    assert out[0]["ok"] is True and out[0]["fields"]["kode_desa"] == "36.71.01.1001"
    assert out[1]["problems"][0]["code"] == "kecamatan_outside_office"
    assert "Kota Tangerang" in out[2]["problems"][0]["message"]
    assert "081100000009" in out[2]["problems"][0]["message"]
    # Without the variables: the packaged office, as before.
    default = run_parse(
        "\n".join(lines) + "\n", env={"PATH": os.environ["PATH"], "LOKET_DATA_DIR": str(tmp_path)}
    )
    assert [o["ok"] for o in default] == [False, True, False]
    assert "081100000009" not in default[2]["problems"][0]["message"]


@pytest.mark.slow
def test_json_mode_takes_text_and_date_and_reports_bad_lines_without_stopping(tmp_path):
    env = {"PATH": os.environ["PATH"], "LOKET_DATA_DIR": str(tmp_path)}
    multi_line = "KIA\n3603037011090003\n3603031203150007\nSITI AMINAH\nPASIR BOLANG\nTIGARAKSA"
    stdin = "\n".join(
        [
            json.dumps({"text": multi_line, "date": "2026-11-29"}),
            json.dumps({"text": multi_line, "date": "2026-11-30"}),
            "this is not json",
            json.dumps({"date": "2026-11-30"}),
            json.dumps({"text": kia(), "date": "30-11-2026"}),
            json.dumps({"text": "\x00\x1b[31m#KIA#"}),
            json.dumps({"text": kia()}),
        ]
    )
    out = run_parse(stdin + "\n", "--json", env=env)
    assert len(out) == 7
    assert out[0]["ok"] is True and out[0]["derived"]["umur"] == 16
    assert out[1]["problems"][0]["code"] == "kia_age_17"
    assert [o["problems"][0]["code"] for o in out[2:5]] == [
        "input_not_json",
        "input_no_text",
        "input_bad_date",
    ]
    assert out[5]["service"] == "KIA" and out[5]["ok"] is False
    assert out[6]["ok"] is True
    assert set(out[6]) == {"ok", "service", "fields", "derived", "problems", "warnings"}


def test_the_command_runs_in_process_too(monkeypatch):
    from django.core.management import call_command

    stdin = io.TextIOWrapper(io.BytesIO(f"{kia()}\nhalo\n".encode()))
    stdout = io.TextIOWrapper(io.BytesIO())
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    call_command("parse")
    lines = stdout.buffer.getvalue().decode().splitlines()
    assert [json.loads(line)["service"] for line in lines] == ["KIA", None]
