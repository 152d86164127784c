"""Contract: a `loket worker` keeps running through a PostgreSQL outage and, with no restart,
answers within 45 s the messages stored after the database returns.

The issue's contract names a 60 s outage; the suite cuts the database for OUTAGE_SECONDS
(30 s) to stay within a few minutes. The outage is a TcpProxy between every Loket process
and PostgreSQL: open connections are reset and new ones refused, then let through again.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.faults.deliveries import Builder, headers
from tests.faults.outcome import Expectation, all_answered, report, tally, wait_until
from tests.faults.poster import Poster
from tests.faults.stack import SECRET

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 30
ANSWER_WITHIN = 45
BURST = 40
LEASE_SECONDS = 70  # a job leased when the database went away runs again after its 60 s lease


def test_worker_outlives_a_database_outage_and_answers_afterwards(start_stack) -> None:
    stack = start_stack(workers=1)
    worker = stack.workers[0]
    build = Builder(tag=f"{os.getpid() % 1000:03d}", seed=1)
    poster = Poster(stack.web_port, SECRET, threads=4, give_up_after=60)

    # Before: the worker answers; then a burst keeps it busy, so that the cut lands in the
    # middle of jobs (their bookkeeping, not only the claim, meets the dead connection).
    first = build.delivery(build.valid())
    assert poster.post_now(first).stored
    assert wait_until(all_answered(stack, first.messages), 60) is not None, stack.tails()
    burst = [build.delivery(build.valid()) for _ in range(BURST)]
    for delivery in burst:
        poster.post(delivery)
    assert poster.join(60) and not poster.not_stored()
    busy = wait_until(lambda: len(stack.replies()) >= 4, 30, every=0.1)
    assert busy is not None, "the worker did not start on the burst\n" + stack.tails()

    stack.proxy.cut()
    cut_at = time.monotonic()
    during = build.delivery(build.valid())
    status = poster.post_once(during.raw, headers(SECRET, during.raw))
    died_at = None
    while time.monotonic() - cut_at < OUTAGE_SECONDS:
        if died_at is None and not worker.alive():
            died_at = time.monotonic() - cut_at
        time.sleep(0.5)
    stack.proxy.restore()
    assert status == 503, f"the webhook answered {status} during the outage, not 503 (Meta retries a 503)"
    if died_at is not None:
        report(f"faults outage-contract: FAILED worker exited {died_at:.0f}s into a {OUTAGE_SECONDS}s outage")
        pytest.fail(
            f"the worker exited {died_at:.0f}s into the database outage (exit {worker.proc.returncode})\n"
            + worker.tail(25),
            pytrace=False,
        )

    # After: messages stored once the database is back, answered by the same worker process.
    after = [build.delivery(build.valid()) for _ in range(10)]
    stored_at = time.monotonic()
    outcomes = [poster.post_now(delivery) for delivery in after]
    assert all(o.stored for o in outcomes), [o.statuses for o in outcomes]
    took = wait_until(all_answered(stack, [m for d in after for m in d.messages]), ANSWER_WITHIN)
    # The burst stored before the cut: answered too, once a lease left by the cut runs out.
    burst_took = wait_until(all_answered(stack, [m for d in burst for m in d.messages]), LEASE_SECONDS)
    counts = tally(stack, Expectation.of([first, *burst, *after]), quarantined=False)
    report(
        counts.line(
            "outage-contract",
            f"outage={OUTAGE_SECONDS}s "
            f"answered_after={'-' if took is None else f'{took:.1f}s'} "
            f"burst_answered={'-' if burst_took is None else 'yes'} "
            f"(posting took {time.monotonic() - stored_at:.1f}s)",
        )
    )
    assert worker.alive(), (
        f"the worker exited after the outage (exit {worker.proc.returncode})\n" + worker.tail(25)
    )
    assert worker.generation == 1, "the worker was restarted"
    assert took is not None, f"not every message stored after the outage was answered within {ANSWER_WITHIN}s"
    assert burst_took is not None, "messages stored before the outage were never answered"
    assert not counts.lost and not counts.duplicated, (counts.lost, counts.duplicated)
