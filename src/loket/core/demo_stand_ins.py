"""Stand-ins for outside services during `loket demo` (e.g. a channel's fake provider API).

The core knows none of them: a capability registers a starter from its AppConfig.ready(),
and `loket demo` starts every one before the web server and prints the lines each returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class StandIn:
    """A started (or, with --no-serve, only described) stand-in."""

    lines: list[str]  # what `loket demo` prints about it (its address, how to change its port)
    stop: Callable[[], None] = field(default=lambda: None)


# (host, web port, serve) -> StandIn. With serve=False the starter starts nothing, only describes.
Starter = Callable[[str, int, bool], StandIn]

_starters: dict[str, Starter] = {}


def register_demo_stand_in(name: str, start: Starter) -> None:
    """Add (or replace, by name) a stand-in `loket demo` starts."""
    _starters[name] = start


def start_all(host: str, port: int, *, serve: bool) -> list[StandIn]:
    return [start(host, port, serve) for start in _starters.values()]
