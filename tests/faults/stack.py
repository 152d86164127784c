"""The real processes the fault suite drives, on a scratch PostgreSQL database behind a proxy.

`Stack` starts `loket fake-graph`, `loket serve` and N `loket worker`s as their own process
groups (so a SIGKILL or the clean-up reaches every child), all with a DATABASE_URL that goes
through a `TcpProxy` the test owns, and reads the outcome straight from the database.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from tests.faults.deliveries import DISPLAY, NUMBER_ID
from tests.support.tcp_proxy import TcpProxy

LOKET = str(Path(sys.executable).parent / "loket")
SECRET = "faults-app-secret"
TOKEN = "faults-access-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """Where the scratch databases live: the PostgreSQL server of the test run."""

    host: str
    port: int
    user: str

    @classmethod
    def from_url(cls, url: str) -> Server:
        parts = urllib.parse.urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "postgres")

    def url(self, database: str, *, port: int | None = None) -> str:
        return f"postgresql://{self.user}@{self.host}:{port or self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10)

    def create(self, name: str, template: str = "") -> None:
        with self.admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))

    def drop(self, name: str) -> None:
        with self.admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def base_env(database_url: str, data_dir: str, graph_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOKET_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_url,
        LOKET_SECRET_KEY="faults-secret-key",
        LOKET_WA_APP_SECRET=SECRET,
        LOKET_WA_VERIFY_TOKEN="faults-verify-token",
        LOKET_WA_ACCESS_TOKEN=TOKEN,
        LOKET_WA_GRAPH_URL=f"http://127.0.0.1:{graph_port}",
        LOKET_DATA_DIR=data_dir,
        LOKET_LOG_LEVEL="WARNING",
        # Compressed time: Graph retries back off at most 5 s, a paused number is probed
        # again after 5 s (Meta's real waits are minutes; the order of events is the same).
        LOKET_WA_RETRY_CAP_SECONDS="5",
        LOKET_WA_PAUSE_PROBE_SECONDS="5",
        LOKET_WEB_WORKERS="1",
        LOKET_WEB_THREADS="4",
    )
    return env


def prepare_template(server: Server, name: str) -> None:
    """A migrated database with the office number registered: each test copies it."""
    server.create(name)
    data_dir = tempfile.mkdtemp(prefix="loket-faults-tpl-")
    try:
        env = base_env(server.url(name), data_dir, graph_port=9)
        subprocess.run([LOKET, "migrate", "--verbosity", "0"], env=env, check=True, timeout=300)
        subprocess.run(
            [LOKET, "whatsapp", "add-number", "--id", NUMBER_ID, "--display", DISPLAY, "--services", "KIA"],
            env=env,
            check=True,
            timeout=120,
            stdout=subprocess.DEVNULL,
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


class Process:
    """One `loket ...` command in its own process group, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.generation = 0
        self.start()

    def start(self) -> None:
        self.generation += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start {self.generation} at {time.time():.1f}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [LOKET, *self.args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group (what an OOM killer or `kill -9` does)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        assert self.proc is not None
        self.proc.wait(timeout=10)

    def terminate(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM (if not sent yet), then SIGKILL the group after `grace` seconds."""
        if self.proc is None:
            return
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=grace)
        # Whatever is left of the group (a slow leader, granian's workers) goes now.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


class Stack:
    """fake-graph + serve + workers on a copy of the template database, behind a proxy."""

    def __init__(self, server: Server, template: str, database: str, log_dir: Path, *, workers: int = 2):
        self.server, self.database, self.log_dir = server, database, log_dir
        self.processes: list[Process] = []
        self.workers: list[Process] = []
        self.unexpected_exits: list[str] = []
        log_dir.mkdir(parents=True, exist_ok=True)
        server.create(database, template=template)
        self.proxy = TcpProxy(server.host, server.port).start()
        self.data_dir = tempfile.mkdtemp(prefix="loket-faults-")
        self.graph_port, self.web_port = free_port(), free_port()
        self.env = base_env(server.url(database, port=self.proxy.port), self.data_dir, self.graph_port)
        self._spawn("fake-graph", ["fake-graph", "--port", str(self.graph_port)])
        self._spawn("serve", ["serve", "--port", str(self.web_port)])
        for n in range(workers):
            self.workers.append(self._spawn(f"worker-{n + 1}", ["worker"]))
        self.graph = httpx.Client(base_url=f"http://127.0.0.1:{self.graph_port}/_fake", timeout=15)
        self.web = httpx.Client(base_url=f"http://127.0.0.1:{self.web_port}", timeout=15)
        try:
            self._wait_up()
        except BaseException:
            self.close()
            raise

    def _spawn(self, name: str, args: list[str]) -> Process:
        process = Process(name, args, self.env, self.log_dir)
        self.processes.append(process)
        return process

    def _wait_up(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        for client, path in ((self.graph, "/messages"), (self.web, "/healthz")):
            while True:
                try:
                    if client.get(path).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                dead = [p.name for p in self.processes if not p.alive()]
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(f"stack did not come up (dead: {dead})\n{self.tails()}")
                time.sleep(0.3)

    def close(self) -> None:
        for process in self.processes:  # all at once: the grace periods overlap
            process.terminate()
        for process in self.processes:
            process.stop()
        self.proxy.close()
        self.graph.close()
        self.web.close()
        with contextlib.suppress(psycopg.Error):
            self.server.drop(self.database)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def tails(self) -> str:
        return "\n".join(f"--- {p.name} (pid {p.pid}):\n{p.tail()}" for p in self.processes)

    # --- faults --------------------------------------------------------------------------------
    def kill_and_restart(self, worker: Process, pause: float = 0.5) -> None:
        """SIGKILL a worker, then start it again as a supervisor would."""
        worker.kill()
        time.sleep(pause)
        worker.start()

    def graph_storm(self, times: int, **failure: object) -> None:
        """The next `times` sends fail at the fake Graph API (a code, a bare status)."""
        self.graph.post("/fail", json={"times": times, **failure}).raise_for_status()

    def dead_workers(self) -> list[str]:
        return [f"{w.name} (exit {w.proc.returncode})" for w in self.workers if not w.alive()]

    # --- reading the outcome ---------------------------------------------------------------
    def sql(self, query: str, params: tuple | list = ()) -> list[tuple]:
        """Straight to PostgreSQL (not through the proxy): the test's own view."""
        with psycopg.connect(self.server.url(self.database), connect_timeout=10) as conn:
            return conn.execute(query, params).fetchall()

    def replies(self) -> list[dict]:
        """Every message the fake Graph API accepted (sends answered 200)."""
        return self.graph.get("/messages").raise_for_status().json()

    def stored(self, wamids: list[str]) -> dict[str, int]:
        rows = self.sql(
            "SELECT wamid, count(*) FROM whatsapp_inboundmessage WHERE wamid = ANY(%s) GROUP BY wamid",
            [wamids],
        )
        return dict(rows)

    def prefix_stored(self, prefixes: list[str]) -> int:
        """Messages stored under a truncated form of an oversized id (exactly-once broken)."""
        if not prefixes:
            return 0
        rows = self.sql(
            "SELECT count(*) FROM whatsapp_inboundmessage WHERE wamid = ANY(%s)",
            [[p[:n] for p in prefixes for n in (64, 100, 128, 191, 200, 255)]],
        )
        return rows[0][0]

    def waiting(self) -> dict[str, int]:
        """Work not done: deliveries not split (and not quarantined), jobs due or running."""
        columns = {
            r[0]
            for r in self.sql(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'whatsapp_delivery'"
            )
        }
        quarantine = " AND quarantined_at IS NULL" if "quarantined_at" in columns else ""
        deliveries = self.sql(
            f"SELECT count(*) FROM whatsapp_delivery WHERE dispatched_at IS NULL{quarantine}"  # noqa: S608
        )[0][0]
        jobs = self.sql(
            "SELECT name, count(*) FROM jobs_job WHERE (state = 'running' OR "
            "(state = 'pending' AND run_after <= now())) "
            "AND COALESCE(key, '') NOT LIKE 'periodic:%%' GROUP BY name"
        )
        return {"deliveries": deliveries, **{f"job {name}": count for name, count in jobs}}

    def readyz(self) -> tuple[int, dict | None]:
        try:
            answer = self.web.get("/readyz")
        except httpx.HTTPError:
            return 0, None
        try:
            return answer.status_code, answer.json()
        except ValueError:
            return answer.status_code, None

    def quarantined(self) -> int | None:
        """Quarantined work as `/readyz` reports it, else as `loket.core.health` counts it
        in a `loket shell` on the same database; None when neither knows quarantine."""
        status, body = self.readyz()
        if status == 200 and body and "quarantined" in (body.get("queue") or {}):
            return int(body["queue"]["quarantined"])
        script = (
            "import json; from loket.core import health; print(json.dumps(health.quarantined_by_source()))"
        )
        done = subprocess.run(
            [LOKET, "shell", "-c", script],
            env={**self.env, "DATABASE_URL": self.server.url(self.database)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        try:
            sources = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None
        return sum(sources.values()) if sources else None
