"""Reply latency: a valid KIA request delivered to the webhook -> our reply at the Graph API.

Starts the fake Graph API, `loket serve` and `loket worker` processes on PostgreSQL, posts
signed deliveries at a steady rate on one office number (each from a different resident,
as at a real counter), and measures from just before each POST to the moment the fake
Graph API received the reply. Target: p99 under 2 s at 50 requests/s (under the 80/s cap).

Without BENCH_DATABASE_URL it creates a fresh PostgreSQL database on 127.0.0.1 and drops it
afterwards: the job and outbox tables of earlier runs would otherwise be walked (this
machine runs PostgreSQL with autovacuum off), and the figures would drift run after run.

Environment: BENCH_DATABASE_URL, BENCH_PORT (8151; fake on +1), BENCH_RATE (50/s),
BENCH_SECONDS (20), BENCH_WORKERS (2 worker processes), BENCH_BATCH (1: `loket worker --batch`),
BENCH_WARMUP (20 requests answered before the clock starts, so that the figures are those of
warm processes: a worker's first messages import modules and fill caches once per process).

The line to watch is "CPU per request": process CPU (user + system) of each kind of process
divided by the requests, less noisy than wall-clock figures on a shared machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.posting import machine_cpu, post_signed, process_cpu
from loket.channels.whatsapp import envelopes

SCRATCH_DATABASE = "loket_reply_latency_bench"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
PORT = int(os.environ.get("BENCH_PORT", "8151"))
FAKE_PORT = PORT + 1
RATE = float(os.environ.get("BENCH_RATE", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BATCH = int(os.environ.get("BENCH_BATCH", "1"))  # jobs each worker claims per round trip
WARMUP = int(os.environ.get("BENCH_WARMUP", "20"))
SECRET = "bench-app-secret"
TOKEN = "bench-access-token"
NUMBER_ID = "990000000001"
LOKET = str(Path(sys.executable).parent / "loket")
REQUEST = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"


def _body(n: int, wa_id: str) -> bytes:
    message = envelopes.text(
        REQUEST, wamid=f"wamid.BENCHLAT{time.time_ns()}{n}", timestamp=int(time.time()), sender=wa_id
    )
    contact = envelopes.contact(wa_id=wa_id, user_id=f"ID.B{wa_id}", name="Warga")
    return envelopes.body(envelopes.envelope(NUMBER_ID, contacts=[contact], messages=[message]))


def _wait(url: str, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def _scratch_database(create: bool) -> str:
    """Drop (and, with `create`, create again) the scratch database; returns its URL."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        if create:
            admin.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")
    return f"postgresql://postgres@127.0.0.1:5432/{SCRATCH_DATABASE}"


def _warm_up(fake: httpx.Client) -> None:
    """Answer WARMUP requests before measuring: every process is started and warm."""
    wa_ids = [f"62899{int(time.time()) % 100000:05d}{n:04d}" for n in range(WARMUP)]
    for n, wa_id in enumerate(wa_ids):
        body = _body(n, wa_id)
        post_signed(PORT, body, envelopes.headers(SECRET, body), timeout=30)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if set(wa_ids) <= {sent["to"] for sent in fake.get("/messages").json()}:
            time.sleep(2)  # the workers go idle after their last reply
            return
        time.sleep(0.5)
    raise SystemExit("the warm-up requests were not answered")


def main() -> None:
    scratch = not DATABASE_URL
    database_url = _scratch_database(create=True) if scratch else DATABASE_URL
    try:
        _run(database_url)
    finally:
        if scratch:
            _scratch_database(create=False)


