"""Posting deliveries as Meta does: signed, several at once, retried until answered 200.

Meta retries a delivery that was not answered 200 (a 5xx, a refused connection, a timeout)
with backoff for hours; the suite compresses that to a backoff from 0.5 s to 4 s within a
deadline, so a delivery posted during a 30 s database outage is retried until it is stored.
"""

from __future__ import annotations

import http.client
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.faults.deliveries import Delivery, headers


@dataclass
class Outcome:
    delivery: Delivery
    statuses: list[int] = field(default_factory=list)  # every answer; 0 = connection failed

    @property
    def stored(self) -> bool:
        return bool(self.statuses) and self.statuses[-1] == 200


class Poster:
    """A few threads posting queued deliveries to `loket serve`, each retried like Meta."""

    def __init__(self, port: int, secret: str, *, threads: int = 6, give_up_after: float = 150.0) -> None:
        self.port = port
        self.secret = secret
        self.give_up_after = give_up_after
        self.outcomes: list[Outcome] = []
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, daemon=True, name=f"poster-{i}") for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def post(self, delivery: Delivery) -> None:
        self._queue.put(delivery)

    def post_now(self, delivery: Delivery) -> Outcome:
        """Post in the calling thread (retried like the others)."""
        return self._deliver(delivery)

    def join(self, timeout: float) -> bool:
        """Wait until everything queued was answered 200 or given up; True when all ended."""
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)

    def statuses(self) -> Counter[int]:
        with self._lock:
            return Counter(status for outcome in self.outcomes for status in outcome.statuses)

    def not_stored(self) -> list[Outcome]:
        with self._lock:
            return [outcome for outcome in self.outcomes if not outcome.stored]

    def _run(self) -> None:
        while (delivery := self._queue.get()) is not None:
            self._deliver(delivery)

    def _deliver(self, delivery: Delivery) -> Outcome:
        outcome = Outcome(delivery)
        with self._lock:
            self.outcomes.append(outcome)
        wait, deadline = 0.5, time.monotonic() + self.give_up_after
        sign = headers(self.secret, delivery.raw)
        while True:
            status = self.post_once(delivery.raw, sign)
            outcome.statuses.append(status)
            # 200 is stored; 4xx means Meta would not retry (and the suite then fails on it).
            if status == 200 or 400 <= status < 500 or time.monotonic() + wait > deadline:
                return outcome
            time.sleep(wait)
            wait = min(wait * 2, 4.0)

    def post_once(self, raw: bytes, sign: dict[str, str]) -> int:
        """One POST, no retry: the HTTP status, or 0 when the connection failed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request("POST", "/webhooks/whatsapp", body=raw, headers=sign)
            return connection.getresponse().status
        except OSError:
            return 0
        finally:
            connection.close()
