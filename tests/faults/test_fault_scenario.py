"""Everything at once, as an office might live it on a bad day.

`loket serve`, two `loket worker`s and `loket fake-graph` on a scratch PostgreSQL database
behind a TcpProxy. Signed deliveries (about 20% redelivered, shuffled) arrive while:
workers are SIGKILLed at random and started again (as a supervisor would); the database is
cut for OUTAGE_SECONDS (the webhook answers 503 and the poster retries like Meta); the fake
Graph API answers storms of 500s, 429-style rate limits (130429) and 131000s; poison bodies
come alone and mixed with valid messages in one delivery.

At the end: every valid message stored once and answered once (one reply per resident at
the fake Graph API), strict poison never stored nor answered, quarantine reported, nothing
waiting, every worker process alive. The counts go to stdout and var/faults-report.txt.
"""

from __future__ import annotations

import os
import random
import threading
import time

import pytest

from tests.faults.deliveries import POISON_KINDS, Builder, Delivery
from tests.faults.outcome import Expectation, all_answered, report, tally, wait_until
from tests.faults.poster import Poster
from tests.faults.stack import SECRET, Stack

pytestmark = pytest.mark.slow

VALID_DELIVERIES = 120
POISON_EACH = 2  # deliveries of each poison kind alone
OUTAGE_SECONDS = 30
MAX_KILLS = 6
DRAIN_SECONDS = 100  # a job leased by a killed worker runs again after its 60 s lease


class Killer:
    """SIGKILLs a random live worker every few seconds and starts it again; bounded."""

    def __init__(self, stack: Stack, seed: int) -> None:
        self.stack = stack
        self.random = random.Random(seed)
        self.kills = 0
        self.on = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="worker-killer")
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(self.random.uniform(3.0, 6.0)):
            if not self.on.is_set() or self.kills >= MAX_KILLS:
                continue
            alive = [w for w in self.stack.workers if w.alive()]
            if alive:  # a worker that died by itself stays dead: the suite must see it
                self.stack.kill_and_restart(self.random.choice(alive), pause=self.random.uniform(0.2, 1.5))
                self.kills += 1

    def stop(self) -> None:
        self.done.set()
        self.thread.join(timeout=20)


def _deliveries(build: Builder) -> list[Delivery]:
    deliveries = [build.delivery(build.valid()) for _ in range(VALID_DELIVERIES)]
    deliveries += [build.delivery(build.poison(kind)) for kind in POISON_KINDS for _ in range(POISON_EACH)]
    # One poison message between two valid ones in the same delivery, for every kind.
    deliveries += [
        build.delivery(build.valid(), build.poison(kind), build.valid(), label=f"mixed-{kind}")
        for kind in POISON_KINDS
    ]
    return deliveries


def _feed(poster: Poster, posts: list[Delivery], seconds: float) -> None:
    """Post at an even pace over about `seconds`."""
    pause = seconds / max(1, len(posts))
    for delivery in posts:
        poster.post(delivery)
        time.sleep(pause)


def test_everything_at_once(start_stack) -> None:
    stack = start_stack(workers=2)
    build = Builder(tag=f"{os.getpid() % 1000 + 2:03d}", seed=3)
    deliveries = _deliveries(build)
    posts = build.shuffled_posts(deliveries, redeliver=0.2)
    expected = Expectation.of(deliveries)
    poster = Poster(stack.web_port, SECRET, threads=6, give_up_after=OUTAGE_SECONDS + 60)
    killer = Killer(stack, seed=4)
    started = time.monotonic()
    try:
        killer.on.set()
        first = posts[: len(posts) // 2]
        during = posts[len(posts) // 2 : len(posts) * 4 // 5]
        last = posts[len(posts) * 4 // 5 :]
        stack.graph_storm(20, http_status=500)
        _feed(poster, first[: len(first) // 2], 6)
        stack.graph_storm(15, code=130429)
        _feed(poster, first[len(first) // 2 :], 6)

        stack.proxy.cut()
        cut_at = time.monotonic()
        _feed(poster, during, 10)  # answered 503 and retried by the poster until the database returns
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - cut_at)))
        stack.proxy.restore()
        outage = time.monotonic() - cut_at

        killer.on.clear()  # kills now would only wait out a 60 s lease before the end
        stack.graph_storm(10, code=131000)
        _feed(poster, last, 5)
        assert poster.join(OUTAGE_SECONDS + 90), "the poster did not finish"
        answered_in = wait_until(
            all_answered(stack, expected.exactly_once),
            DRAIN_SECONDS,
            every=2,
            unless=lambda: len(stack.dead_workers()) == len(stack.workers),
        )
        settled_in = wait_until(
            lambda: not any(stack.waiting().values()), 30, every=2, unless=stack.dead_workers
        )
    finally:
        killer.stop()
    waiting = stack.waiting()
    counts = tally(stack, expected)
    statuses = poster.statuses()
    graph_errors = sum(1 for r in stack.graph.get("/requests").json() if r["answer_status"] not in (0, 200))
    report(
        counts.line(
            "scenario",
            f"posts={len(posts)} poison_messages={len(expected.never) + len(expected.at_most_once)} "
            f"kills={killer.kills} outage={outage:.0f}s webhook_503={statuses[503]} "
            f"graph_errors={graph_errors} answered_in={'-' if answered_in is None else f'{answered_in:.0f}s'} "
            f"total={time.monotonic() - started:.0f}s",
        )
    )
    problems = []
    if stack.dead_workers():
        problems.append(f"workers dead (not killed by the test): {stack.dead_workers()}")
    if not all(p.alive() for p in stack.processes if p not in stack.workers):
        problems.append("loket serve or the fake Graph API exited")
    if statuses[503] == 0:
        problems.append("the webhook never answered 503 during the outage")
    if poster.not_stored():
        problems.append(f"{len(poster.not_stored())} deliveries never answered 200: {statuses}")
    if counts.lost:
        problems.append(f"lost {len(counts.lost)}: {counts.lost[:5]}")
    if counts.duplicated:
        problems.append(f"duplicated {len(counts.duplicated)}: {counts.duplicated[:5]}")
    if counts.wrongly_kept:
        problems.append(f"poison kept: {counts.wrongly_kept[:5]}")
    if not counts.quarantined:
        problems.append(f"no quarantine reported ({counts.quarantined})")
    if settled_in is None:
        problems.append(f"still waiting: {waiting}")
    assert not problems, "\n".join(problems) + "\n" + stack.tails()
