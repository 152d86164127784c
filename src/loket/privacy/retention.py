"""What personal data expires when, and the one purge that removes it (UU 27/2022).

The periods are settings (`LOKET_RETAIN_*_DAYS`). Each capability that holds personal
data registers a *kind* here: how to select what has expired, and how to remove it. This
module imports no capability; the dependency points from each capability to it.

A purge runs the registered "before" hooks first (figures that are derived from texts are
saved while the texts still exist), then each kind in order, each in its own transaction.
`dry_run` selects and counts exactly as the purge does and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

# The marker left where a file or a text was removed.
PURGED_MARK = "dihapus (retensi)"
ERASED_MARK = "dihapus (permintaan pemohon)"


@dataclass(frozen=True)
class Cutoffs:
    """What received or closed at or before each instant has expired.

    `residents`: when set, only these residents' data (an erasure request), whatever the
    periods; `mark`: the marker left behind.
    """

    now: dt.datetime
    documents: dt.datetime
    messages: dt.datetime
    deliveries: dt.datetime
    residents: list[int] | None = None
    mark: str = PURGED_MARK


def period_days(name: str) -> int:
    days = getattr(settings, name)
    if not isinstance(days, int) or days < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, 0 or more; got {days!r}")
    return days


def cutoffs(now: dt.datetime | None = None) -> Cutoffs:
    """The instants from the settings. Message texts also wait for the end of their local day:
    the day's figures derived from them are saved first (a day still running is counted live)."""
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    messages = now - dt.timedelta(days=period_days("LOKET_RETAIN_MESSAGES_DAYS"))
    return Cutoffs(
        now=now,
        documents=now - dt.timedelta(days=period_days("LOKET_RETAIN_DOCUMENTS_DAYS")),
        messages=min(messages, start_of_today - dt.timedelta(microseconds=1)),
        deliveries=now - dt.timedelta(days=period_days("LOKET_RETAIN_DELIVERIES_DAYS")),
    )


def for_residents(resident_ids: list[int], now: dt.datetime | None = None) -> Cutoffs:
    """Everything of these residents, at once (an erasure the resident asked for)."""
    now = now or timezone.now()
    return Cutoffs(
        now=now, documents=now, messages=now, deliveries=now, residents=resident_ids, mark=ERASED_MARK
    )


CHUNK = 500  # ids per UPDATE: far below SQLite's limit on statement parameters


def chunks(ids: list, size: int | None = None):
    size = size or CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass(frozen=True)
class Kind:
    """One kind of personal data: `select` what has expired, `remove` it (returns how many)."""

    name: str
    label: str
    order: int
    select: Callable[[Cutoffs], QuerySet]
    remove: Callable[[QuerySet, Cutoffs], int]


_kinds: dict[str, Kind] = {}
_before: list[Callable[[Cutoffs], None]] = []


def register(kind: Kind) -> None:
    _kinds[kind.name] = kind


def before_purge(hook: Callable[[Cutoffs], None]) -> None:
    """Run `hook` before anything is removed (e.g. save figures derived from the texts)."""
    if hook not in _before:
        _before.append(hook)


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.name))


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def purge(limits: Cutoffs | None = None, *, dry_run: bool = False) -> Outcome:
    """Remove (or with `dry_run` only count) every kind's expired data."""
    limits = limits or cutoffs()
    outcome = Outcome(dry_run=dry_run)
    if dry_run:
        for kind in kinds():
            outcome.counts[kind.name] = kind.select(limits).count()
        return outcome
    for hook in _before:
        hook(limits)
    for kind in kinds():
        with transaction.atomic():
            outcome.counts[kind.name] = kind.remove(kind.select(limits), limits)
    if outcome.total:
        log.info("privacy purge %s", " ".join(f"{k}={n}" for k, n in outcome.counts.items()))
    return outcome
