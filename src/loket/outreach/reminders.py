"""Reminders about children: the KIA without photo ending at 5, the KTP-el due at 17.

Children come from two places, and only for residents who said yes to reminders (nothing
is collected for anyone else):

- the requests a resident filed: a NIK in a request's fields whose birth date (the NIK rules
  of `domain.nik`, the century as the service's intake chose it) makes a child; the NIK
  itself is not copied, only a keyed hash (`nik:<hmac>`) to tell children apart;
- `register_child(resident, birth_date)`: the resident asked to be reminded (the guided
  conversation's "Ingatkan saya").

The periodic job `outreach.send_reminders` finds the events due (`events.due_events`), and
tells each ONCE per (resident, child, event): a `ReminderSent` row with a unique key is
written in the same transaction as the message, so a retried or concurrent run cannot send
it twice. It sends only while the office is open (the office calendar: someone can answer
a question the reminder raises), only to residents `preferences.allows(..., "reminder")`,
as a MARKETING template (the reminder is about something not yet requested), at most
`LOKET_OUTREACH_PER_RUN` per run and `LOKET_OUTREACH_PER_DAY` per rolling 24 hours (Meta's
messaging limit counts business-initiated reach per business portfolio per 24 h).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from loket.cases.models import Case
from loket.domain.calendar import long_date
from loket.domain.intake.services import SERVICES
from loket.domain.nik import nik_facts, strip_number
from loket.jobs.queue import handler, periodic
from loket.messaging import port
from loket.outreach import events, preferences
from loket.outreach.models import CampaignRecipient, Child, ConsentEvent, Preference, Purpose, ReminderSent
from loket.scheduling.office import office_calendar

SEND_JOB = "outreach.send_reminders"
periodic(SEND_JOB, 15 * 60)

# The declared templates (MARKETING), one per event; parameters: birth date, the event's day.
TEMPLATES = {events.KIA_5: "loket_pengingat_kia_5", events.KTP_17: "loket_pengingat_ktp_17"}


def reminder_body(event: str, lahir: str, hari: str) -> str:
    """A reminder's text (also the declared template's body, with "{{1}}" and "{{2}}")."""
    if event == events.KIA_5:
        return (
            f"Pengingat Disdukcapil: anak Anda yang lahir {lahir} berusia 5 tahun pada {hari}. "
            "KIA tanpa foto berlaku sampai hari itu; sesudahnya KIA anak perlu dibuat ulang dengan foto. "
            "Ajukan lewat WhatsApp ini. Ketik BERHENTI bila tidak ingin menerima pengingat."
        )
    return (
        f"Pengingat Disdukcapil: anak Anda yang lahir {lahir} berusia 17 tahun pada {hari} dan wajib "
        "memiliki KTP-el. Perekaman (foto, sidik jari, iris) dilakukan langsung di kantor; bawa KK. "
        "Ketik BERHENTI bila tidak ingin menerima pengingat."
    )


def reminder_text(event: str, born: dt.date, day: dt.date) -> str:
    return reminder_body(event, long_date(born, weekday=False), long_date(day, weekday=False))


def nik_key(nik: str) -> str:
    """A child told apart from another without keeping the NIK (keyed with the secret key)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), nik.encode(), hashlib.sha256).hexdigest()
    return f"nik:{digest[:40]}"


def child_in(case: Case, today: dt.date) -> tuple[str, dt.date] | None:
    """(key, birth date) of the child a request names, or None (no NIK, an adult, a bad date)."""
    nik = strip_number(str((case.fields or {}).get("nik") or ""))
    if len(nik) != 16 or not nik.isdigit():
        return None
    service = SERVICES.get(case.service)
    facts = nik_facts(nik, today, child=bool(service and service.child))
    born = facts.tanggal_lahir
    if born is None or "date_invalid" in facts.errors or born > today:
        return None
    if events.last_event_day(born) + dt.timedelta(days=settings.LOKET_OUTREACH_GRACE_DAYS) < today:
        return None  # grown up: nothing left to remind about
    return nik_key(nik), born


def collect_children(today: dt.date, *, batch: int = 1000) -> int:
    """Children from the requests of residents who said yes, filed since the last look: one
    query for every such resident's new requests, rows inserted in batches, one UPDATE moving
    every cursor to the last request read."""
    started = timezone.now()
    wanting = Preference.objects.filter(reminders=True, stopped_at__isnull=True)
    upto = Case.objects.aggregate(last=Max("pk"))["last"] or 0
    cases = (
        Case.objects.filter(
            resident__outreach__reminders=True,
            resident__outreach__stopped_at__isnull=True,
            pk__gt=F("resident__outreach__cases_seen_upto"),
            pk__lte=upto,
        )
        .only("pk", "resident_id", "service", "fields")
        .order_by("pk")
    )
    found: dict[tuple[int, str], Child] = {}
    for case in cases.iterator(chunk_size=batch):
        child = child_in(case, today)
        if child is not None:
            found.setdefault(
                (case.resident_id, child[0]),
                Child(
                    resident_id=case.resident_id,
                    key=child[0],
                    birth_date=child[1],
                    source=Child.Source.CASE,
                    case=case,
                ),
            )
    before = Child.objects.count()
    Child.objects.bulk_create(found.values(), batch_size=batch, ignore_conflicts=True)
    # Every request up to `upto` of these residents has been read (later ones: next run; a
    # resident who said yes during this run is read in full next time).
    wanting.filter(cases_seen_upto__lt=upto, updated_at__lt=started).update(cases_seen_upto=upto)
    return Child.objects.count() - before


@dataclass(frozen=True)
class Registered:
    """A child the resident asked to be reminded about, and the days Loket will remind of."""

    child: Child
    days: list[tuple[str, dt.date]]  # (event, day) still to come


