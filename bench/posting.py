"""Helpers shared by the loopback benchmarks (`bench_cluster`, `bench_reply_latency`): post one
signed webhook delivery, and read process and machine CPU from /proc. Not a benchmark itself
(`make bench` runs only the `bench_*` modules)."""

from __future__ import annotations

import http.client
import os
from pathlib import Path

WEBHOOK_PATH = "/webhooks/whatsapp"


def post_signed(port: int, body: bytes, headers: dict, *, timeout: float = 60) -> int:
    """POST one signed delivery to `loket serve` on 127.0.0.1:`port`; returns the HTTP status,
    0 when the connection failed. A bare stdlib connection per post: an httpx client per post
    builds an SSL context (about 40 ms of CPU under the GIL), which made the load generator
    itself the bottleneck."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", WEBHOOK_PATH, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()  # the whole answer, so that the server is done with the request
        return answer.status
    except OSError:
        return 0
    finally:
        connection.close()


def process_cpu(*, session: int | None = None, command: str = "") -> float:
    """CPU seconds (user + system) used so far by the live processes of one session, or by
    those running one command (e.g. every PostgreSQL backend)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, tail = stat.read_text().rpartition(")")
        except OSError:
            continue
        fields = tail.split()  # after the command: state ppid pgrp session ...
        if (session is not None and int(fields[3]) == session) or (command and head.endswith(f"({command}")):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / tick, sum(values) / tick
