"""Document pre-checks (issue 18) on the project's own evaluation set.

The set (`loket.precheck.synthetic`, seed 18): per level, N Kartu Keluarga, N KTP-el, N
Kutipan Akta Kelahiran and N child's photos (colour/grey, sharp/blurred in turn), plus N/4
blank sheets, photographed at the two fixed distortion levels of the issue:
moderate (rotation ±6°, skew 4%, blur σ ≤ 1.0, JPEG 50–85, one shadow) and hard (±12°, 8%,
σ ≤ 2.0, JPEG 30–60, two shadows).

Per check and level: precision and recall, and the time per document on one core (ONNX
Runtime and OpenCV each run single-threaded). A number check asks, for every number printed
on a document, once with the right number (a positive: `match` is the right answer) and
once with a near miss, one digit changed (a negative: `match` there is a false ✔).
Precision = right ✔ / all ✔; recall = right ✔ / positives. For the photo flags (grey,
blurred, no face) the flag is the positive class.

    python -m bench.bench_precheck [--n 12] [--levels moderate,hard] [--engine rapidocr]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from loket.domain.precheck import Check, check_number, kind_matches
from loket.precheck import ocr, synthetic
from loket.precheck.reading import read_document

TARGET_PRECISION, TARGET_RECALL, TARGET_SECONDS = 0.99, 0.80, 2.0


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    positives: int = 0
    negatives: int = 0
    unreadable: int = 0  # answers `unreadable` (positives and negatives)

    def add(self, positive: bool, claimed: bool, unreadable: bool = False) -> None:
        if positive:
            self.positives += 1
            self.true_positive += claimed
        else:
            self.negatives += 1
            self.false_positive += claimed
        self.unreadable += unreadable

    @property
    def precision(self) -> float:
        claimed = self.true_positive + self.false_positive
        return self.true_positive / claimed if claimed else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.positives if self.positives else 1.0


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (Tesseract runs as one)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _numbers_checked(sample: synthetic.Sample) -> dict[str, tuple[str, ...]]:
    """The number checks of the issue that this document answers."""
    if sample.kind == "kk":
        assert sample.kk is not None
        # niks: head, spouse, children...; the child is the last one.
        return {
            "kk number on KK": (sample.kk,),
            "parent NIK on KK": sample.niks[:2],
            "child NIK on KK": sample.niks[-1:],
        }
    if sample.kind == "ktp":
        return {"parent NIK on KTP-el": sample.niks}
    if sample.kind == "akta":
        return {"child NIK on akta": sample.niks}
    return {}


def run_level(
    level: synthetic.Level, per_kind: int, engine: str
) -> tuple[dict[str, Tally], list[float], list[float]]:
    samples = synthetic.evaluation_set(level, per_kind)
    rng = np.random.default_rng(1800)
    tallies: dict[str, Tally] = defaultdict(Tally)
    seconds: list[float] = []
    walls: list[float] = []
    for sample in samples:
        # CPU time of this (single-threaded) process and its children: the one-core figure, whatever else
        # the machine is doing. Wall-clock time is printed next to it.
        started, wall = _cpu(), time.perf_counter()
        reading = read_document(sample.data, "image/jpeg", engine=engine)
        seconds.append(_cpu() - started)
        walls.append(time.perf_counter() - wall)
        for check, numbers in _numbers_checked(sample).items():
            for number in numbers:
                for expected, positive in ((number, True), (synthetic.near_miss(rng, number), False)):
                    answer: Check = check_number(reading, expected)
                    tallies[check].add(positive, answer == "match", answer == "unreadable")
                    tallies["all numbers"].add(positive, answer == "match", answer == "unreadable")
        for kind in ("kk", "ktp", "akta", "photo"):
            tallies[f"kind {kind}"].add(sample.kind == kind, reading.kind == kind)
        if sample.kind == "photo":
            assert reading.photo is not None
            tallies["photo: kind matches 'photo'"].add(True, kind_matches("photo", reading) == "match")
            tallies["flag grey photo"].add(not sample.colour, not reading.photo.colour)
            tallies["flag blurred photo"].add(sample.blurred, reading.photo.blurred)
        if sample.kind in ("kk", "akta", "unknown", "photo"):  # a KTP-el has a face on it
            assert reading.photo is not None
            tallies["flag no face"].add(sample.kind != "photo", not reading.photo.face)
    return tallies, seconds, walls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n",
        type=int,
        default=int(os.environ.get("LOKET_BENCH_PRECHECK_N", "12")),
        help="documents per kind and level",
    )
    parser.add_argument("--levels", default="moderate,hard")
    parser.add_argument("--engine", default=ocr.RAPIDOCR, choices=ocr.ENGINES)
    args = parser.parse_args(sys.argv[1:] if argv is None and __name__ == "__main__" else (argv or []))
    if ocr.engine(args.engine) is None:
        # The photo flags need no OCR: they are still measured; every number check is not_checked.
        print(f"OCR engine {args.engine} is not available here: number and kind checks are not_checked")
    # Load the models before the clock starts (a worker keeps them loaded).
    read_document(synthetic.kk_sample(np.random.default_rng(0), synthetic.CLEAN).data, engine=args.engine)
    print(f"engine {args.engine}, {args.n} documents per kind and level (seed 18), one core")
    for name in args.levels.split(","):
        level = synthetic.LEVELS[name]
        tallies, seconds, walls = run_level(level, args.n, args.engine)
        print(f"\n-- {name}: {len(seconds)} documents")
        print(f"{'check':32} {'precision':>9} {'recall':>7} {'pos':>5} {'neg':>5} {'unread':>6}")
        for check, tally in tallies.items():
            print(
                f"{check:32} {tally.precision:9.3f} {tally.recall:7.3f} {tally.positives:5d} {tally.negatives:5d} {tally.unreadable:6d}"
            )
        ordered = sorted(seconds)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"time per document (CPU, one core): mean {statistics.mean(seconds):.2f} s, median {statistics.median(seconds):.2f} s, "
            f"p95 {p95:.2f} s; wall-clock mean {statistics.mean(walls):.2f} s"
        )
        if name == "moderate":
            numbers = tallies["all numbers"]
            verdict = (
                numbers.precision >= TARGET_PRECISION
                and numbers.recall >= TARGET_RECALL
                and statistics.mean(seconds) < TARGET_SECONDS
            )
            print(
                f"targets on moderate (precision ≥ {TARGET_PRECISION}, recall ≥ {TARGET_RECALL}, < {TARGET_SECONDS} s): "
                + ("met" if verdict else "NOT met")
            )


if __name__ == "__main__":
    main()
