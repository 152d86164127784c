"""Outbound: a backlog of 10,000 replies drains at >= 95% of the per-number rate, in order.

Runs the real sender (jobs, pacing, Graph client) against the fake Graph API over HTTP on
127.0.0.1:8120. On the database of DATABASE_URL (a scratch `..._bench` database is created
and dropped) or, without it, on a scratch SQLite file.

    python -m bench bench_outbound   # 10,000 replies, 80/s, batches of 20 jobs per claim
    BENCH_MESSAGES=2000 BENCH_PROCESSES=1 BENCH_THREADS=4 python -m bench bench_outbound
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    os.environ.setdefault("LOKET_SECRET_KEY", "bench-only-secret")
    if not os.environ.get("DATABASE_URL"):
        os.environ["LOKET_DATA_DIR"] = tempfile.mkdtemp(prefix="loket-bench-")
    else:
        os.environ.setdefault("LOKET_TEST_DB_NAME", "test_loket_channel_out_bench")
    os.environ.setdefault("LOKET_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def main() -> None:
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    total = int(os.environ.get("BENCH_MESSAGES", "10000"))
    per_resident = int(os.environ.get("BENCH_PER_RESIDENT", "4"))
    # SQLite has one writer at a time: one process (four threads, measured best here);
    # PostgreSQL shares the work among several processes.
    sqlite = connection.vendor == "sqlite"
    processes = int(os.environ.get("BENCH_PROCESSES", "1" if sqlite else "2"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    rate = int(os.environ.get("BENCH_RATE", str(settings.LOKET_WA_RATE_PER_NUMBER)))
    port = int(os.environ.get("BENCH_GRAPH_PORT", "8120"))
    batch = int(os.environ.get("BENCH_BATCH", "20"))

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run(total, per_resident, processes, threads, rate, port, batch)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _database_url(db: dict) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_main() -> None:
    """One worker process of the benchmark: BENCH_THREADS threads claiming BENCH_BATCH jobs."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
    import django

    django.setup()
    from django.db import connections

    from loket.jobs.worker import run_forever

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def work() -> None:
        try:
            run_forever(stop=stop, poll=0.05, batch=int(os.environ["BENCH_BATCH"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(int(os.environ["BENCH_THREADS"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _run(
    total: int, per_resident: int, processes: int, threads: int, rate: int, port: int, batch: int
) -> None:
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from loket.cases.models import Resident
    from loket.channels.whatsapp import outbox
    from loket.channels.whatsapp.fake_graph import FakeGraph
    from loket.channels.whatsapp.models import OutboundMessage
    from loket.channels.whatsapp.numbers import register_number

    fake = FakeGraph(port=port, access_token="bench-token", statuses=()).start()
    settings.LOKET_WA_GRAPH_URL = fake.url
    settings.LOKET_WA_ACCESS_TOKEN = "bench-token"
    settings.LOKET_WA_RATE_PER_NUMBER = rate
    pnid = "109000000000003"
    register_number(pnid, "6285694012597", ["KIA"])

    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    residents_count = total // per_resident
    now = timezone.now()
    Resident.objects.bulk_create(
        Resident(channel_number=pnid, user_id=f"62812{i:08d}", wa_id=f"62812{i:08d}", last_inbound_at=now)
        for i in range(residents_count)
    )
    residents = list(Resident.objects.order_by("pk"))
    started = time.perf_counter()
    with transaction.atomic():
        for round_no in range(per_resident):  # interleaved, as replies arrive in real life
            for resident in residents:
                outbox.enqueue(resident, text=f"{resident.wa_id}:{round_no}")
    enqueue_seconds = time.perf_counter() - started
    connection.close()

    # Workers are separate processes, as `loket worker` runs in production: the fake (this
    # process) and the senders do not share one interpreter lock.
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "LOKET_WA_GRAPH_URL": fake.url,
        "LOKET_WA_ACCESS_TOKEN": "bench-token",
        "LOKET_WA_RATE_PER_NUMBER": str(rate),
        "BENCH_BATCH": str(batch),
        "BENCH_THREADS": str(threads),
    }
    env.pop("LOKET_TEST_DB_NAME", None)
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-c", "from bench.bench_outbound import worker_main; worker_main()"]
    started = time.perf_counter()
    children = [subprocess.Popen(command, cwd=root, env=env) for _ in range(processes)]
    deadline = started + total / rate * 3 + 60
    while len(fake.sent) < total and time.perf_counter() < deadline:
        time.sleep(0.2)
    drain_seconds = time.perf_counter() - started
    for child in children:
        child.send_signal(signal.SIGTERM)
    for child in children:
        child.wait(timeout=30)
    # The senders' process CPU (user + system): less noisy than wall time on a shared machine.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = usage.ru_utime + usage.ru_stime

    sent = list(fake.sent)
    times = sorted(s.at for s in sent)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span else 0.0
    per_recipient = defaultdict(list)
    for item in sorted(sent, key=lambda s: s.seq):
        per_recipient[item.to].append(int(item.text.rsplit(":", 1)[1]))
    order_kept = all(seq == sorted(seq) for seq in per_recipient.values())
    callbacks = [s.callback_data for s in sent]
    not_sent = OutboundMessage.objects.exclude(status=OutboundMessage.Status.SENT).count()
    fake.stop()

    print(
        f"database: {connection.vendor}, workers: {processes} processes x {threads} threads, "
        f"jobs claimed per batch: {batch}, load average before: {load_before}"
    )
    print(
        f"backlog: {total} replies to {residents_count} residents ({per_resident} each), enqueued in {enqueue_seconds:.1f} s"
    )
    print(f"configured rate: {rate}/s per number")
    print(f"sent: {len(sent)} in {span:.1f} s (first to last send), wall {drain_seconds:.1f} s")
    print(f"achieved: {achieved:.1f}/s = {achieved / rate * 100:.1f}% of the configured rate (target >= 95%)")
    print(f"per-recipient order kept: {order_kept}; duplicates: {len(callbacks) - len(set(callbacks))}")
    print(f"messages not sent: {not_sent}")
    redis = "on" if settings.REDIS_URL and settings.LOKET_WA_REDIS_SLOTS else "off"
    print(
        f"CPU per send: workers {worker_cpu / max(1, len(sent)) * 1000:.2f} ms (send slots in Redis: {redis})"
    )


if __name__ == "__main__":
    main()
