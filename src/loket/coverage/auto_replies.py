"""Requests answered automatically: texts whose format problems the channel explained
itself (the parser's problem explanation, or the service help), with no officer message
between the text and that reply. Read only from what the channels record, through the
resident port's figures (`loket.messaging.port`).

The channel does not mark which reply was an explanation, so it is recognised exactly:
a reply belongs to the first message of that resident handled at or after the reply was
written (the worker writes replies inside the message's handling, one message of a
resident at a time); the message's text is parsed again as on that day, and the reply
counts when it is word for word the parser's explanation. Parsing costs about 0.2 ms a
text, so past days are counted once into `ExplainedDay`; only today is counted live.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from functools import lru_cache

from django.db import models, transaction
from django.utils import timezone

from loket.coverage.models import ExplainedDay, ExplainedDayDone
from loket.domain.intake import parse
from loket.messaging import port

# A reply is written moments before its message is marked handled, and an officer's
# message counts when it came after the text arrived: these bound the look-around.
HANDLING_SLACK = dt.timedelta(days=1)


@lru_cache(maxsize=4096)
def _explanation(text: str, day: dt.date) -> tuple[str | None, str, str] | None:
    """(service or None for the help, kecamatan code, reply text) when `text` has problems."""
    result = parse(text, today=day)
    if result.ok:
        return None
    code = next(
        (
            str(src.get("kode_kecamatan"))
            for src in (result.derived, result.fields)
            if src.get("kode_kecamatan")
        ),
        "",
    )
    return result.service, code, result.reply_text()


def explained_automatically(start: dt.date, end: dt.date, kodes=None) -> Counter:
    """Per service (None: the service help, no service recognised): texts explained
    automatically between `start` and `end` (local days, inclusive). With `kodes`, only
    texts whose kecamatan the parser recognised within them."""
    today = timezone.localdate()
    last_past = min(end, today - dt.timedelta(days=1))
    out: Counter = Counter()
    if start <= last_past:
        _count_past_days(start, last_past)
        rows = ExplainedDay.objects.filter(day__gte=start, day__lte=last_past, count__gt=0)
        if kodes is not None:
            rows = rows.filter(kode_kecamatan__in=kodes)
        for service, n in rows.values_list("service").annotate(n=models.Sum("count")).order_by():
            out[service or None] += n
    if end >= today:
        for (_, service, code), n in _explanations(max(start, today), end).items():
            if kodes is None or code in kodes:
                out[service] += n
    return out


def save_before_purge(limits) -> None:
    """Count every past day whose texts a purge (loket.privacy) is about to remove, so the
    figures read the same afterwards. Today is counted live and cannot be saved yet: the
    retention purge keeps today's texts (an erasure may take some; see docs/privacy.md)."""
    # The latest instant of any office: an office keeping texts for less goes first.
    through = min(timezone.localdate(limits.messages_latest), timezone.localdate() - dt.timedelta(days=1))
    first = port.first_automatic_reply_at()
    if first is not None and timezone.localdate(first) <= through:
        _count_past_days(timezone.localdate(first), through)


def _count_past_days(start: dt.date, end: dt.date) -> None:
    """Count each past day not counted yet, one day at a time (small queries)."""
    done = set(ExplainedDayDone.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True))
    day = start
    while day <= end:
        if day not in done:
            counts = _explanations(day, day)
            with transaction.atomic():
                ExplainedDay.objects.bulk_create(
                    [
                        ExplainedDay(day=d, service=service or "", kode_kecamatan=code, count=n)
                        for (d, service, code), n in counts.items()
                    ],
                    ignore_conflicts=True,  # counted at the same moment by another request
                )
                ExplainedDayDone.objects.bulk_create([ExplainedDayDone(day=day)], ignore_conflicts=True)
        day += dt.timedelta(days=1)


def _explanations(start: dt.date, end: dt.date) -> Counter:
    """(reply's local day, service or None, kecamatan code) -> texts explained automatically."""
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    replies = port.automatic_replies(since, until)
    if not replies:
        return Counter()
    residents = {r.resident_id for r in replies}
    handled: dict[int, list[port.HandledText]] = defaultdict(list)  # per resident, in the order handled
    for message in port.handled_messages(residents, since, until + HANDLING_SLACK):
        handled[message.resident_id].append(message)
    handled_at = {resident_id: [m.handled_at for m in rows] for resident_id, rows in handled.items()}
    officer: dict[int, list] = defaultdict(list)
    for resident_id, at in port.officer_message_times(residents, since - HANDLING_SLACK, until):
        officer[resident_id].append(at)
    counted: set[int] = set()
    out: Counter = Counter()
    for reply in replies:
        resident_id, written = reply.resident_id, reply.at
        messages = handled.get(resident_id, [])
        i = bisect.bisect_left(handled_at.get(resident_id, []), written)
        if i == len(messages):
            continue
        message = messages[i]
        if message.type != "text" or message.ref in counted or message.received_at > written:
            continue
        if any(message.received_at <= at <= written for at in officer.get(resident_id, ())):
            continue
        found = _explanation(message.text, timezone.localdate(written))
        if found is None or found[2] != reply.text:
            continue
        service, code, _ = found
        counted.add(message.ref)
        out[(timezone.localdate(written), service, code)] += 1
    return out
