"""A loopback cluster: 2 `loket serve` + 4 `loket worker` over one PostgreSQL, end to end.

The fake Graph API (`loket fake-graph`) stands in for Meta; 20 office numbers (spread over
`--offices N` offices when this version has `loket office`); valid KIA requests, each from
its own resident, posted as signed webhooks to the two web servers in turn (as a proxy
would), in steps of rising rate. Per step it prints requests/s end to end (replies at the
Graph API over the time from the first post to the last reply), reply p50/p99 (webhook POST
to the fake receiving the reply), and per valid request: CPU of each process kind (from
/proc/<pid>/stat utime+stime of each process group), PostgreSQL's CPU and its time spent
executing statements (`pg_stat_database.active_time`), transactions, WAL and database growth;
PostgreSQL CPU counts only the backends of the benchmark's database (the server may be shared).
The highest step that kept up (every request answered, p99 under 2 s, at least 95% of the
offered rate) is the rate this machine sustains. Not a test: `docs/operations.md` keeps the
figures and the extrapolation to a national installation.

    .venv/bin/python -m bench.bench_cluster [--offices 10] [--rates 20,40,60,80] [--seconds 15]

Processes are the fault suite's (`tests.faults.stack`: own process groups, logs in a
temporary folder), CPU is read and webhooks posted by `bench.posting`; the scratch database is
created on 127.0.0.1 and dropped afterwards (or BENCH_DATABASE_SERVER=postgresql://...).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import django
import httpx
import psycopg

from bench.posting import machine_cpu, post_signed, process_cpu
from loket.channels.whatsapp import envelopes

SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "loket_cluster_bench"
NATIONAL = Path(__file__).resolve().parents[1] / "src" / "loket" / "data" / "wilayah_indonesia_kecamatan.csv"
FIRST_OFFICE = "36.03"  # the office today's settings describe (LOKET_REGION_CODE's default)
ACCEPTED = "Permohonan Anda kami terima."
TARGET_P99 = 2.0


@dataclass
class Office:
    code: str
    name: str
    kecamatan: tuple[str, str]  # (code, name) of one of its kecamatan
    numbers: list[str] = field(default_factory=list)

    def request(self) -> str:
        """A valid KIA request of a resident of this office (NIK and KK of its kecamatan), the
        same one `bench_reply_latency` posts for the first office."""
        region = self.kecamatan[0].replace(".", "")
        desa = "SENTUL" if self.code == FIRST_OFFICE else "SUKAMAJU"  # the first office has a desa list
        return f"#KIA#{region}1105200003#{region}2208170006#BUDI SANTOSO#{desa}#{self.kecamatan[1].upper()}"


def offices_from_the_national_list(count: int) -> list[Office]:
    """The first office, then the other regencies and cities of Banten and West Java, each
    with its first kecamatan (the first office: Balaraja, as in `bench_reply_latency`)."""
    with NATIONAL.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    regencies = [r for r in rows if r["level"] == "kabupaten_kota" and r["kode"][:2] in {"36", "32"}]
    regencies.sort(key=lambda r: (r["kode"] != FIRST_OFFICE, r["kode"]))
    chosen = []
    for regency in regencies[:count]:
        if regency["kode"] == FIRST_OFFICE:
            kecamatan = ("36.03.01", "Balaraja")
        else:
            row = next(r for r in rows if r["level"] == "kecamatan" and r["kode_induk"] == regency["kode"])
            kecamatan = (row["kode"], row["nama"])
        chosen.append(Office(regency["kode"], f"Dinas Dukcapil {regency['nama']}", kecamatan))
    return chosen


@dataclass
class Step:
    rate: float
    total: int
    ok_posts: int = 0
    offered: float = 0.0
    answered: int = 0
    accepted: int = 0
    e2e: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    cpu_ms: dict[str, float] = field(default_factory=dict)
    db: dict[str, float] = field(default_factory=dict)
    machine_busy: float = 0.0

    @property
    def kept_up(self) -> bool:
        return (
            self.answered == self.total
            and self.ok_posts == self.total
            and self.p99 < TARGET_P99
            and self.e2e >= 0.95 * self.rate
        )


def _backend_cpu(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the benchmark's database (the server is
    shared: other databases' backends are not ours to count)."""
    with psycopg.connect(url, autocommit=True) as conn:
        pids = [
            row[0]
            for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        ]
        own = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")
    cpu = {}
    for pid in pids:
        if pid == own:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    return cpu


