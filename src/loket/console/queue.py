"""The review queue: who gets which case, and cases coming back from officers who left."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from loket.cases.models import Case, IllegalTransition, State
from loket.console.models import StaffProfile


class ReviewLimitReached(Exception):
    """The officer already holds as many cases in review as the office allows."""

    def __str__(self) -> str:
        return (
            f"Anda sudah memeriksa {settings.LOKET_CONSOLE_REVIEW_LIMIT} permohonan. "
            "Selesaikan dulu salah satunya."
        )


def ordered_for(user, qs: QuerySet) -> QuerySet:
    """Oldest first, except cases resent to this officer after their correction: those lead."""
    return qs.annotate(
        returned_to_me=When_(
            When(preferred_officer=user, returned_at__isnull=False, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("returned_to_me", "created_at", "pk")


def takeable(user, qs: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """Queued, unassigned cases, leaving out those briefly reserved for the officer who asked for a resend."""
    now = now or timezone.now()
    reserved_since = now - dt.timedelta(minutes=settings.LOKET_CONSOLE_RESERVE_MINUTES)
    free = (
        Q(returned_at__isnull=True)
        | Q(preferred_officer__isnull=True)
        | Q(preferred_officer=user)
        | Q(returned_at__lt=reserved_since)
    )
    return ordered_for(user, qs.filter(state=State.QUEUED, assigned_to__isnull=True).filter(free))


def in_review_count(user) -> int:
    return Case.objects.filter(assigned_to=user, state=State.IN_REVIEW).count()


class CaseNotTakeable(Exception):
    """The case is no longer waiting in the queue for this officer (taken, reserved, moved on)."""

    def __str__(self) -> str:
        return "Permohonan ini sudah diambil petugas lain atau tidak lagi menunggu di antrean."


def locked_review_count(user) -> int:
    """Cases `user` holds in review, counted with their profile row locked (inside a transaction).

    The lock serialises everything that gives this person a case (two tabs taking, a take and
    a supervisor's hand-over), so none of them passes the limit together.
    """
    StaffProfile.objects.select_for_update().filter(user=user).first()
    return in_review_count(user)


def _hold_officer(user) -> None:
    if locked_review_count(user) >= settings.LOKET_CONSOLE_REVIEW_LIMIT:
        raise ReviewLimitReached()


def _claim(user, case: Case) -> bool:
    """Assign `case` to `user` if nobody took it since it was read; False when someone did."""
    now = timezone.now()
    # Conditional update: only wins if nobody took the case since we read it.
    won = Case.objects.filter(pk=case.pk, state=State.QUEUED, assigned_to__isnull=True).update(
        assigned_to=user, last_touched_at=now
    )
    if not won:
        return False
    try:
        case.move_to(State.IN_REVIEW, actor=user, source="console", note="Diambil dari antrean.")
    except IllegalTransition:
        return False
    case.assigned_to, case.last_touched_at = user, now
    return True


def take_next(user, candidates: QuerySet) -> Case | None:
    """Assign the next case among `candidates` to `user`: one case, one officer, even under races.

    `candidates` is already limited to what the officer may see (area, service).
    """
    with transaction.atomic():
        _hold_officer(user)
        qs = takeable(user, candidates)
        if connection.features.has_select_for_update_skip_locked:
            # Lock one row at a time; a row another officer's transaction holds is skipped.
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        for _attempt in range(10):
            case = qs.first()
            if case is None:
                return None
            if _claim(user, case):
                return case
    return None


def take_case(user, candidates: QuerySet, pk: int) -> Case:
    """Assign one chosen queued case to `user`, under the same rules and races as take_next.

    Raises CaseNotTakeable when it is no longer free for this officer (another officer won it,
    it left the queue, or it is reserved for the officer who asked for a resend) and
    ReviewLimitReached at the limit. `candidates` is what the officer may see.
    """
    with transaction.atomic():
        _hold_officer(user)
        qs = takeable(user, candidates).filter(pk=pk)
        if connection.features.has_select_for_update:
            # Wait for an officer taking the same case right now, then read it again: it is
            # theirs by then (or free again if their transaction failed).
            qs = qs.select_for_update(of=("self",))
        case = qs.first()
        if case is None or not _claim(user, case):
            raise CaseNotTakeable()
        return case


def touch(case: Case, user) -> None:
    """The assigned officer is still working on it."""
    if case.assigned_to_id == user.pk and case.state == State.IN_REVIEW:
        Case.objects.filter(pk=case.pk).update(last_touched_at=timezone.now())


def release_idle(now: dt.datetime | None = None) -> int:
    """Return to the queue the cases in review nobody touched for LOKET_CONSOLE_IDLE_MINUTES."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.LOKET_CONSOLE_IDLE_MINUTES)
    idle = Q(last_touched_at__lt=cutoff) | Q(last_touched_at__isnull=True, state_changed_at__lt=cutoff)
    released = 0
    for case in Case.objects.filter(state=State.IN_REVIEW).filter(idle):
        with transaction.atomic():
            fresh = (
                Case.objects.select_for_update()
                .filter(pk=case.pk, state=State.IN_REVIEW)
                .filter(idle)
                .first()
            )
            if fresh is None:
                continue
            fresh.move_to(State.QUEUED, source="system", note="Tidak disentuh petugas; kembali ke antrean.")
            Case.objects.filter(pk=case.pk).update(assigned_to=None)
        released += 1
    return released
