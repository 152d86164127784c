"""Log lines without personal data, one JSON object each in production, with a request id.

- `RecordContext` (a filter on the handler): names the request (`request_id`, set by
  `loket.core.request_id.RequestIdMiddleware`) and the job (`job_id`, `job_kind`, set by
  `loket.jobs.queue.run`) a line was written in, and masks identity and phone numbers in the
  message and the traceback: the last line of defence, since code already logs no personal
  data ("No personal data in logs", ARCHITECTURE.md).
- `JsonFormatter`: one line per record, for a log shipper (`LOKET_LOG_FORMAT=json`).
  The default stays human text (`make demo`).
- `StderrHandler`: writes to the standard error of the moment of each line, not the one
  there was when logging was configured (which a test harness may have closed since).

No Django here: the logging configuration is loaded before the apps are.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from contextvars import ContextVar
from typing import TextIO

from loket.jobs.context import current_job

current_request_id: ContextVar[str] = ContextVar("loket_request_id", default="")

# A NIK or KK is 16 digits; a longer run of digits is masked whole too (two numbers glued).
_IDENTITY = re.compile(r"(?<!\d)\d{16,}(?!\d)")
# Indonesian phone numbers as residents and WhatsApp write them: 08..., 628..., +62 8...,
# with or without spaces, dots or dashes between the groups (10 to 15 digits in all).
_PHONE = re.compile(r"(?<![\d+])(?:\+?62|0)[ .-]?8\d{1,3}(?:[ .-]?\d{2,5}){2,3}(?!\d)")
IDENTITY_MASK = "<nik/kk>"
PHONE_MASK = "<phone>"


def mask_personal(text: str) -> str:
    """`text` with every 16-digit number and every phone number replaced by a marker."""
    if not any(ch.isdigit() for ch in text):
        return text
    text = _IDENTITY.sub(IDENTITY_MASK, text)
    return _PHONE.sub(_phone_or_keep, text)


def _phone_or_keep(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group())
    return PHONE_MASK if 10 <= digits <= 15 else match.group()


class StderrHandler(logging.StreamHandler):
    """A StreamHandler on `sys.stderr` as it is when each line is written (like the logging
    module's own last-resort handler). A plain StreamHandler keeps the stream it found when
    logging was configured: when that happened under a swapped stderr (a test capturing
    output, then `django.setup()` again through `loket.cli.main`), every later line failed
    with "--- Logging error --- ... I/O operation on closed file".

    A stream set explicitly (`handler.stream = buffer`, `setStream`) is kept until it is set
    to None again; `pinned` holds it (None: follow sys.stderr)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self.pinned: TextIO | None = stream  # after StreamHandler stored sys.stderr through the setter

    @property
    def stream(self) -> TextIO:
        return sys.stderr if self.pinned is None else self.pinned

    @stream.setter
    def stream(self, value: TextIO | None) -> None:
        self.pinned = value


class RecordContext(logging.Filter):
    """Adds request_id / job_id / job_kind to every record and masks personal numbers."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        job = current_job.get()
        record.job_id, record.job_kind = job if job else (None, "")
        message = record.getMessage()
        masked = mask_personal(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, process,
    and request_id / job_id / job_kind when the line belongs to one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            line["request_id"] = request_id
        job_id = getattr(record, "job_id", None)
        if job_id is not None:
            line["job_id"] = job_id
            line["job_kind"] = getattr(record, "job_kind", "")
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The human format, with the request or job a line belongs to when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        tags = []
        request_id, job_id = getattr(record, "request_id", ""), getattr(record, "job_id", None)
        if request_id:
            tags.append(f"request_id={request_id}")
        if job_id is not None:
            tags.append(f"job={getattr(record, 'job_kind', '')}#{job_id}")
        if not tags:
            return text
        first, newline, rest = text.partition("\n")
        return f"{first} [{' '.join(tags)}]{newline}{rest}"
