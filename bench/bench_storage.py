"""Storing and reading back a resident's 2 MB document: the local media folder vs an S3 bucket.

Through the same storage API Loket uses (`save`, `open` + `read`, `delete`): Django's
FileSystemStorage on a temporary folder, and `loket.core.s3.PrivateS3Storage` (the settings'
own `s3_storage` options) against moto's S3 server started as a separate process on
127.0.0.1 (a real HTTP round trip, not an in-process mock; a real MinIO or cloud bucket
adds its own disk and network time). Prints median and p90 per operation.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings")
os.environ.setdefault("LOKET_DATA_DIR", tempfile.mkdtemp(prefix="loket-bench-storage-"))

import django  # noqa: E402

django.setup()

import boto3  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import FileSystemStorage, Storage  # noqa: E402

from loket.core.s3 import PrivateS3Storage  # noqa: E402
from loket.settings import s3_storage  # noqa: E402

SIZE = 2 * 1024 * 1024
ROUNDS = 20
KEYS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_moto() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("moto_server did not start")


def _measure(storage: Storage, data: bytes) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"save": [], "read back": [], "delete": []}
    for n in range(ROUNDS):
        started = time.perf_counter()
        name = storage.save(f"cases/{n}/akta-{n}.jpg", ContentFile(data))
        saved = time.perf_counter()
        with storage.open(name, "rb") as fh:
            assert fh.read() == data
        read = time.perf_counter()
        storage.delete(name)
        deleted = time.perf_counter()
        times["save"].append((saved - started) * 1000)
        times["read back"].append((read - saved) * 1000)
        times["delete"].append((deleted - read) * 1000)
    return times


def _report(label: str, times: dict[str, list[float]]) -> None:
    for operation, values in times.items():
        ordered = sorted(values)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(f"  {label:<22} {operation:<10} median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms")


def main() -> None:
    data = os.urandom(SIZE)
    print(f"{ROUNDS} rounds of a {SIZE // (1024 * 1024)} MB document: save, open + read back, delete")
    folder = tempfile.mkdtemp(prefix="loket-bench-media-")
    try:
        _report("local media folder", _measure(FileSystemStorage(location=folder), data))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    os.environ.update(KEYS)
    process, url = _start_moto()
    try:
        boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket="loket-bench")
        options = s3_storage("loket-bench", endpoint_url=url, region="us-east-1", prefix="berkas")["OPTIONS"]
        _report("S3 (moto, loopback)", _measure(PrivateS3Storage(**options), data))
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
