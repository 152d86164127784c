"""`loket skm compute` as a resident of the shell sees it: a real process, stdin, exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEADER = "u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
EXAMPLE = HEADER + "4,3,3,4,3,4,4,3,3\n3,4,2,4,4,3,4,2,3\n4,3,3,4,3,4,3,3,2\n3,3,3,4,3,3,4,3,3\n"


def run(stdin: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loket", "skm", "compute", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow
def test_json_with_the_default_weight() -> None:
    done = run(EXAMPLE, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "respondents": 4,
        "nrr": {
            "u1": "3.50",
            "u2": "3.25",
            "u3": "2.75",
            "u4": "4.00",
            "u5": "3.25",
            "u6": "3.50",
            "u7": "3.75",
            "u8": "2.75",
            "u9": "2.75",
        },
        "weight": "0.11",
        "skm": "3.25",
        "ikm": "81.13",
        "mutu": "B",
        "kinerja": "baik",
    }


@pytest.mark.slow
def test_one_ninth_and_the_setting() -> None:
    assert json.loads(run(EXAMPLE, "--weight", "1/9", "--json").stdout)["ikm"] == "81.94"
    by_setting = json.loads(run(EXAMPLE, "--json", env={"LOKET_SKM_WEIGHT": "1/9"}).stdout)
    assert (by_setting["weight"], by_setting["ikm"]) == ("1/9", "81.94")
    # The flag wins over the setting.
    assert (
        json.loads(run(EXAMPLE, "--json", "--weight", "0.11", env={"LOKET_SKM_WEIGHT": "1/9"}).stdout)["ikm"]
        == "81.13"
    )


@pytest.mark.slow
def test_text_output_and_unanswered_cells() -> None:
    done = run(HEADER + "4,4,,4,4,4,4,4,4\n2,2,3,2,2,2,2,2,2\n\n")
    assert done.returncode == 0, done.stderr
    assert "Responden: 2" in done.stdout
    assert "U3     3.00" in done.stdout  # only the second respondent answered u3
    assert "Bobot per unsur: 0.11" in done.stdout
    assert "Mutu:" in done.stdout and "IKM:" in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        (HEADER + "4,3,3,4,3,4,4,3,3\n4,3,3,5,3,4,4,3,3\n", (), "baris 3: nilai u4 harus 1-4"),
        (HEADER + "4,3,3,4,3,4,4,3,0\n", (), "baris 2: nilai u9 harus 1-4"),
        (HEADER + "4,3,3,4,x,4,4,3,3\n", (), "baris 2: nilai u5"),
        ("4,3,3,4,3,4,4,3,3\n", (), "baris 1: kepala kolom harus u1"),
        ("", (), "kepala kolom u1,u2,…,u9 tidak ada"),
        (HEADER, (), "tidak ada baris jawaban"),
        (HEADER + "4,,3,4,3,4,4,3,3\n3,,3,4,3,4,4,3,3\n", (), "unsur tanpa jawaban: u2"),
        (HEADER + "4,3,3\n", (), "baris 2: 3 kolom"),
        (EXAMPLE, ("--weight", "0.1"), "bobot harus 0.11 atau 1/9"),
    ],
)
def test_refused_input_exits_non_zero_naming_line_or_element(stdin: str, args: tuple, message: str) -> None:
    done = run(stdin, *args)
    assert done.returncode != 0
    assert message in done.stderr
    assert done.stdout == ""
