"""Counting what came out of a fault run, and the one report line each test prints.

sent        distinct valid messages that deserve an answer
stored      of those, stored (as InboundMessage) at least once
answered    of those, whose resident got at least one reply at the fake Graph API
quarantined what Loket reports as quarantined (`/readyz`, else `loket.core.health`)
lost        deserving messages not stored or never answered
duplicated  extra rows or extra replies beyond one per message (any message, poison too)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.deliveries import STRICT_POISON, Delivery, Message
from tests.faults.stack import Stack

REPORT = Path(__file__).resolve().parents[2] / "var" / "faults-report.txt"


@dataclass
class Expectation:
    """Which messages must be answered exactly once, and which at most once or never."""

    exactly_once: list[Message] = field(default_factory=list)
    at_most_once: list[Message] = field(default_factory=list)
    never: list[Message] = field(default_factory=list)

    @classmethod
    def of(cls, deliveries: list[Delivery]) -> Expectation:
        expected = cls()
        for delivery in deliveries:
            for message in delivery.messages:
                if message.kind in STRICT_POISON:
                    expected.never.append(message)
                elif message.kind == "valid" and not delivery.deep:
                    expected.exactly_once.append(message)
                else:
                    expected.at_most_once.append(message)
        return expected


@dataclass
class Tally:
    sent: int
    stored: int
    answered: int
    quarantined: int | None
    lost: list[str]
    duplicated: list[str]
    wrongly_kept: list[str]
    replies: Counter

    def line(self, name: str, extra: str = "") -> str:
        quarantined = "n/a" if self.quarantined is None else self.quarantined
        return (
            f"faults {name}: sent={self.sent} stored={self.stored} answered={self.answered} "
            f"quarantined={quarantined} lost={len(self.lost)} duplicated={len(self.duplicated)}"
            + (f" {extra}" if extra else "")
        )


def tally(stack: Stack, expected: Expectation, *, quarantined: bool = True) -> Tally:
    everything = expected.exactly_once + expected.at_most_once + expected.never
    stored = stack.stored([m.wamid for m in everything])
    replies = Counter(reply["to"] for reply in stack.replies())
    lost = [m.wamid for m in expected.exactly_once if not stored.get(m.wamid) or not replies[m.wa_id]]
    duplicated = [f"{w} stored {n}x" for w, n in stored.items() if n > 1]
    duplicated += [f"{m.wa_id} answered {replies[m.wa_id]}x" for m in everything if replies[m.wa_id] > 1]
    wrongly_kept = [f"{m.kind} stored" for m in expected.never if stored.get(m.wamid)]
    wrongly_kept += [f"{m.kind} answered" for m in expected.never if replies[m.wa_id]]
    truncated = stack.prefix_stored([m.wamid for m in expected.never if m.kind == "long_id"])
    wrongly_kept += [f"long_id stored truncated ({truncated})"] if truncated else []
    return Tally(
        sent=len(expected.exactly_once),
        stored=sum(1 for m in expected.exactly_once if stored.get(m.wamid)),
        answered=sum(1 for m in expected.exactly_once if replies[m.wa_id]),
        quarantined=stack.quarantined() if quarantined else None,
        lost=lost,
        duplicated=duplicated,
        wrongly_kept=wrongly_kept,
        replies=replies,
    )


def all_answered(stack: Stack, messages: list[Message]) -> Callable[[], bool]:
    def check() -> bool:
        replies = Counter(reply["to"] for reply in stack.replies())
        return all(replies[m.wa_id] for m in messages)

    return check


def wait_until(
    check: Callable[[], bool],
    seconds: float,
    every: float = 1.0,
    *,
    unless: Callable[[], object] | None = None,
) -> float | None:
    """Poll `check` for at most `seconds`; the seconds it took, or None when it never held
    (or as soon as `unless()` is true: waiting longer cannot help, e.g. every worker is dead)."""
    start = time.monotonic()
    while True:
        if unless is not None and unless():
            return None
        try:
            if check():
                return time.monotonic() - start
        except Exception:  # noqa: S110 - a probe may fail while the stack recovers; keep polling
            pass
        if time.monotonic() - start > seconds:
            return None
        time.sleep(every)


def report(line: str) -> None:
    """Visible with `pytest -s`, and kept in var/faults-report.txt (.ci/run prints it)."""
    print(line, flush=True)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a") as out:
        out.write(line + "\n")
