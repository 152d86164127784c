"""Daily aggregates of the service (ServiceDay, OfficerDay, CorrectionReasonMonth).

Kept correct as cases change: a new Case counts as received on its day; every CaseEvent
adds its effect (correction, decision, collection, first officer response) on the day it
happened. Signals and the full rebuild share `event_effects`, so both count alike.
Times are working hours on the office's own calendar (`office_calendar()`: holidays, cuti
bersama, closures, extra days and its opening hours), as they stood when counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from loket.cases.models import OPEN_STATES, Case, CaseEvent, State
from loket.core.rows import add_to_row
from loket.coverage.models import CorrectionReasonMonth, OfficerDay, OpenCaseDay, ServiceDay
from loket.domain.calendar import OfficeCalendar
from loket.scheduling.office import office_calendar

OFFICER_SOURCES = frozenset({"console", "admin", "cli"})
NO_REASON = "(tanpa alasan tertulis)"


@dataclass
class Effects:
    service: dict[str, float] = field(default_factory=dict)
    officer: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    # Counted on the day the request came in, not the day of the event: a share "per
    # request received" then divides counts of the same requests (never above 100 %).
    on_received_day: dict[str, int] = field(default_factory=dict)


def reason_label(note: str) -> str:
    first = (note or "").strip().splitlines()[0].strip() if (note or "").strip() else ""
    return first[:200] or NO_REASON


def is_officer_event(source: str, actor_id) -> bool:
    return actor_id is not None or source in OFFICER_SOURCES


def is_completion(from_state: str, to_state: str) -> bool:
    """The move that means "every document is here": waiting_documents -> queued."""
    return from_state == State.WAITING_DOCUMENTS and to_state == State.QUEUED


def event_effects(
    working_hours: Callable[[dt.datetime, dt.datetime], float],
    created_at: dt.datetime,
    from_state: str,
    to_state: str,
    source: str,
    actor_id,
    note: str,
    at: dt.datetime,
    first_officer_event: bool,
    first_completion: bool = True,
) -> Effects:
    out = Effects()
    s = out.service
    if from_state == to_state:
        pass  # a note on the case (case opened, consent, a file, a hand-over) enters no state
    elif to_state == State.NEEDS_CORRECTION:
        s["corrections"] = 1
        out.reason = reason_label(note)
    elif to_state in (State.APPROVED, State.REJECTED):
        s["approved" if to_state == State.APPROVED else "rejected"] = 1
        s["decisions"] = 1
        s["decision_hours"] = working_hours(created_at, at)
    elif to_state == State.COLLECTED:
        s["collected"] = 1
    elif to_state in (State.CANCELLED, State.EXPIRED):
        s["cancelled"] = 1
    if is_completion(from_state, to_state) and first_completion and not is_officer_event(source, actor_id):
        # Once per request (a case sent back to waiting_documents and completed again is
        # still one request), on its arrival day.
        out.on_received_day["auto_completed"] = 1
    if first_officer_event:
        s["first_responses"] = 1
        s["first_response_hours"] = working_hours(created_at, at)
    if actor_id is not None:
        out.officer["actions"] = 1
        if to_state in (State.APPROVED, State.REJECTED):
            out.officer["decisions"] = 1
        if to_state == State.NEEDS_CORRECTION:
            out.officer["corrections"] = 1
    return out


class Tally:
    """Aggregate contributions, keyed like the tables; built by the signals and the rebuild alike."""

    def __init__(self) -> None:
        self._calendar: OfficeCalendar | None = None
        self.service: dict[tuple, Counter] = defaultdict(Counter)
        self.officer: dict[tuple, Counter] = defaultdict(Counter)
        self.reasons: Counter = Counter()
        self.open: Counter = Counter()  # (service, kode, state, created_day, state_day) -> n

    def working_hours(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office hours between two aware moments, read in the office's time zone."""
        # The calendar is read once per tally, and only when an event needs hours: its day
        # tables are then built once for a whole rebuild.
        if self._calendar is None:
            self._calendar = office_calendar()
        return self._calendar.working_hours_between(timezone.localtime(start), timezone.localtime(end))

    def add_case(self, service: str, kode: str, created_at: dt.datetime) -> None:
        self.service[(timezone.localdate(created_at), service, kode)]["received"] += 1

    def add_open(self, service, kode, state, created_at, state_day: dt.date, n: int = 1) -> None:
        if state in OPEN_STATES:
            self.open[(service, kode, state, timezone.localdate(created_at), state_day)] += n

    def add_event(
        self,
        service: str,
        kode: str,
        created_at: dt.datetime,
        event: tuple,
        first_officer: bool,
        first_completion: bool = True,
    ) -> None:
        from_state, to_state, source, actor_id, note, at = event
        effects = event_effects(
            self.working_hours,
            created_at,
            from_state,
            to_state,
            source,
            actor_id,
            note,
            at,
            first_officer,
            first_completion,
        )
        day = timezone.localdate(at)
        self.service[(day, service, kode)].update(effects.service)
        if effects.on_received_day:
            self.service[(timezone.localdate(created_at), service, kode)].update(effects.on_received_day)
        if effects.officer:
            self.officer[(day, actor_id, kode)].update(effects.officer)
        if effects.reason:
            self.reasons[(day.replace(day=1), service, kode, effects.reason)] += 1

    def add_events(self, service: str, kode: str, created_at: dt.datetime, events: list[tuple]) -> None:
        """All events of one case, in order (the first officer event is recognised here)."""
        seen_officer = seen_completion = False
        for event in events:
            officer_event = is_officer_event(event[2], event[3])
            self.add_event(
                service, kode, created_at, event, officer_event and not seen_officer, not seen_completion
            )
            seen_officer = seen_officer or officer_event
            seen_completion = seen_completion or is_completion(event[0], event[1])

    def apply(self, sign: int = 1) -> None:
        """Add (or, with sign -1, take away) this tally in the tables."""
        # No savepoint: inside a caller's transaction a failure here fails the caller's work.
        with transaction.atomic(savepoint=False):
            for (day, service, kode), amounts in self.service.items():
                _bump(ServiceDay, {"day": day, "service": service, "kode_kecamatan": kode}, amounts, sign)
            for (day, officer, kode), amounts in self.officer.items():
                _bump(OfficerDay, {"day": day, "officer_id": officer, "kode_kecamatan": kode}, amounts, sign)
            for (month, service, kode, reason), n in self.reasons.items():
                key = {"month": month, "service": service, "kode_kecamatan": kode, "reason": reason}
                _bump(CorrectionReasonMonth, key, {"count": n}, sign)
            for (service, kode, state, created_day, state_day), n in self.open.items():
                key = {
                    "service": service,
                    "kode_kecamatan": kode,
                    "state": state,
                    "created_day": created_day,
                    "state_day": state_day,
                }
                _bump(OpenCaseDay, key, {"count": n}, sign)


