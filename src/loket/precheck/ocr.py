"""The OCR engine adapter: one small interface over the engines the pre-check can use.

The engine is chosen by measurement (docs/precheck.md): RapidOCR (PP-OCRv4 through ONNX
Runtime), whose models ship inside the `rapidocr-onnxruntime` wheel, so `make install` alone
installs it and nothing is downloaded at run time. Debian's Tesseract (`tesseract-ocr` with
`tesseract-ocr-ind`) is kept as the measured alternative, used only when asked for by name.

An engine that is not installed is `None`: the pre-check then reports `not_checked`,
never a failure.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

try:  # Optional at run time: without it the pre-check reports not_checked.
    from rapidocr_onnxruntime import RapidOCR
except ImportError:  # pragma: no cover - exercised by a subprocess test that hides it
    RapidOCR = None

RAPIDOCR = "rapidocr"
TESSERACT = "tesseract"
NONE = "none"
ENGINES = (RAPIDOCR, TESSERACT, NONE)

# One core per document: the pre-check runs on workers next to everything else, and the
# benchmark's "time per document" is a one-core figure.
cv2.setNumThreads(1)


@dataclass(frozen=True)
class Line:
    """One line of text as the engine read it, with its confidence (0..1)."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]  # left, top, right, bottom in image pixels


class Engine(Protocol):
    name: str

    def read(self, image: np.ndarray) -> list[Line]:
        """The text lines on an RGB image (H x W x 3, uint8)."""
        ...


class RapidOcrEngine:
    name = RAPIDOCR

    def __init__(self) -> None:
        # Single-threaded ONNX sessions; no angle classifier (documents are upright or
        # slightly rotated, which the detector's rotated boxes absorb).
        self._ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)
        # The ONNX sessions are not documented as safe to share between threads.
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[Line]:
        bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        with self._lock:
            result, _elapsed = self._ocr(bgr, use_cls=False)
        lines = []
        for box, text, score in result or []:
            xs = [float(p[0]) for p in box]
            ys = [float(p[1]) for p in box]
            lines.append(Line(str(text), float(score), (min(xs), min(ys), max(xs), max(ys))))
        return lines


class TesseractEngine:
    """Debian's tesseract binary, Indonesian + English models, one line per text line."""

    name = TESSERACT

    def __init__(self, binary: str) -> None:
        self._binary = binary

    def read(self, image: np.ndarray) -> list[Line]:
        ok, png = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        if not ok:
            return []
        done = subprocess.run(
            [self._binary, "stdin", "stdout", "-l", "ind+eng", "--psm", "3", "tsv"],
            input=png.tobytes(),
            capture_output=True,
            timeout=60,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        if done.returncode != 0:
            return []
        return _tesseract_lines(done.stdout.decode("utf-8", "replace"))


def _tesseract_lines(tsv: str) -> list[Line]:
    """Tesseract's word table grouped into lines (block, paragraph, line)."""
    lines: dict[tuple[str, str, str], list[tuple[str, float, int, int, int, int]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[11].strip() or float(cols[10]) < 0:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(
            (cols[11], float(cols[10]) / 100, left, top, left + width, top + height)
        )
    out = []
    for words in lines.values():
        text = " ".join(w[0] for w in words)
        confidence = min(w[1] for w in words)
        box = (
            min(w[2] for w in words),
            min(w[3] for w in words),
            max(w[4] for w in words),
            max(w[5] for w in words),
        )
        out.append(Line(text, confidence, tuple(float(v) for v in box)))  # type: ignore[arg-type]  # four floats
    return out


@functools.cache
def engine(name: str = RAPIDOCR) -> Engine | None:
    """The named engine, loaded once per process; None when it is not installed (or `none`)."""
    if name == RAPIDOCR:
        return RapidOcrEngine() if RapidOCR is not None else None
    if name == TESSERACT:
        binary = shutil.which("tesseract")
        return TesseractEngine(binary) if binary and _has_indonesian(binary) else None
    if name == NONE:
        return None
    raise ValueError(f"unknown OCR engine {name!r} (one of {', '.join(ENGINES)})")


def _has_indonesian(binary: str) -> bool:
    done = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, check=False)
    return b"\nind\n" in done.stdout + done.stderr
