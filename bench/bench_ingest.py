"""Ingest: signed webhook deliveries per second that `loket serve` accepts and stores.

Starts `loket serve` on PostgreSQL with the bench-only reference views switched on and
drives three paths in the same server and run with `wrk` (or a small Python load
generator when wrk is missing):

  ok       a view that only answers 200 (the ceiling of the server and middleware)
  minimal  the smallest durable webhook: HMAC check, INSERT the raw body, 200
  webhook  /webhooks/whatsapp, the real one

Environment: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/loket_channel_in),
BENCH_PORT (8150), BENCH_SECONDS (10), BENCH_CONNECTIONS (16).
"""

from __future__ import annotations

import json
import os
import re
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
import psycopg

from loket.channels.whatsapp import envelopes

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/loket_channel_in")
PORT = int(os.environ.get("BENCH_PORT", "8150"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECRET = "bench-app-secret"
LOKET = str(Path(sys.executable).parent / "loket")


def delivery_body() -> bytes:
    """A typical delivery: one text message with its contact, as Meta serialises it."""
    message = envelopes.text(
        "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA",
        wamid="wamid.HBgNNjI4MTI5ODc2NTQzMhUCABIYFDNBQTEyMzQ1Njc4OTBBQkNERUYA",
        timestamp=1764400000,
        sender="6281298765432",
    )
    contact = envelopes.contact(wa_id="6281298765432", user_id="ID.12345", name="Siti Aminah")
    return envelopes.body(envelopes.envelope("1098765432", contacts=[contact], messages=[message]))


def _env(data_dir: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "LOKET_SECRET_KEY": "bench-secret-key",
        "LOKET_WA_APP_SECRET": SECRET,
        "LOKET_WA_BENCH_VIEWS": "1",
        "LOKET_DATA_DIR": data_dir,
        "LOKET_LOG_LEVEL": "WARNING",
    }


def _count(cursor, table: str) -> int:
    return cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names


def _wrk(url: str, body: bytes, headers: dict, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write('wrk.method = "POST"\n')
        script.write(f"wrk.body = {json.dumps(body.decode())}\n")
        for name, value in headers.items():
            script.write(f'wrk.headers["{name}"] = "{value}"\n')
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)

    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "requests": total,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def _python_load(url: str, body: bytes, headers: dict, seconds: int) -> dict:
    """Fallback when wrk is missing: threads with keep-alive connections."""
    latencies: list[float] = []
    non_2xx = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        with httpx.Client(headers=headers) as http:
            while time.monotonic() < stop:
                start = time.perf_counter()
                status = http.post(url, content=body).status_code
                took = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(took)
                    non_2xx[0] += status >= 300

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / seconds,
        "p50": q[49],
        "p99": q[98],
        "requests": len(latencies),
        "non_2xx": non_2xx[0],
        "socket_errors": "",
    }


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="loket-bench-ingest-")
    env = _env(data_dir)
    subprocess.run([LOKET, "migrate", "--verbosity", "0"], env=env, check=True)
    with psycopg.connect(DATABASE_URL, autocommit=True) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_delivery "
            "(id bigserial PRIMARY KEY, body bytea NOT NULL, received_at timestamptz NOT NULL DEFAULT now())"
        )
        first_delivery = db.execute("SELECT coalesce(max(id), 0) FROM whatsapp_delivery").fetchone()[0]
    server = subprocess.Popen(
        [LOKET, "serve", "--port", str(PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("loket serve did not start")
        body = delivery_body()
        headers = envelopes.headers(SECRET, body)
        load = _wrk if shutil.which("wrk") else _python_load
        print(
            f"load generator: {'wrk' if load is _wrk else 'python'}; {CONNECTIONS} connections, {SECONDS}s each"
        )
        print(f"body {len(body)} bytes, signed; server: loket serve (granian WSGI) on PostgreSQL")
        results = {}
        with psycopg.connect(DATABASE_URL, autocommit=True) as db:
            for name, path, table in [
                ("ok", "/bench/ok", None),
                ("minimal", "/bench/minimal", "bench_raw_delivery"),
                ("webhook", "/webhooks/whatsapp", "whatsapp_delivery"),
            ]:
                load(base + path, body, headers, 2)  # warm up connections and code paths
                before = _count(db, table) if table else 0
                result = load(base + path, body, headers, SECONDS)
                result["stored"] = (_count(db, table) - before) if table else None
                results[name] = result
        print(f"{'path':<9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'stored':>9}")
        for name, r in results.items():
            stored = "-" if r["stored"] is None else str(r["stored"])
            print(f"{name:<9}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['non_2xx']:>9}{stored:>9}")
        ratio = results["webhook"]["rps"] / results["minimal"]["rps"]
        print(f"webhook / minimal durable webhook = {ratio:.2f} (target >= 0.80)")
        w = results["webhook"]
        if w["non_2xx"] == 0 and w["stored"] < w["requests"] - CONNECTIONS:
            print("WARNING: fewer deliveries stored than answered")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        with psycopg.connect(DATABASE_URL, autocommit=True) as db:
            db.execute("DROP TABLE IF EXISTS bench_raw_delivery")
            db.execute("DELETE FROM whatsapp_delivery WHERE id > %s", [first_delivery])
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
