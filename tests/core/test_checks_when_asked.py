"""The holiday-calendar warning speaks in `loket check` (and the console), not before every command."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core import checks
from django.core.management import call_command

from loket.core.checks import asking, when_asked

LOKET = Path(sys.executable).parent / "loket"
# On this day the holidays package only estimates Idul Fitri and Idul Adha 2027: W002 is due.
ESTIMATES_DUE = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


def warning_ids(**kwargs: object) -> list[str]:
    return [message.id for message in checks.run_checks(**kwargs) if message.id]


@time_machine.travel(ESTIMATES_DUE, tick=False)
def test_the_check_runs_only_when_asked() -> None:
    assert "scheduling.W002" not in warning_ids()  # what every command runs first
    with asking():
        assert "scheduling.W002" in warning_ids()
        assert "scheduling.W002" in warning_ids(tags=["loket"])
    assert "scheduling.W002" not in warning_ids()  # asking ends with its block


def test_a_wrapped_check_keeps_its_name_and_its_answer() -> None:
    def sample(app_configs=None, **kwargs):
        return [checks.Warning("sample", id="test.W001")]

    wrapped = when_asked(sample)
    assert wrapped.__name__ == "sample" and wrapped() == []
    with asking():
        assert [m.id for m in wrapped()] == ["test.W001"]


@pytest.mark.django_db
@time_machine.travel(ESTIMATES_DUE, tick=False)
def test_loket_check_says_it() -> None:
    err = io.StringIO()
    call_command("check", stdout=io.StringIO(), stderr=err)
    assert "scheduling.W002" in err.getvalue() and "2027" in err.getvalue()


@pytest.mark.django_db
@time_machine.travel(ESTIMATES_DUE, tick=False)
def test_the_worker_does_not_print_it_above_its_output() -> None:
    out, err = io.StringIO(), io.StringIO()
    # skip_checks=False: the checks run as they do from the shell (call_command skips them).
    call_command("worker", "--once", "--only", "jobs.purge", skip_checks=False, stdout=out, stderr=err)
    assert "W002" not in err.getvalue() + out.getvalue()
    assert "System check" not in err.getvalue() + out.getvalue()
    assert "selesai" in out.getvalue()  # the worker's own summary is there


@pytest.mark.slow
def test_loket_parse_prints_only_its_json(tmp_path) -> None:
    env = {"PATH": os.environ["PATH"], "LOKET_DATA_DIR": str(tmp_path)}
    completed = subprocess.run(
        [str(LOKET), "parse"],
        input=b"#KIA#3603034203200001#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA\n",
        capture_output=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert completed.stderr == b""
    assert completed.stdout.startswith(b'{"ok": ') and completed.stdout.count(b"\n") == 1