def _database_counters(url: str) -> dict[str, float]:
    with psycopg.connect(url, autocommit=True) as conn:
        active, commits = conn.execute(
            "SELECT active_time, xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        wal = conn.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn").fetchone()[0]
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {
        "active_ms": float(active or 0),
        "commits": float(commits),
        "wal": float(wal),
        "size": float(size),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=1)
    parser.add_argument("--numbers", type=int, default=20)
    parser.add_argument("--serves", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rates", default="20,40,60", help="requests/s of each step, comma-separated")
    parser.add_argument("--seconds", type=int, default=15, help="posting time of each step")
    args = parser.parse_args(argv if argv is not None else [])
    rates = [float(r) for r in args.rates.split(",") if r.strip()]

    data_dir = tempfile.mkdtemp(prefix="loket-bench-cluster-")
    # The fault suite's process harness imports the inbound test builders, which load
    # Django models: settings first (a throwaway data folder; this process uses no database).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ["LOKET_DATA_DIR"] = data_dir
    os.environ.setdefault("LOKET_LOG_LEVEL", "WARNING")
    django.setup()
    from tests.faults.stack import LOKET, Process, base_env, free_port

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    processes: list[Process] = []
    try:
        _run(args, rates, data_dir, processes, LOKET, Process, base_env, free_port)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.stop()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(data_dir, ignore_errors=True)


def _run(args, rates, data_dir, processes, loket, process_class, base_env, free_port) -> None:
    database_url = f"{SERVER}/{DATABASE}"
    graph_port = free_port()
    env = base_env(database_url, data_dir, graph_port)
    # One granian process with 4 threads per `loket serve`; two serves stand for two machines.
    env.update(LOKET_WEB_WORKERS="1", LOKET_WEB_THREADS="4", LOKET_WA_RETRY_CAP_SECONDS="900")
    secret = env["LOKET_WA_APP_SECRET"]

    def loket_command(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run([loket, *command], env=env, capture_output=True, text=True, timeout=600)

    done = loket_command("migrate", "--verbosity", "0")
    if done.returncode:
        raise SystemExit(done.stderr)
    has_offices = loket_command("office", "--help").returncode == 0
    if args.offices > 1 and not has_offices:
        print(f"`loket office` does not exist in this version: running with 1 office, not {args.offices}")
    offices = offices_from_the_national_list(args.offices if has_offices else 1)
    # The commands an operator types (`loket office add`, `loket whatsapp add-number`), run
    # in one process: starting `loket` thirty times costs minutes on a loaded machine.
    commands = [
        ["office", "add", "--code", office.code, "--name", office.name]
        for office in offices
        if has_offices and office.code != FIRST_OFFICE
    ]
    for n in range(args.numbers):
        office = offices[n % len(offices)]
        number_id = f"99{n + 1:010d}"
        office.numbers.append(number_id)
        command = [
            "whatsapp",
            "add-number",
            "--id",
            number_id,
            "--display",
            f"62856{n + 1:08d}",
            "--services",
            "KIA",
        ]
        commands.append(command + (["--office", office.code] if has_offices else []))
    script = "from django.core.management import call_command\n" + "".join(
        f"call_command(*{command!r}, stdout=open('/dev/null', 'w'))\n" for command in commands
    )
    done = loket_command("shell", "-c", script)
    if done.returncode:
        raise SystemExit(f"setting up offices and numbers failed: {done.stderr[-2000:]}")

    logs = Path(data_dir) / "logs"
    logs.mkdir()
    graph = process_class("fake-graph", ["fake-graph", "--port", str(graph_port)], env, logs)
    processes.append(graph)
    web_ports = [free_port() for _ in range(args.serves)]
    # Each serve collects static files into its own folder, as on its own machine (two
    # `collectstatic` runs into one folder at once trip over each other's files).
    serves = [
        process_class(
            f"serve-{i + 1}",
            ["serve", "--port", str(port)],
            {**env, "LOKET_STATIC_DIR": str(Path(data_dir) / f"static-{i + 1}")},
            logs,
        )
        for i, port in enumerate(web_ports)
    ]
    workers = [process_class(f"worker-{i + 1}", ["worker"], env, logs) for i in range(args.workers)]
    processes.extend(serves + workers)
    fake = httpx.Client(base_url=f"http://127.0.0.1:{graph_port}/_fake", timeout=60)
    _wait_up(
        [
            (fake, "/messages"),
            *[(httpx.Client(base_url=f"http://127.0.0.1:{p}"), "/healthz") for p in web_ports],
        ],
        processes,
    )

    print(
        f"cluster: {args.serves} x loket serve (1 granian process, 4 threads each), {args.workers} x loket worker, "
        f"fake Graph API, PostgreSQL on 127.0.0.1; {args.numbers} numbers over {len(offices)} office(s) "
        f"({', '.join(o.code for o in offices)}); {os.cpu_count()} cores"
    )
    steps = []
    for index, rate in enumerate(rates):
        step = _step(
            index, rate, args.seconds, offices, web_ports, secret, fake, serves, workers, graph, database_url
        )
        steps.append(step)
        _print_step(step)
        if not step.kept_up and step.answered < step.total:
            break  # the cluster is behind; a faster step says nothing more
    sustained = [s for s in steps if s.kept_up]
    best = max(sustained, key=lambda s: s.e2e) if sustained else None
    if best:
        print(
            f"sustained: {best.e2e:.1f} requests/s end to end at {best.rate:.0f}/s offered, p50 {best.p50:.2f} s, "
            f"p99 {best.p99:.2f} s ({len(offices)} office(s))"
        )
    else:
        print("sustained: no step kept up (every request answered, p99 < 2 s, >= 95% of the offered rate)")


def _wait_up(probes, processes, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    for client, path in probes:
        while True:
            try:
                if client.get(path, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            dead = [p.name for p in processes if not p.alive()]
            if dead or time.monotonic() > deadline:
                raise SystemExit(f"cluster did not come up (dead: {dead})")
            time.sleep(0.3)


def _step(
    index, rate, seconds, offices, web_ports, secret, fake, serves, workers, graph, database_url
) -> Step:
    total = int(rate * seconds)
    step = Step(rate=rate, total=total)
    numbers = [(office, number) for office in offices for number in office.numbers]
    posts = []
    tag = f"{int(time.time()) % 10000:04d}{index}"
    for n in range(total):
        office, number = numbers[n % len(numbers)]
        wa_id = f"628{tag}{n:05d}"
        message = envelopes.text(
            office.request(), wamid=f"wamid.CLUSTER{tag}{n:05d}", timestamp=int(time.time()), sender=wa_id
        )
        contact = envelopes.contact(wa_id=wa_id, user_id=f"ID.C{wa_id}", name="Warga")
        body = envelopes.body(envelopes.envelope(number, contacts=[contact], messages=[message]))
        posts.append((wa_id, web_ports[n % len(web_ports)], body, envelopes.headers(secret, body)))
    started: dict[str, float] = {}
    statuses: list[int] = []
    lock = threading.Lock()

    def send(wa_id: str, port: int, body: bytes, headers: dict) -> None:
        with lock:
            started[wa_id] = time.time()
        status = post_signed(port, body, headers)
        with lock:
            statuses.append(status)

    kinds = {"loket serve": serves, "loket worker": workers, "fake Graph API": [graph]}
    cpu_before = {kind: sum(process_cpu(session=p.pid) for p in group) for kind, group in kinds.items()}
    postgres_before, db_before = _backend_cpu(database_url), _database_counters(database_url)
    machine_before, own_before = machine_cpu(), time.process_time()
    begin_wall, begin = time.time(), time.monotonic()
    threads = []
    for n, post in enumerate(posts):
        delay = begin + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=send, args=post)
        thread.start()
        threads.append(thread)
    step.offered = total / (time.monotonic() - begin)
    for thread in threads:
        thread.join()
    first: dict[str, tuple[float, str]] = {}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        for sent in fake.get("/messages").json():
            if sent["to"] in started and sent["to"] not in first:
                first[sent["to"]] = (sent["at"], _text(sent["body"]))
        if len(first) >= total:
            break
        time.sleep(0.5)
    cpu = {
        kind: sum(process_cpu(session=p.pid) for p in group) - cpu_before[kind]
        for kind, group in kinds.items()
    }
    # Backends that ended during the step are missed; Loket's processes keep theirs
    # (LOKET_DB_CONN_MAX_AGE), so these are the few `loket` commands of the set-up.
    postgres_after = _backend_cpu(database_url)
    cpu["PostgreSQL"] = sum(
        seconds - postgres_before.get(pid, 0.0) for pid, seconds in postgres_after.items()
    )
    cpu["load generator"] = time.process_time() - own_before
    db_after = _database_counters(database_url)
    busy, whole = (a - b for a, b in zip(machine_cpu(), machine_before, strict=True))
    step.ok_posts = sum(s == 200 for s in statuses)
    step.answered = len(first)
    step.accepted = sum(text.startswith(ACCEPTED) for _, text in first.values())
    if first:
        last = max(at for at, _ in first.values())
        step.e2e = len(first) / max(last - begin_wall, 1e-6)
        latencies = sorted(at - started[to] for to, (at, _) in first.items())
        q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
        step.p50, step.p99 = q[49], q[98]
    per = max(step.answered, 1)
    step.cpu_ms = {kind: seconds * 1000 / per for kind, seconds in cpu.items()}
    step.db = {
        "active_ms": (db_after["active_ms"] - db_before["active_ms"]) / per,
        "commits": (db_after["commits"] - db_before["commits"]) / per,
        "wal_kb": (db_after["wal"] - db_before["wal"]) / 1024 / per,
        "size_kb": (db_after["size"] - db_before["size"]) / 1024 / per,
    }
    step.machine_busy = busy / whole
    time.sleep(2)  # let the periodic jobs settle before the next step
    return step


def _text(body: dict) -> str:
    if body.get("type") == "text":
        return body.get("text", {}).get("body", "")
    return body.get("interactive", {}).get("body", {}).get("text", "")


def _print_step(step: Step) -> None:
    cpu = ", ".join(f"{kind} {ms:.1f}" for kind, ms in step.cpu_ms.items())
    db = step.db
    print(
        f"step {step.rate:.0f}/s x {step.total}: offered {step.offered:.1f}/s, webhook 200 {step.ok_posts}/{step.total}, "
        f"answered {step.answered}/{step.total} (accepted {step.accepted}), end to end {step.e2e:.1f} requests/s, "
        f"p50 {step.p50:.2f} s, p99 {step.p99:.2f} s, machine busy {step.machine_busy:.0%}"
        f"{'' if step.kept_up else '  [did not keep up]'}"
    )
    print(f"  CPU ms per request: {cpu}")
    print(
        f"  PostgreSQL per request: {db['active_ms']:.1f} ms executing statements, {db['commits']:.1f} transactions, "
        f"{db['wal_kb']:.1f} kB WAL, {db['size_kb']:.1f} kB database growth"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
