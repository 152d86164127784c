"""Fixtures of the fault suite: a scratch PostgreSQL template, and a running stack per test.

The suite needs PostgreSQL (several processes, a proxy in front of the server). On SQLite
it skips with the reason, unless LOKET_FAULTS_REQUIRED=1 (set by .ci/run), which turns
the skip into a failure; on PostgreSQL a missing prerequisite always fails, never skips.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.faults.outcome import REPORT
from tests.faults.stack import LOKET, Server, Stack, prepare_template

_numbers = itertools.count(1)


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture(scope="session")
def fault_server() -> Iterator[tuple[Server, str]]:
    """The PostgreSQL server and a migrated template database (dropped at the end)."""
    if not _on_postgres():
        reason = "the fault suite drives real processes on PostgreSQL: set DATABASE_URL=postgresql://..."
        if os.environ.get("LOKET_FAULTS_REQUIRED") == "1":
            pytest.fail(f"LOKET_FAULTS_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    if not shutil.which(LOKET):
        pytest.fail(f"{LOKET} is missing: run `make install`", pytrace=False)
    server = Server.from_url(os.environ["DATABASE_URL"])
    template = f"loket_faults_{os.getpid()}_tpl"
    try:
        prepare_template(server, template)
    except (psycopg.Error, OSError) as error:
        pytest.fail(f"cannot prepare the fault suite's scratch database on {server}: {error}", pytrace=False)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("")
    try:
        yield server, template
    finally:
        server.drop(template)


@pytest.fixture
def start_stack(fault_server, tmp_path: Path) -> Iterator:
    """`start_stack(workers=2)` -> a running Stack; every process group is killed afterwards."""
    server, template = fault_server
    stacks: list[Stack] = []

    def start(workers: int = 2) -> Stack:
        database = f"loket_faults_{os.getpid()}_{next(_numbers)}"
        stack = Stack(server, template, database, tmp_path / "logs", workers=workers)
        stacks.append(stack)
        return stack

    try:
        yield start
    finally:
        for stack in stacks:
            stack.close()
