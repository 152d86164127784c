"""Outreach's personal data in the one purge (`loket.privacy.retention`).

Children kept for reminders go when nothing is left to remind about (the 17th birthday plus
the grace period has passed) and at once when the resident's data is erased. (Consent
withdrawn by BERHENTI deletes them straight away: `preferences.stop`.) The consent events
stay as the proof of consent (UU 27/2022 Pasal 24) as long as the resident does.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from loket.outreach.models import Child, ConsentEvent, Preference
from loket.privacy import retention
from loket.privacy.retention import Cutoffs, Kind


def expired_children(limits: Cutoffs) -> QuerySet:
    if limits.residents is not None:
        return Child.objects.filter(resident_id__in=limits.residents)
    today = timezone.localtime(limits.now).date()
    oldest = today - dt.timedelta(days=settings.LOKET_OUTREACH_GRACE_DAYS)
    try:
        born_before = oldest.replace(year=oldest.year - 17)
    except ValueError:  # 29 February
        born_before = dt.date(oldest.year - 17, 2, 28)
    return Child.objects.filter(birth_date__lt=born_before)


def remove_children(qs: QuerySet, limits: Cutoffs) -> int:
    if limits.residents is not None:
        # An erasure: the person's preferences and their audit go with the children.
        ConsentEvent.objects.filter(resident_id__in=limits.residents).delete()
        Preference.objects.filter(resident_id__in=limits.residents).delete()
    return qs.delete()[0]


def register() -> None:
    retention.register(
        Kind("outreach_children", "Anak untuk pengingat", 25, expired_children, remove_children)
    )