EVENT_FIELDS = ("from_state", "to_state", "source", "actor_id", "note", "at")


def _bump(model, key: dict, amounts: dict, sign: int = 1) -> None:
    amounts = {name: value for name, value in amounts.items() if value}
    if not amounts:
        return
    signed = {name: sign * value for name, value in amounts.items()}
    # The row usually exists: one UPDATE; only a new key costs the lookup and the INSERT.
    if add_to_row(model, key, signed):
        return
    row, _ = model.objects.get_or_create(**key)
    model.objects.filter(pk=row.pk).update(**{name: F(name) + value for name, value in signed.items()})


@receiver(pre_save, sender=Case, dispatch_uid="coverage.case_before")
def case_before(sender, instance: Case, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._coverage_before = (  # type: ignore[attr-defined]  # a note from pre_save to post_save, not a field
        Case.objects.filter(pk=instance.pk).values_list("service", "kode_kecamatan", "created_at").first()
    )


@receiver(post_save, sender=Case, dispatch_uid="coverage.case_saved")
def case_saved(sender, instance: Case, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    if created:
        tally = Tally()
        tally.add_case(instance.service, instance.kode_kecamatan, instance.created_at)
        created_day = timezone.localdate(instance.created_at)
        tally.add_open(
            instance.service, instance.kode_kecamatan, instance.state, instance.created_at, created_day
        )
        tally.apply()
        return
    before = getattr(instance, "_coverage_before", None)
    after = (instance.service, instance.kode_kecamatan, instance.created_at)
    if before is None or before == after:
        return
    # The case moved (e.g. an officer corrected its kecamatan): move everything it counted.
    events = list(
        CaseEvent.objects.filter(case_id=instance.pk).order_by("at", "pk").values_list(*EVENT_FIELDS)
    )
    for sign, (service, kode, created_at) in ((-1, before), (1, after)):
        tally = Tally()
        tally.add_case(service, kode, created_at)
        tally.add_events(service, kode, created_at, events)
        tally.apply(sign)


@receiver(post_save, sender=CaseEvent, dispatch_uid="coverage.case_event")
def case_event(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    if instance.from_state == instance.to_state and not is_officer_event(instance.source, instance.actor_id):
        return  # the channel's notes (case opened, consent, files) count for nothing: no queries
    case = Case.objects.only("service", "kode_kecamatan", "created_at").get(pk=instance.case_id)
    first = is_officer_event(instance.source, instance.actor_id) and not (
        CaseEvent.objects.filter(case_id=instance.case_id, at__lte=instance.at)
        .filter(Q(actor__isnull=False) | Q(source__in=OFFICER_SOURCES))
        .exclude(pk=instance.pk)
        .exists()
    )
    first_completion = is_completion(instance.from_state, instance.to_state) and not (
        CaseEvent.objects.filter(
            case_id=instance.case_id, from_state=State.WAITING_DOCUMENTS, to_state=State.QUEUED
        )
        .exclude(pk=instance.pk)
        .exists()
    )
    tally = Tally()
    event = tuple(getattr(instance, name) for name in EVENT_FIELDS)
    tally.add_event(case.service, case.kode_kecamatan, case.created_at, event, first, first_completion)
    previous = (
        CaseEvent.objects.filter(case_id=instance.case_id)
        .exclude(pk=instance.pk)
        .filter(Q(at__lt=instance.at) | Q(at=instance.at, pk__lt=instance.pk))
        .order_by("-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    entered = timezone.localdate(previous or case.created_at)
    tally.add_open(case.service, case.kode_kecamatan, instance.from_state, case.created_at, entered, -1)
    tally.add_open(
        case.service, case.kode_kecamatan, instance.to_state, case.created_at, timezone.localdate(instance.at)
    )
    tally.apply()


def rebuild(batch: int = 5000) -> dict[str, int]:
    """Recompute every aggregate from the cases and their events (after bulk loads)."""
    tally = Tally()
    cases: dict[int, tuple[str, str, dt.datetime]] = {}
    open_cases: dict[int, tuple[str, str, str, dt.datetime]] = {}
    state_day: dict[int, dt.date] = {}  # the local day each open case entered its state
    for pk, service, kode, created_at, state in Case.objects.values_list(
        "pk", "service", "kode_kecamatan", "created_at", "state"
    ).iterator(chunk_size=batch):
        cases[pk] = (service, kode, created_at)
        tally.add_case(service, kode, created_at)
        if state in OPEN_STATES:
            open_cases[pk] = (service, kode, state, created_at)
            state_day[pk] = timezone.localdate(created_at)
    seen_officer: set[int] = set()
    seen_completion: set[int] = set()
    events = CaseEvent.objects.order_by("case_id", "at", "pk").values_list("case_id", *EVENT_FIELDS)
    for case_id, *event in events.iterator(chunk_size=batch):
        service, kode, created_at = cases[case_id]
        officer_event = is_officer_event(event[2], event[3])
        tally.add_event(
            service,
            kode,
            created_at,
            tuple(event),
            officer_event and case_id not in seen_officer,
            case_id not in seen_completion,
        )
        if officer_event:
            seen_officer.add(case_id)
        if is_completion(event[0], event[1]):
            seen_completion.add(case_id)
        if case_id in open_cases:
            state_day[case_id] = timezone.localdate(event[-1])
    for pk, (service, kode, state, created_at) in open_cases.items():
        tally.add_open(service, kode, state, created_at, state_day[pk])
    with transaction.atomic():
        ServiceDay.objects.all().delete()
        OfficerDay.objects.all().delete()
        CorrectionReasonMonth.objects.all().delete()
        OpenCaseDay.objects.all().delete()
        OpenCaseDay.objects.bulk_create(
            (
                OpenCaseDay(
                    service=k[0], kode_kecamatan=k[1], state=k[2], created_day=k[3], state_day=k[4], count=n
                )
                for k, n in tally.open.items()
                if n
            ),
            batch_size=batch,
        )
        ServiceDay.objects.bulk_create(
            (ServiceDay(day=k[0], service=k[1], kode_kecamatan=k[2], **v) for k, v in tally.service.items()),
            batch_size=batch,
        )
        OfficerDay.objects.bulk_create(
            (
                OfficerDay(day=k[0], officer_id=k[1], kode_kecamatan=k[2], **v)
                for k, v in tally.officer.items()
            ),
            batch_size=batch,
        )
        CorrectionReasonMonth.objects.bulk_create(
            (
                CorrectionReasonMonth(month=k[0], service=k[1], kode_kecamatan=k[2], reason=k[3], count=n)
                for k, n in tally.reasons.items()
            ),
            batch_size=batch,
        )
    return {
        "service_days": len(tally.service),
        "officer_days": len(tally.officer),
        "reasons": len(tally.reasons),
    }