def _run(database_url: str) -> None:
    data_dir = tempfile.mkdtemp(prefix="loket-bench-latency-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOKET_SECRET_KEY": "bench-secret-key",
        "LOKET_WA_APP_SECRET": SECRET,
        "LOKET_WA_ACCESS_TOKEN": TOKEN,
        "LOKET_WA_GRAPH_URL": f"http://127.0.0.1:{FAKE_PORT}",
        "LOKET_DATA_DIR": data_dir,
        "LOKET_LOG_LEVEL": "WARNING",
    }
    subprocess.run([LOKET, "migrate", "--verbosity", "0"], env=env, check=True)
    subprocess.run(
        [
            LOKET,
            "whatsapp",
            "add-number",
            "--id",
            NUMBER_ID,
            "--display",
            "6285694012597",
            "--services",
            "KIA",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    quiet = {
        "stdout": subprocess.DEVNULL,
        "stderr": subprocess.DEVNULL,
        "start_new_session": True,
        "env": env,
    }
    procs = [
        subprocess.Popen([LOKET, "fake-graph", "--port", str(FAKE_PORT)], **quiet),
        subprocess.Popen([LOKET, "serve", "--port", str(PORT)], **quiet),
        *[subprocess.Popen([LOKET, "worker", "--batch", str(BATCH)], **quiet) for _ in range(WORKERS)],
    ]
    try:
        _wait(f"http://127.0.0.1:{FAKE_PORT}/_fake/messages")
        _wait(f"http://127.0.0.1:{PORT}/healthz")
        fake = httpx.Client(base_url=f"http://127.0.0.1:{FAKE_PORT}/_fake", timeout=30)
        _warm_up(fake)
        fake.post("/reset")
        started: dict[str, float] = {}
        statuses: list[int] = []
        lock = threading.Lock()
        total = int(RATE * SECONDS)
        run_id = int(time.time()) % 100000

        # Bodies and signatures are made before the clock starts, and each post uses a bare
        # stdlib connection: an httpx client per post builds an SSL context (about 40 ms of
        # CPU under the GIL), which made the generator itself the bottleneck.
        posts = []
        for n in range(total):
            wa_id = f"628{run_id:05d}{n:05d}"
            body = _body(n, wa_id)
            posts.append((wa_id, body, envelopes.headers(SECRET, body)))

        def send(wa_id: str, body: bytes, headers: dict) -> None:
            with lock:
                started[wa_id] = time.time()
            status = post_signed(PORT, body, headers, timeout=30)
            with lock:
                statuses.append(status)

        threads = []
        roles = ["fake Graph API", "loket serve", *[f"worker {i + 1}" for i in range(WORKERS)]]
        cpu_before = [process_cpu(session=proc.pid) for proc in procs]
        postgres_before = process_cpu(command="postgres")
        machine_before = machine_cpu()
        own_before = time.process_time()
        begin = time.monotonic()
        for n, post in enumerate(posts):
            delay = begin + n / RATE - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            thread = threading.Thread(target=send, args=post)
            thread.start()
            threads.append(thread)
        offered = time.monotonic() - begin
        for thread in threads:
            thread.join()
        deadline = time.monotonic() + max(60, 3 * SECONDS)
        first: dict[str, float] = {}
        while time.monotonic() < deadline:
            first = {}
            for sent in fake.get("/messages").json():
                if sent["to"] in started and sent["to"] not in first:
                    first[sent["to"]] = sent["at"]
            if len(first) >= len(started):
                break
            time.sleep(1)
        cpu = [process_cpu(session=proc.pid) - before for proc, before in zip(procs, cpu_before, strict=True)]
        postgres = process_cpu(command="postgres") - postgres_before
        own = time.process_time() - own_before
        busy, whole = (after - before for after, before in zip(machine_cpu(), machine_before, strict=True))
        latencies = sorted(first[k] - started[k] for k in first)
        q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
        print(
            f"{total} valid KIA requests at {RATE:.0f}/s on one number, {WORKERS} worker processes, --batch {BATCH}"
        )
        print(
            f"webhook answers: {sum(s == 200 for s in statuses)} x 200, others {sum(s != 200 for s in statuses)}"
        )
        print(f"offered {total / offered:.1f} requests/s (target rate {RATE:.0f}/s)")
        print(f"replies at the Graph API: {len(latencies)}/{total}")
        print(f"latency p50 {q[49]:.2f} s, p90 {q[89]:.2f} s, p99 {q[98]:.2f} s, max {latencies[-1]:.2f} s")
        span = time.monotonic() - begin  # sending, then the last replies
        shares = ", ".join(f"{role} {seconds / span:.0%}" for role, seconds in zip(roles, cpu, strict=True))
        print(
            f"CPU over {span:.0f} s (share of one core): {shares}, load generator {own / span:.0%}, PostgreSQL {postgres / span:.0%}"
        )
        print(f"machine busy {busy / whole:.0%} of {os.cpu_count()} cores ")
        # Per answered request: on a busy machine not every reply may be in by the deadline.
        answered = max(1, len(latencies))
        print(
            f"CPU per request: workers {sum(cpu[2:]) / answered * 1000:.1f} ms, "
            f"PostgreSQL {postgres / answered * 1000:.1f} ms (every postgres process of the machine), "
            f"loket serve {cpu[1] / answered * 1000:.1f} ms; redis {'on' if os.environ.get('LOKET_REDIS_URL') else 'off'}"
        )
        print(f"target p99 < 2 s: {'met' if q[98] < 2 and len(latencies) == total else 'NOT met'}")
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
