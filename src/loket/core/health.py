"""Figures operators read (`/readyz`, `/metrics`), gathered from every capability.

Core never imports a capability: each one registers its sources from its
`AppConfig.ready()`, so the dependency points from the capability to core.
"""

from __future__ import annotations

from collections.abc import Callable

QuarantineSource = Callable[[], int]

_quarantine_sources: dict[str, QuarantineSource] = {}


def register_quarantine_source(name: str, count: QuarantineSource) -> None:
    """Register a function that counts items set aside as poison (e.g. "whatsapp.deliveries")."""
    _quarantine_sources[name] = count


def quarantined_by_source() -> dict[str, int]:
    """The quarantined count of every registered source, read from the database now."""
    return {name: count() for name, count in sorted(_quarantine_sources.items())}


def quarantined() -> int:
    return sum(quarantined_by_source().values())
