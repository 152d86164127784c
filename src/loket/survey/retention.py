"""The survey's personal data in the privacy registry (`loket.privacy.retention`).

Answers and the profile identify nobody once the survey closes (the resident's keyed hash is
cleared then). What may still hold personal data: the link of a survey still open, and the
suggestion's free text. The link goes when the survey closes, expires, or the resident asks
for erasure; suggestions are blanked `LOKET_RETAIN_SURVEY_SUGGESTIONS_DAYS` after the survey.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from loket.privacy import retention
from loket.privacy.retention import Cutoffs, Kind
from loket.survey.invitations import key_of
from loket.survey.models import Status, Survey


def expired_links(limits: Cutoffs) -> QuerySet:
    qs = Survey.objects.exclude(resident_key="")
    if limits.residents is not None:
        return qs.filter(resident_key__in=[key_of("resident", pk) for pk in limits.residents])
    return qs.filter(expires_at__lte=limits.now)


def remove_links(qs: QuerySet, limits: Cutoffs) -> int:
    return qs.update(status=Status.EXPIRED, closed_at=limits.now, resident_key="", step="")


def expired_suggestions(limits: Cutoffs) -> QuerySet:
    if limits.residents is not None:
        # An erasure: only a survey still linked can be found (a closed one belongs to nobody).
        keys = [key_of("resident", pk) for pk in limits.residents]
        return Survey.objects.filter(resident_key__in=keys).exclude(suggestion="")
    days = retention.period_days("LOKET_RETAIN_SURVEY_SUGGESTIONS_DAYS")
    return Survey.objects.exclude(suggestion="").filter(invited_at__lte=limits.now - dt.timedelta(days=days))


def remove_suggestions(qs: QuerySet, limits: Cutoffs) -> int:
    return qs.update(suggestion="")


# Suggestions first: an erasure finds them through the link the next kind removes.
retention.register(
    Kind("survey_suggestions", "Saran survei kepuasan", 50, expired_suggestions, remove_suggestions)
)
retention.register(Kind("survey_links", "Tautan survei ke pemohon", 51, expired_links, remove_links))
