"""Structured logs: one JSON object per line, the request id and the job named, and no
identity or phone number ever written, whatever the code hands the logger."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from loket.core.logs import JsonFormatter, RecordContext, StderrHandler, mask_personal
from loket.core.request_id import MAX_LENGTH, request_id_from
from loket.jobs import queue
from loket.jobs.models import Job
from tests.logcapture import captured_logs

NIK = "3603011105200003"
log = logging.getLogger("loket.tests.logs")


def _format(record: logging.LogRecord) -> dict:
    RecordContext().filter(record)
    return json.loads(JsonFormatter().format(record))


def _record(msg: str, *args: object, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("loket.x", logging.WARNING, __file__, 1, msg, args, exc_info)


def test_a_nik_passed_to_a_log_call_is_masked_in_message_and_traceback():
    try:
        raise ValueError(f"bad NIK {NIK}")
    except ValueError:
        import sys

        record = _record("case for NIK %s and KK %s", NIK, "3603012208170006", exc_info=sys.exc_info())
    line = _format(record)
    assert NIK not in json.dumps(line)
    assert "3603012208170006" not in json.dumps(line)
    assert line["message"] == "case for NIK <nik/kk> and KK <nik/kk>"
    assert "bad NIK <nik/kk>" in line["exc"]
    assert set(line) >= {"time", "level", "logger", "message"}
    assert line["level"] == "WARNING" and line["logger"] == "loket.x"


@pytest.mark.parametrize(
    "phone",
    [
        "081234567890",
        "6281298765432",
        "+62 812-3456-7890",
        "0812 3456 789",
        "+6285694012597",
        "62.812.3456.7890",
    ],
)
def test_phone_numbers_in_any_usual_writing_are_masked(phone):
    assert mask_personal(f"from {phone}: hi") == "from <phone>: hi"


@pytest.mark.parametrize(
    "text",
    [
        "job whatsapp.send #123456 attempt 3 failed",
        "answered in 1764400000 ms",  # a timestamp is not a phone number
        "worker host:1234:5678 stopped",
        "2026-12-05 14:00:01 took 0.83s",
    ],
)
def test_ordinary_figures_are_left_alone(text):
    assert mask_personal(text) == text


def test_json_lines_carry_the_running_job(db):
    job = queue.enqueue("core.alert", {"nothing": True})
    claimed = queue.claim("test-worker", limit=5)
    assert [j.pk for j in claimed] == [job.pk]
    with captured_logs() as lines:
        queue.run(claimed[0])  # the alert handler fails on this payload and logs it
        log.warning("after the job")
    inside = [line for line in lines if line.get("job_id") == job.pk]
    assert inside, lines
    assert all(line["job_kind"] == "core.alert" for line in inside)
    assert "job_id" not in lines[-1]  # outside the job again
    assert Job.objects.get(pk=job.pk).state in {Job.State.PENDING, Job.State.FAILED}


@pytest.mark.django_db
def test_a_requests_log_lines_carry_its_id_and_the_response_returns_it():
    with captured_logs() as lines:
        response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="edge-7f3a.01")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "edge-7f3a.01"
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and all(line["request_id"] == "edge-7f3a.01" for line in not_found)


@pytest.mark.django_db
def test_without_an_id_one_is_made_and_each_request_gets_its_own():
    client = Client()
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    "given",
    ["", "a" * (MAX_LENGTH + 1), "id with spaces", 'x"}{"level":"INFO', "abc\r\nForged: line", "ünïcode"],
)
def test_an_unsafe_or_overlong_id_is_replaced(given):
    made = request_id_from(given)
    assert made != given and len(made) == 32 and made.isalnum()


@pytest.mark.django_db
def test_an_unsafe_id_from_the_client_never_reaches_the_logs():
    with captured_logs() as lines:
        response = Client().get("/no-such-page/", HTTP_X_REQUEST_ID="evil id\ttab")
    assert response["X-Request-ID"] != "evil id\ttab"
    assert all(line.get("request_id") == response["X-Request-ID"] for line in lines if "request_id" in line)


def test_lines_outside_any_request_or_job_name_neither():
    with captured_logs() as lines:
        log.warning("plain %s", "line")
    assert lines[-1]["message"] == "plain line"
    assert "request_id" not in lines[-1] and "job_id" not in lines[-1]


def _run_with(log_format: str, tmp_path) -> subprocess.CompletedProcess:
    script = (
        "import django, logging; django.setup(); "
        f"logging.getLogger('loket.probe').warning('resident %s wrote from %s', '{NIK}', '6281298765432')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOKET_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="loket.settings", LOKET_DATA_DIR=str(tmp_path), LOKET_LOG_FORMAT=log_format
    )
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)


def test_loket_log_format_json_writes_one_masked_json_object_per_line(tmp_path):
    done = _run_with("json", tmp_path)
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "resident <nik/kk> wrote from <phone>"
    assert line["logger"] == "loket.probe" and line["level"] == "WARNING"


def test_text_stays_the_default_and_is_masked_too(tmp_path):
    done = _run_with("", tmp_path)
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.endswith("WARNING loket.probe resident <nik/kk> wrote from <phone>")
    assert NIK not in done.stderr


def test_an_unknown_log_format_stops_with_a_clear_error(tmp_path):
    done = _run_with("xml", tmp_path)
    assert done.returncode != 0
    assert "LOKET_LOG_FORMAT must be text or json, got 'xml'" in done.stderr


def test_the_console_handler_writes_to_the_stderr_of_the_moment(capsys):
    """Not to the one there was when logging was configured (here: the harness's, before
    this test swapped in its own)."""
    log.warning("written %s", "now")
    assert "written now" in capsys.readouterr().err


def test_logging_configured_under_a_stderr_closed_since_keeps_writing(capsys):
    """What `loket.cli.main` did inside a test that captured its output: `django.setup()`
    configured logging again under that test's stderr, which was closed after it; every
    later line then failed with "--- Logging error --- ... I/O operation on closed file"."""
    then = io.StringIO()
    with contextlib.redirect_stderr(then):
        logging.config.dictConfig(settings.LOGGING)
    then.close()
    log.warning("after the old stderr was closed")
    err = capsys.readouterr().err
    assert "Logging error" not in err and "after the old stderr was closed" in err


def test_a_stream_set_on_the_handler_is_kept_until_it_is_set_to_none(capsys):
    handler = StderrHandler()
    buffer = io.StringIO()
    assert handler.setStream(buffer) is sys.stderr
    handler.handle(_record("to the buffer"))
    handler.stream = None
    handler.handle(_record("to stderr again"))
    assert buffer.getvalue() == "to the buffer\n"
    assert capsys.readouterr().err == "to stderr again\n"
