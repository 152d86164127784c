"""The office number's row and its pausing incidents, cached briefly in this worker process."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings

from loket.channels.whatsapp import incidents
from loket.channels.whatsapp.models import PhoneNumber
from loket.channels.whatsapp.sending.rows import one

_state: dict[str, tuple[float, PhoneNumber | None, list[dt.datetime | None]]] = {}


def number_state(phone_number_id: str) -> tuple[PhoneNumber | None, list]:
    """The office number's row and its pausing incidents, cached briefly in this process.

    Two queries saved per send; a throttle or pause set by another worker is seen within
    LOKET_WA_STATE_CACHE_SECONDS, and this worker forgets the cache whenever it changes them.
    """
    cached = _state.get(phone_number_id)
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    number = one(PhoneNumber.objects.filter(phone_number_id=phone_number_id, active=True))
    pauses = incidents.pauses_for(phone_number_id)
    ttl = settings.LOKET_WA_STATE_CACHE_SECONDS
    if ttl > 0:
        _state[phone_number_id] = (time.monotonic() + ttl, number, pauses)
    return number, pauses


def forget_state(phone_number_id: str | None = None) -> None:
    if phone_number_id is None:
        _state.clear()
    else:
        _state.pop(phone_number_id, None)
