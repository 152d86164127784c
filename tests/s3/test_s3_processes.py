"""Real `loket` processes configured only through the environment (LOKET_S3_*, AWS_*)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.s3.conftest import ACCESS_KEY, REGION, SECRET_KEY

pytestmark = pytest.mark.slow

LOKET = str(Path(sys.executable).parent / "loket")


def loket(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("LOKET_S3_", "AWS_", "DATABASE_URL"))
    }
    environment.update(
        LOKET_DATA_DIR=str(data_dir),
        LOKET_SECRET_KEY="s3-process-test-key",
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        **env,
    )
    return subprocess.run([LOKET, *args], env=environment, capture_output=True, text=True, timeout=180)


def test_loket_check_reports_a_missing_bucket_and_passes_a_real_one(s3_server, tmp_path):
    where = {"LOKET_S3_ENDPOINT_URL": s3_server.url, "LOKET_S3_REGION": REGION}
    missing = loket(["check"], tmp_path / "a", LOKET_S3_BUCKET="loket-not-created", **where)
    assert missing.returncode != 0
    assert "core.E101" in missing.stderr and "'loket-not-created' does not exist" in missing.stderr

    present = loket(["check"], tmp_path / "b", LOKET_S3_BUCKET=s3_server.new_bucket(), **where)
    assert present.returncode == 0, present.stderr
    assert "core.E101" not in present.stdout + present.stderr


def test_a_process_writes_through_the_environments_bucket_and_not_its_data_dir(s3_server, tmp_path):
    bucket = s3_server.new_bucket()
    data_dir = tmp_path / "data"
    script = (
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as s\n"
        "name = s.save('cases/1/akta.pdf', ContentFile(b'%PDF-1.4 dari proses'))\n"
        "print(type(s._wrapped).__name__, name, s.exists(name), s.size(name))\n"
    )
    answer = loket(
        ["shell", "-c", script],
        data_dir,
        LOKET_S3_BUCKET=bucket,
        LOKET_S3_ENDPOINT_URL=s3_server.url,
        LOKET_S3_REGION=REGION,
        LOKET_S3_PREFIX="loket/",
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.splitlines()[-1].split() == ["PrivateS3Storage", "cases/1/akta.pdf", "True", "20"]
    stored = s3_server.client().get_object(Bucket=bucket, Key="loket/cases/1/akta.pdf")["Body"].read()
    assert stored == b"%PDF-1.4 dari proses"
    assert not [p for p in data_dir.rglob("*") if p.is_file() and b"dari proses" in p.read_bytes()]
    assert not (data_dir / "media").exists()
