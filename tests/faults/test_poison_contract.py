"""Contract: with 100 poison deliveries posted first, 20 valid requests posted after them
are all answered within 150 s, and `/readyz` then reports quarantined > 0."""

from __future__ import annotations

import itertools
import os
import time

import pytest

from tests.faults.deliveries import POISON_KINDS, Builder
from tests.faults.outcome import Expectation, all_answered, report, tally, wait_until
from tests.faults.poster import Poster
from tests.faults.stack import SECRET

pytestmark = pytest.mark.slow

ANSWER_WITHIN = 150


def test_poison_first_does_not_stop_valid_requests(start_stack) -> None:
    stack = start_stack(workers=2)
    build = Builder(tag=f"{os.getpid() % 1000 + 1:03d}", seed=2)
    kinds = itertools.cycle(POISON_KINDS)
    poison = [build.delivery(build.poison(next(kinds))) for _ in range(100)]
    valid = [build.delivery(build.valid()) for _ in range(20)]

    poster = Poster(stack.web_port, SECRET, threads=6, give_up_after=60)
    for delivery in poison:
        poster.post(delivery)
    assert poster.join(90), "posting the poison deliveries did not end"
    assert not poster.not_stored(), [o.statuses for o in poster.not_stored()][:5]

    posted_at = time.monotonic()
    after = Poster(stack.web_port, SECRET, threads=4, give_up_after=60)
    for delivery in valid:
        after.post(delivery)
    assert after.join(60) and not after.not_stored()
    took = wait_until(all_answered(stack, [m for d in valid for m in d.messages]), ANSWER_WITHIN, every=2)
    status, ready = stack.readyz()
    counts = tally(stack, Expectation.of(poison + valid))
    report(
        counts.line(
            "poison-contract",
            f"poison_deliveries={len(poison)} answered_in={'-' if took is None else f'{took:.1f}s'} "
            f"readyz={status}:{ready} workers_dead={stack.dead_workers()}",
        )
    )
    assert took is not None, (
        f"{counts.answered} of 20 valid requests answered within {ANSWER_WITHIN}s "
        f"behind 100 poison deliveries (since posted: {time.monotonic() - posted_at:.0f}s)\n" + stack.tails()
    )
    assert status == 200 and ready is not None, f"/readyz answered {status}: {ready}"
    assert ready["queue"]["quarantined"] > 0, ready
    assert not counts.lost and not counts.duplicated and not counts.wrongly_kept, (
        counts.lost,
        counts.duplicated,
        counts.wrongly_kept,
    )
    assert not stack.dead_workers(), stack.dead_workers()
