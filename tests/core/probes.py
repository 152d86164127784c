"""Helpers for the health and metrics tests: a database that is really unreachable, scrapes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "scrape-token-for-tests"


def closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def unreachable_database(tmp_path: Path) -> Iterator[None]:
    """Point the default connection at nothing: a closed port (PostgreSQL) or a missing folder (SQLite).

    No mock: the driver really tries to connect and really fails, as when the server is down.
    """
    db = connections["default"]
    saved = dict(db.settings_dict)
    db.close()
    if db.vendor == "postgresql":
        db.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        db.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "loket.sqlite3")
    try:
        yield
    finally:
        db.close()
        db.settings_dict.clear()
        db.settings_dict.update(saved)


def scrape(client: Client | None = None) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET /metrics with the token and parse it back: {(sample name, sorted labels): value}."""
    response = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))