class NotAChild(ValueError):
    """`str()` says in Bahasa Indonesia why the date cannot be a child's birth date."""


def check_birth_date(birth_date: dt.date) -> None:
    """Before asking anything more (the guided "Ingatkan saya"): raises `NotAChild` for a date
    in the future or a person already 17 or older (nothing left to remind of)."""
    today = timezone.localdate()
    if birth_date > today:
        raise NotAChild("Tanggal lahir belum lewat. Mohon periksa kembali tanggalnya.")
    if events.event_day(birth_date, events.KTP_17) <= today:
        raise NotAChild(
            f"Anak yang lahir {long_date(birth_date, weekday=False)} sudah berusia 17 tahun atau lebih; "
            "tidak ada pengingat KIA atau KTP-el lagi."
        )


def register_child(
    resident: Any, birth_date: dt.date, *, via: str = "guided", message_ref: str = ""
) -> Registered:
    """The resident asks to be reminded about a child born on `birth_date` ("Ingatkan saya").

    Asking is a yes to reminders (audited). Registering the same date again changes nothing.
    Raises `NotAChild` for a date in the future or a person already past every event."""
    today = timezone.localdate()
    if birth_date > today:
        raise NotAChild("Tanggal lahir belum lewat. Mohon periksa kembali tanggalnya.")
    grace = dt.timedelta(days=settings.LOKET_OUTREACH_GRACE_DAYS)
    if events.last_event_day(birth_date) + grace < today:
        raise NotAChild(
            "Anak ini sudah berusia lebih dari 17 tahun; tidak ada pengingat KIA atau KTP-el lagi."
        )
    with transaction.atomic():
        preferences.opt_in_reminders(resident, via=via, message_ref=message_ref)
        child, created = Child.objects.get_or_create(
            resident=resident,
            key=f"lahir:{birth_date.isoformat()}",
            defaults={"birth_date": birth_date, "source": Child.Source.ASKED},
        )
        if created:  # which child is not recorded in the audit: the event says one was added
            ConsentEvent.objects.create(
                resident=resident,
                action=ConsentEvent.Action.CHILD_ADDED,
                purposes=[str(Purpose.REMINDER)],
                via=via,
                message_ref=message_ref[:200],
            )
    days = [(e, d) for e in events.EVENTS if (d := events.event_day(birth_date, e)) + grace >= today]
    return Registered(child, days)


def registered_text(registered: Registered) -> str:
    """The answer to "Ingatkan saya" (for the guided conversation to send)."""
    names = {
        events.KIA_5: "KIA anak tanpa foto berakhir (usia 5 tahun)",
        events.KTP_17: "anak wajib KTP-el (usia 17 tahun)",
    }
    lead = settings.LOKET_OUTREACH_LEAD_DAYS
    lines = [f"- {names[event]}: {long_date(day, weekday=False)}" for event, day in registered.days]
    return (
        f"Baik, kami akan mengingatkan Anda sekitar {lead} hari sebelum tanggal berikut:\n"
        + "\n".join(lines)
        + "\nKetik BERHENTI kapan saja untuk berhenti."
    )


def sent_last_day(now: dt.datetime) -> int:
    """Outreach messages (reminders and campaigns: one shared cap) in the rolling 24 hours."""
    since = now - dt.timedelta(hours=24)
    return (
        ReminderSent.objects.filter(sent_at__gt=since).count()
        + CampaignRecipient.objects.filter(sent_at__gt=since).count()
    )


def _due(today: dt.date) -> list[tuple[dt.date, Child, str]]:
    lead, grace = settings.LOKET_OUTREACH_LEAD_DAYS, settings.LOKET_OUTREACH_GRACE_DAYS
    found = []
    for event in events.EVENTS:
        low, high = events.birth_window(today, event, lead_days=lead, grace_days=grace)
        children = Child.objects.filter(
            birth_date__range=(low, high),
            resident__outreach__reminders=True,
            resident__outreach__stopped_at__isnull=True,
            resident__purged_at__isnull=True,
        ).select_related("resident")
        for child in children:
            for due in events.due_events(child.birth_date, today, lead_days=lead, grace_days=grace):
                if due.event == event:
                    found.append((due.on, child, event))
    found.sort(key=lambda item: (item[0], item[1].pk, item[2]))
    return found


def _tell_once(child: Child, event: str, day: dt.date) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(resident=child.resident, child_key=child.key, event=event, due_on=day)
            port.tell(
                child.resident,
                purpose=port.Purpose.REMINDER,
                text=reminder_text(event, child.birth_date, day),
                template_name=TEMPLATES[event],
                template_params=[long_date(child.birth_date, weekday=False), long_date(day, weekday=False)],
            )
    except IntegrityError:
        return False  # told already (another run, or a retry of this one)
    return True


@handler(SEND_JOB)
def send_reminders(payload: dict[str, Any]) -> dict[str, Any]:
    """One run: within sending hours, the due reminders not told yet, up to the caps."""
    now = timezone.localtime()
    if not office_calendar().is_open(now):
        return {"sent": 0, "why": "outside sending hours"}
    today = now.date()
    collect_children(today)
    budget = min(settings.LOKET_OUTREACH_PER_RUN, settings.LOKET_OUTREACH_PER_DAY - sent_last_day(now))
    sent = skipped = 0
    for day, child, event in _due(today):
        if sent >= budget:
            break
        if ReminderSent.objects.filter(resident=child.resident, child_key=child.key, event=event).exists():
            continue
        if not preferences.allows(child.resident, Purpose.REMINDER):
            skipped += 1  # BERHENTI on another of the person's numbers
            continue
        sent += _tell_once(child, event, day)
    return {"sent": sent, "skipped": skipped, "budget": max(budget, 0)}
