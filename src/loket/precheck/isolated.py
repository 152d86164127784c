"""Read one document in a child process, bounded in time and memory.

The worker runs `python -m loket.precheck.child CONTENT_TYPE MAX_SECONDS ENGINE`
with the file's bytes on stdin; the child prints the reading as one JSON object. A
hostile file that crashes the decoder or the OCR engine, eats memory (the address space is
capped) or hangs (killed at the deadline) ends the child, never the worker: the parent
(`run`) turns each of those into a failed or timed-out reading with a clear reason.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass

from loket.domain.precheck import Reading

# The child's marker of a reason fit to show (child.REFUSED; not imported: the child loads
# the OCR engine, the worker must not).
REFUSED = "refused: "


@dataclass(frozen=True)
class Outcome:
    """What the child produced: a reading, or why there is none ("failed" / "timeout")."""

    status: str  # done | failed | timeout
    reading: dict | None = None  # the domain's Reading as a dict (dataclasses.asdict)
    error: str = ""
    background: str = ""  # the photo's background colour (background.py), "" if not an image


def run(data: bytes, content_type: str, *, seconds: float, memory_mb: int, engine: str) -> Outcome:
    """Read `data` in a child process; never raises for anything the file can cause."""

    def limit() -> None:  # runs in the child before it starts Python
        if memory_mb > 0:
            cap = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        cpu = int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    # One core per reading: the engines' thread pools would otherwise take every core.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    command = [
        sys.executable,
        "-m",
        "loket.precheck.child",
        content_type,
        str(seconds),
        engine,
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
            command, input=data, capture_output=True, timeout=seconds, preexec_fn=limit, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return Outcome("timeout", error=f"Tidak selesai dalam {seconds:g} detik.")
    if done.returncode != 0:
        return Outcome("failed", error=_why(done.returncode, done.stderr))
    try:
        printed = json.loads(done.stdout)
        reading = printed["reading"]
        Reading(**{**reading, "numbers": tuple(reading["numbers"]), "names": tuple(reading["names"])})
    except (ValueError, TypeError, KeyError):
        return Outcome("failed", error="Hasil pembacaan tidak dapat dipahami.")
    return Outcome("done", reading=reading, background=str(printed.get("background") or ""))


def _why(returncode: int, stderr: bytes) -> str:
    """A reason fit for an officer, with no content of the file (stderr names only the error type)."""
    if returncode < 0:
        return f"Pembaca berhenti (sinyal {-returncode}): berkas terlalu berat atau rusak."
    last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
    if last[0].startswith(REFUSED):
        return f"Berkas ditolak pemeriksaan berkas: {last[0].removeprefix(REFUSED)}"[:200]
    kind = last[0].split(":", 1)[0][:60]
    # Out of memory before the child's own handler ran (an import at start-up under the cap).
    if "MemoryError" in kind or b"Cannot allocate memory" in stderr:
        return "Berkas terlalu berat untuk dibaca (batas memori)."
    if kind == "ImportError":
        # The engine is found (else the reading says "not_checked"), so an import failing in
        # the child is an extension module that could not load: the cap, or a broken install.
        return "Pembaca tidak dapat dimuat (batas memori terlalu kecil, atau pemasangan rusak)."
    return f"Berkas tidak dapat dibaca ({kind})."
