"""Builders for outbound tests: an office number, residents, draining the send jobs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp.models import PhoneNumber
from loket.jobs import queue
from loket.jobs.models import Job

KIA_NUMBER = "109000000000003"


def office_number(phone_number_id: str = KIA_NUMBER, services=("KIA",)) -> PhoneNumber:
    number, _ = PhoneNumber.objects.get_or_create(
        phone_number_id=phone_number_id,
        defaults={"display_number": "6285694012597", "services": list(services)},
    )
    return number


def resident(
    wa_id: str = "6281298765432",
    *,
    bsuid: str = "",
    wrote_ago: dt.timedelta | None = dt.timedelta(minutes=5),
    number: str = KIA_NUMBER,
) -> Resident:
    office_number(number)
    return Resident.objects.create(
        channel_number=number,
        user_id=bsuid or wa_id,
        wa_id=wa_id,
        bsuid=bsuid,
        last_inbound_at=timezone.now() - wrote_ago if wrote_ago is not None else None,
    )


def drain(rounds: int = 30, *, fast_forward: bool = True) -> int:
    """Run send jobs until none is pending; back-offs are skipped (jobs made due at once)."""
    runs = 0
    for _ in range(rounds):
        runs += sum(vars(queue.run_pending()).values())
        pending = Job.objects.filter(state=Job.State.PENDING)
        if not pending.exists() or not fast_forward:
            break
        pending.update(run_after=timezone.now())
    return runs


def pending_jobs() -> list[Job]:
    return list(Job.objects.filter(state=Job.State.PENDING).order_by("pk"))
