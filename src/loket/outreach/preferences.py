"""Consent for what Loket writes first: the one check, the question, BERHENTI and MULAI.

`allows(resident, purpose)` is the ONE function every message that is not about the
resident's own request goes through (reminders about children, campaigns, the survey
invitation). Messages about the resident's own open request (corrections, pickup dates and
their reminders, the hand-over) do not ask it: they are part of the service requested.

- `reminder` and `campaign`: only after a yes (the question after a completed request, or
  MULAI, or the resident asking to be reminded), and never after BERHENTI/STOP.
- `survey`: the invitation is itself the question (answering is voluntary), so it goes to
  anyone who has not sent BERHENTI/STOP.

A change is applied to every address of the same person (`port.same_person`), and each is
audited as a `ConsentEvent` (when, what, by which message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from loket.messaging import port
from loket.outreach.models import Child, ConsentEvent, Preference, Purpose

PURPOSES = tuple(Purpose.values)
# What a yes covers (the question names both): reminders about children and service news.
ASKED_PURPOSES = (Purpose.REMINDER, Purpose.CAMPAIGN)


def _people(resident: Any) -> list[int]:
    """The resident's addresses: the same person on every office number."""
    try:
        ids = list(port.same_person(resident).values_list("pk", flat=True))
    except port.NoChannel:
        ids = []
    return ids if resident.pk in ids else [resident.pk, *ids]


def allows(resident: Any, purpose: str) -> bool:
    """May Loket write to `resident` first for `purpose` (`reminder`, `campaign`, `survey`)?"""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown outreach purpose {purpose!r}; one of {', '.join(PURPOSES)}")
    rows = list(Preference.objects.filter(resident_id__in=_people(resident)))
    if any(row.stopped_at for row in rows):
        return False
    if purpose == Purpose.SURVEY:
        return True
    field = "reminders" if purpose == Purpose.REMINDER else "campaigns"
    return any(getattr(row, field) is True for row in rows)


def stopped_at(resident: Any) -> Any:
    """When the person sent BERHENTI (the earliest still in force), or None."""
    return (
        Preference.objects.filter(resident_id__in=_people(resident), stopped_at__isnull=False)
        .order_by("stopped_at")
        .values_list("stopped_at", flat=True)
        .first()
    )


def _apply(resident: Any, **changes: Any) -> None:
    now = timezone.now()
    people = _people(resident)
    for pk in people:
        Preference.objects.get_or_create(resident_id=pk)
    Preference.objects.filter(resident_id__in=people).update(updated_at=now, **changes)


def _audit(
    resident: Any,
    action: str,
    purposes: tuple[str, ...],
    *,
    via: str,
    message_ref: str = "",
    case: Any = None,
) -> ConsentEvent:
    return ConsentEvent.objects.create(
        resident=resident,
        action=action,
        purposes=[str(p) for p in purposes],
        via=via,
        message_ref=message_ref[:200],
        case=case,
    )


@dataclass(frozen=True)
class Changed:
    """What an action did: `changed` is False when it was already so (a repeated BERHENTI)."""

    changed: bool
    since: Any = None


def stop(resident: Any, *, via: str, message_ref: str = "") -> Changed:
    """BERHENTI/STOP: no reminder, campaign or survey any more. Idempotent: a second one changes
    nothing and is not audited again. The children kept for reminders are deleted (consent
    withdrawn: UU 27/2022 Pasal 43); what was already told stays recorded (`ReminderSent`)."""
    with transaction.atomic():
        since = stopped_at(resident)
        if since is not None:
            return Changed(False, since)
        now = timezone.now()
        _apply(resident, stopped_at=now, reminders=False, campaigns=False, cases_seen_upto=0)
        Child.objects.filter(resident_id__in=_people(resident)).delete()
        _audit(resident, ConsentEvent.Action.STOPPED, PURPOSES, via=via, message_ref=message_ref)
    return Changed(True, now)


def resume(resident: Any, *, via: str, message_ref: str = "") -> Changed:
    """MULAI: reminders and service news again (an explicit yes), surveys allowed again."""
    with transaction.atomic():
        rows = Preference.objects.filter(resident_id__in=_people(resident))
        if rows.exists() and all(r.stopped_at is None and r.reminders and r.campaigns for r in rows):
            return Changed(False)
        _apply(resident, stopped_at=None, reminders=True, campaigns=True)
        _audit(resident, ConsentEvent.Action.RESUMED, PURPOSES, via=via, message_ref=message_ref)
    return Changed(True)


def answer(resident: Any, *, agreed: bool, via: str, message_ref: str = "") -> Changed:
    """The answer to the question after a completed request (a button). A yes does not undo
    a BERHENTI sent since: only MULAI does."""
    with transaction.atomic():
        if stopped_at(resident) is not None:
            return Changed(False)
        rows = Preference.objects.filter(resident_id__in=_people(resident))
        if rows.exists() and all(r.reminders is agreed and r.campaigns is agreed for r in rows):
            return Changed(False)
        _apply(resident, reminders=agreed, campaigns=agreed)
        action = ConsentEvent.Action.OPT_IN if agreed else ConsentEvent.Action.DECLINED
        _audit(resident, action, ASKED_PURPOSES, via=via, message_ref=message_ref)
    return Changed(True)


def opt_in_reminders(resident: Any, *, via: str, message_ref: str = "") -> None:
    """The resident asked to be reminded (e.g. "Ingatkan saya"): a yes to reminders only."""
    _apply(resident, stopped_at=None, reminders=True)
    _audit(resident, ConsentEvent.Action.OPT_IN, (Purpose.REMINDER,), via=via, message_ref=message_ref)


def claim_question(resident: Any, case: Any) -> bool:
    """Whether to ask the question now (once per person, never after BERHENTI or an answer).
    Marks it asked, audited, in the caller's transaction."""
    people = _people(resident)
    for pk in people:
        Preference.objects.get_or_create(resident_id=pk)
    rows = Preference.objects.select_for_update().filter(resident_id__in=people)
    if any(r.asked_at or r.stopped_at or r.reminders is not None for r in rows):
        return False
    now = timezone.now()
    Preference.objects.filter(resident_id=resident.pk).update(asked_at=now, asked_case=case, updated_at=now)
    _audit(resident, ConsentEvent.Action.ASKED, ASKED_PURPOSES, via="counter", case=case)
    return True


def summary_line(resident: Any) -> str:
    """The line DATA SAYA shows about reminders (Bahasa Indonesia)."""
    since = stopped_at(resident)
    if since is not None:
        return f"Pengingat dan informasi: berhenti sejak {timezone.localtime(since):%d-%m-%Y} (ketik MULAI untuk menerimanya lagi)."
    if allows(resident, Purpose.REMINDER):
        children = Child.objects.filter(resident_id__in=_people(resident)).count()
        return f"Pengingat: aktif, {children} anak diingatkan (ketik BERHENTI untuk berhenti)."
    return "Pengingat: tidak aktif (ketik MULAI untuk menerimanya)."
