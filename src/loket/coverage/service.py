"""Service-quality figures by service and period, from the daily aggregates (fast on
a million cases) and from the open cases (few, and indexed by state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from loket.cases.models import Case, State
from loket.console.services import SERVICES
from loket.coverage import auto_replies
from loket.coverage.models import CorrectionReasonMonth, OfficerDay, OpenCaseDay, ServiceDay

SERVICE_FIELDS = (
    "received",
    "auto_completed",
    "corrections",
    "approved",
    "rejected",
    "collected",
    "cancelled",
    "first_responses",
    "first_response_hours",
    "decisions",
    "decision_hours",
)
AGE_BUCKETS = (
    (0, 1, "≤ 1 hari"),
    (2, 3, "2–3 hari"),
    (4, 7, "4–7 hari"),
    (8, 14, "8–14 hari"),
    (15, None, "> 14 hari"),
)


@dataclass
class Window:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def last_days(cls, days: int, today: dt.date | None = None) -> Window:
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today)

    @classmethod
    def month(cls, year: int, month: int) -> Window:
        start = dt.date(year, month, 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(start, nxt - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.start:%d-%m-%Y} s.d. {self.end:%d-%m-%Y}"


@dataclass
class ServiceRow:
    service: str
    values: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def auto_share(self) -> float | None:
        """Texts whose format problems the channel explained without an officer, per request received."""
        return self.values["auto_explained"] / self.values["received"] if self.values["received"] else None

    @property
    def complete_share(self) -> float | None:
        """Requests that reached the queue with every document without an officer's help."""
        return self.values["auto_completed"] / self.values["received"] if self.values["received"] else None

    @property
    def first_response_avg(self) -> float | None:
        n = self.values["first_responses"]
        return self.values["first_response_hours"] / n if n else None

    @property
    def decision_avg(self) -> float | None:
        n = self.values["decisions"]
        return self.values["decision_hours"] / n if n else None

    @property
    def corrections_per_request(self) -> float | None:
        return self.values["corrections"] / self.values["received"] if self.values["received"] else None


def _area(qs, kodes):
    return qs if kodes is None else qs.filter(kode_kecamatan__in=kodes)


def by_service(window: Window, kodes=None) -> list[ServiceRow]:
    qs = _area(ServiceDay.objects.filter(day__gte=window.start, day__lte=window.end), kodes)
    rows = qs.values("service").annotate(**{f: Sum(f) for f in SERVICE_FIELDS}).order_by("service")
    out = [ServiceRow(r["service"], {f: r[f] or 0 for f in SERVICE_FIELDS}) for r in rows]
    explained = auto_replies.explained_automatically(window.start, window.end, kodes)
    shown = {r.service for r in out}
    # A service whose texts were only explained still gets its row (nothing received yet).
    out += [
        ServiceRow(name, dict.fromkeys(SERVICE_FIELDS, 0)) for name in explained if name and name not in shown
    ]
    out.sort(key=lambda r: r.service)
    if out or explained:
        out.append(ServiceRow("Semua", {f: sum(r.values[f] for r in out) for f in SERVICE_FIELDS}))
    for row in out:
        # The help (no service recognised) counts only in the total.
        row.values["auto_explained"] = (
            sum(explained.values()) if row.service == "Semua" else explained.get(row.service, 0)
        )
    return out


def monthly_received(months: int = 12, kodes=None, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Per month (YYYY-MM) and service: requests received."""
    today = today or timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    qs = _area(ServiceDay.objects.filter(day__gte=first), kodes)
    out: dict[str, dict[str, int]] = {}
    rows = qs.annotate(month=TruncMonth("day")).values("month", "service").annotate(n=Sum("received"))
    for row in rows.order_by("month", "service"):
        out.setdefault(f"{row['month']:%Y-%m}", {})[row["service"]] = row["n"]
    return out


def top_reasons(window: Window, kodes=None, limit: int = 5) -> list[tuple[str, int]]:
    qs = _area(
        CorrectionReasonMonth.objects.filter(month__gte=window.start.replace(day=1), month__lte=window.end),
        kodes,
    )
    return [
        (r, n) for r, n in qs.values_list("reason").annotate(n=Sum("count")).order_by("-n", "reason")[:limit]
    ]


@dataclass
class Backlog:
    rows: list[dict]  # state, label, buckets (list of counts), total, oldest_days
    total: int
    oldest_days: int | None
    no_shows: int


def backlog(kodes=None, today: dt.date | None = None) -> Backlog:
    """Open cases by state and age (days since the request came in), from OpenCaseDay."""
    today = today or timezone.localdate()
    qs = _area(OpenCaseDay.objects.filter(count__gt=0), kodes)
    by_state: dict[str, dict] = {}
    no_show_before = today - dt.timedelta(days=settings.LOKET_COVERAGE_NO_SHOW_DAYS)
    no_shows = (
        qs.filter(state=State.READY_FOR_PICKUP, state_day__lt=no_show_before).aggregate(n=Sum("count"))["n"]
        or 0
    )
    # Summed per state and arrival day in the database: a few hundred rows reach Python.
    grouped = qs.values_list("state", "created_day").annotate(n=Sum("count")).order_by()
    for state, created_day, n in grouped:
        age = (today - created_day).days
        row = by_state.setdefault(state, {"buckets": [0] * len(AGE_BUCKETS), "total": 0, "oldest_days": age})
        for i, (low, high, _) in enumerate(AGE_BUCKETS):
            if age >= low and (high is None or age <= high):
                row["buckets"][i] += n
                break
        row["total"] += n
        row["oldest_days"] = max(row["oldest_days"], age)
    rows = [
        {"state": state.value, "label": state.label, **by_state[state]}
        for state in State
        if state in by_state
    ]
    total = sum(r["total"] for r in rows)
    oldest = max((r["oldest_days"] for r in rows), default=None)
    return Backlog(rows, total, oldest, no_shows)


HELD_STATES = (State.IN_REVIEW, State.NEEDS_CORRECTION)


def officers(window: Window, kodes=None) -> list[dict]:
    qs = _area(OfficerDay.objects.filter(day__gte=window.start, day__lte=window.end), kodes)
    done = {
        r["officer"]: r
        for r in qs.values("officer").annotate(
            actions=Sum("actions"), decisions=Sum("decisions"), corrections=Sum("corrections")
        )
    }
    open_cases = dict(
        # Naming the services lets PostgreSQL use the (service, state, ...) index.
        _area(
            Case.objects.filter(service__in=list(SERVICES), state__in=HELD_STATES, assigned_to__isnull=False),
            kodes,
        )
        .values_list("assigned_to")
        .annotate(n=Count("pk"))
        .values_list("assigned_to", "n")
    )
    ids = set(done) | set(open_cases)
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    rows = [
        {
            "officer": names.get(pk, f"#{pk}"),
            "actions": done.get(pk, {}).get("actions", 0),
            "decisions": done.get(pk, {}).get("decisions", 0),
            "corrections": done.get(pk, {}).get("corrections", 0),
            "open": open_cases.get(pk, 0),
        }
        for pk in ids
    ]
    return sorted(rows, key=lambda r: (-r["decisions"], r["officer"]))
