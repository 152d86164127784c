"""What personal data expires when, and the one purge that removes it (UU 27/2022).

The periods are settings (`LOKET_RETAIN_*_DAYS`); an office may set its own documents and
messages periods (`Office.retain_documents_days`, `Office.retain_messages_days`, which win
over LOKET_RETAIN_DOCUMENTS_DAYS / LOKET_RETAIN_MESSAGES_DAYS for that office's rows:
docs/offices.md). Each capability that holds personal
data registers a *kind* here: how to select what has expired, and how to remove it. This
module imports no capability; the dependency points from each capability to it.

A purge runs the registered "before" hooks first (figures that are derived from texts are
saved while the texts still exist), then each kind in order, each in its own transaction.
`dry_run` selects and counts exactly as the purge does and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from loket.offices.models import Office

log = logging.getLogger(__name__)

# The marker left where a file or a text was removed.
PURGED_MARK = "dihapus (retensi)"
ERASED_MARK = "dihapus (permintaan pemohon)"


@dataclass(frozen=True)
class Cutoffs:
    """What received or closed at or before each instant has expired.

    `documents` and `messages` are the installation's instants; `office_documents` and
    `office_messages` the instants of each office that sets its own period (office id ->
    instant), which win for that office's rows. `residents`: when set, only these residents'
    data (an erasure request), whatever the periods; `mark`: the marker left behind.
    """

    now: dt.datetime
    documents: dt.datetime
    messages: dt.datetime
    deliveries: dt.datetime
    residents: list[int] | None = None
    mark: str = PURGED_MARK
    office_documents: Mapping[int, dt.datetime] = field(default_factory=dict)
    office_messages: Mapping[int, dt.datetime] = field(default_factory=dict)

    def documents_expired(self, date_field: str, office_field: str) -> Q:
        """`date_field` at or before the documents instant of the row's office
        (`office_field`, e.g. "resident__office_id")."""
        return _per_office(self.documents, self.office_documents, date_field, office_field, "lte")

    def documents_kept(self, date_field: str, office_field: str) -> Q:
        """The opposite of `documents_expired`: after the instant of the row's office."""
        return _per_office(self.documents, self.office_documents, date_field, office_field, "gt")

    def messages_expired(self, date_field: str, office_field: str) -> Q:
        """`date_field` at or before the messages instant of the row's office; a row without
        an office (a message to a number no office registered) takes the installation's."""
        return _per_office(self.messages, self.office_messages, date_field, office_field, "lte")

    @property
    def messages_latest(self) -> dt.datetime:
        """The latest messages instant of any office: texts up to it may go in this purge."""
        return max([self.messages, *self.office_messages.values()])


def _per_office(
    installation: dt.datetime,
    offices: Mapping[int, dt.datetime],
    date_field: str,
    office_field: str,
    lookup: str,
) -> Q:
    query = Q(**{f"{date_field}__{lookup}": installation})
    if not offices:
        return query  # one rule for every row, as before offices had periods
    # Rows of no office (NULL) are not "in" the list: they take the installation's instant.
    query &= Q(**{f"{office_field}__isnull": True}) | ~Q(**{f"{office_field}__in": list(offices)})
    for office_id, instant in offices.items():
        query |= Q(**{office_field: office_id, f"{date_field}__{lookup}": instant})
    return query


def period_days(name: str) -> int:
    days = getattr(settings, name)
    if not isinstance(days, int) or days < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, 0 or more; got {days!r}")
    return days


OFFICE_FIELDS = {
    "LOKET_RETAIN_DOCUMENTS_DAYS": "retain_documents_days",
    "LOKET_RETAIN_MESSAGES_DAYS": "retain_messages_days",
}


def office_periods(setting: str = "LOKET_RETAIN_DOCUMENTS_DAYS") -> dict[int, int]:
    """The period of each office that sets its own (office id -> days) for `setting`."""
    name = OFFICE_FIELDS[setting]
    rows = Office.objects.filter(**{f"{name}__isnull": False}).values_list("pk", name)
    return {pk: days for pk, days in rows if days is not None}


def cutoffs(now: dt.datetime | None = None) -> Cutoffs:
    """The instants from the settings, and from the offices that set their own documents or
    messages period. Message texts also wait for the end of their local day: the day's
    figures derived from them are saved first (a day still running is counted live)."""
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    last_past = start_of_today - dt.timedelta(microseconds=1)

    def messages(days: int) -> dt.datetime:
        return min(now - dt.timedelta(days=days), last_past)

    return Cutoffs(
        now=now,
        documents=now - dt.timedelta(days=period_days("LOKET_RETAIN_DOCUMENTS_DAYS")),
        messages=messages(period_days("LOKET_RETAIN_MESSAGES_DAYS")),
        deliveries=now - dt.timedelta(days=period_days("LOKET_RETAIN_DELIVERIES_DAYS")),
        office_documents={pk: now - dt.timedelta(days=days) for pk, days in office_periods().items()},
        office_messages={
            pk: messages(days) for pk, days in office_periods("LOKET_RETAIN_MESSAGES_DAYS").items()
        },
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
