"""`loket precheck FILE [--nik NIK] [--kk KK] --json`: the contract, without a database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from loket.precheck import synthetic

pytestmark = pytest.mark.slow

# No database anywhere: a PostgreSQL port nobody listens on. Any query would fail.
NO_DATABASE = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}


def loket(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loket", "precheck", *args],
        env={**os.environ, **NO_DATABASE, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def ktp(tmp_path_factory):
    fam = synthetic.family(np.random.default_rng(31))
    path = tmp_path_factory.mktemp("precheck") / "ktp.jpg"
    synthetic.ktp_image(np.random.default_rng(32), fam.head, fam).save(path, "JPEG", quality=88)
    return path, fam


def test_json_contract_without_a_database(ktp):
    path, fam = ktp
    wrong_kk = fam.kk  # a KTP-el carries no KK number
    done = loket(str(path), "--nik", fam.head.nik, "--kk", wrong_kk, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["kind", "numbers", "checks", "seconds"]
    assert out["kind"] == "ktp"
    assert out["numbers"] == [fam.head.nik]
    assert out["checks"] == {"nik": "match", "kk": "mismatch"}
    assert isinstance(out["seconds"], float) and out["seconds"] > 0


def test_without_an_ocr_engine_checks_are_not_checked(ktp):
    path, fam = ktp
    done = loket(str(path), "--nik", fam.head.nik, "--json", env={"LOKET_PRECHECK_OCR": "none"})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["checks"] == {"nik": "not_checked", "kk": "not_checked"}
    assert out["numbers"] == []


def test_without_the_ocr_package_installed(ktp, tmp_path):
    """The engine's package missing altogether (hidden from the import system): the command
    still answers, with not_checked."""
    path, fam = ktp
    hide = tmp_path / "sitecustomize.py"
    hide.write_text("import sys\nsys.modules['rapidocr_onnxruntime'] = None\n")
    done = loket(
        str(path),
        "--nik",
        fam.head.nik,
        "--json",
        env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["checks"]["nik"] == "not_checked"


def test_not_asked_is_not_checked(ktp):
    path, _ = ktp
    done = loket(str(path), "--json", env={"LOKET_PRECHECK_OCR": "none"})
    assert json.loads(done.stdout)["checks"] == {"nik": "not_checked", "kk": "not_checked"}


def _huge_png() -> bytes:
    # 12000 x 6000 = 72 megapixels of one colour: tiny on disk, a bomb when decoded.
    buffer = io.BytesIO()
    Image.new("L", (12000, 6000), 255).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"#!/bin/sh\necho not a document\n", "not a document"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "not a document"),  # a truncated JPEG
        (None, "not a document"),  # huge pixel count
    ],
)
def test_bad_files_exit_1_with_a_clear_error(tmp_path, content, says):
    path = tmp_path / "file.jpg"
    path.write_bytes(content if content is not None else _huge_png())
    done = loket(str(path), "--json")
    assert done.returncode == 1
    assert says in done.stderr
    assert done.stdout == ""


def test_missing_file_and_malformed_numbers(tmp_path, ktp):
    path, _ = ktp
    missing = loket(str(tmp_path / "nope.jpg"), "--json")
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    short = loket(str(path), "--kk", "12345", "--json")
    assert short.returncode == 1 and "16-digit" in short.stderr
