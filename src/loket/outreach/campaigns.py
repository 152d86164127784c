"""Campaigns where coverage is lowest, and the click-to-chat posters' source tokens.

A supervisor creates a campaign (`create`) from the coverage priorities: a service, the target
kecamatan (or desa inside them), a declared MARKETING template, a period. The periodic job
`outreach.send_campaigns` reaches, within office hours and the pacing caps shared with the
reminders (`reminders.sent_last_day` counts both), ONLY residents who said yes to service news
(`preferences.allows(resident, "campaign")`) and whose requests name a place in the target,
once per campaign per person (`CampaignRecipient`'s unique key, checked on every address of the
person). `refresh` reads what became of each message through the port (delivered, read,
replied) and the requests that followed (opened, card collected); `funnel` and `by_poster`
are what the campaign page shows.

Posters carry a source token: a prefix per kind of place + the digits of the desa or kecamatan
code (`POSY-3603011001`, a posyandu in desa 36.03.01.1001). The router strips it
(`domain.intake.guided.split_source_token`) and the request keeps it in `Case.source`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loket.cases.models import Case, Resident, State
from loket.domain.checklists import required_documents
from loket.domain.intake.guided import SOURCE_TOKEN, with_source_token
from loket.domain.intake.services import SERVICES
from loket.jobs.queue import handler, periodic
from loket.messaging import port
from loket.outreach import preferences
from loket.outreach.models import Campaign, CampaignRecipient, Purpose
from loket.outreach.reminders import sent_last_day as outreach_last_day
from loket.regions.names import region_names
from loket.scheduling.office import office_calendar

SEND_JOB = "outreach.send_campaigns"
periodic(SEND_JOB, 15 * 60)

# The declared MARKETING template per service (channels declare its body from `campaign_body`).
TEMPLATES = {"KIA": "loket_kampanye_kia"}


def campaign_body(area: str) -> str:
    """The KIA campaign's text (also the declared template's body, with "{{1}}" for the place)."""
    return (
        f"Info Disdukcapil untuk warga {area}: apakah anak Anda sudah punya Kartu Identitas Anak (KIA)? "
        "Urus lewat WhatsApp ini tanpa antre: ketik KIA, lalu jawab pertanyaannya satu per satu. "
        "Ketik BERHENTI bila tidak ingin menerima informasi lagi."
    )


# --- places and their tokens --------------------------------------------------------------------

# Where posters hang: kind -> (token prefix, name on the poster). Prefixes fit SOURCE_TOKEN.
PLACES: dict[str, tuple[str, str]] = {
    "posyandu": ("POSY", "Posyandu"),
    "sekolah": ("SKLH", "Sekolah"),
    "desa": ("DESA", "Kantor desa/kelurahan"),
    "kecamatan": ("KEC", "Kantor kecamatan"),
}
PREFIXES = {prefix: kind for kind, (prefix, _name) in PLACES.items()}


def token_for(place: str, kode: str) -> str:
    """`POSY-3603011001` for a posyandu in desa 36.03.01.1001."""
    if place not in PLACES:
        raise ValueError(f"unknown place {place!r}; one of {', '.join(PLACES)}")
    digits = "".join(ch for ch in kode if ch.isdigit())
    if not digits:
        raise ValueError(f"region code {kode!r} has no digits")
    token = f"{PLACES[place][0]}-{digits}"
    assert SOURCE_TOKEN.search(f"(kode: {token})"), token  # the router's one pattern reads it
    return token


@dataclass(frozen=True)
class TokenPlace:
    place: str
    digits: str


def read_token(token: str) -> TokenPlace | None:
    """The place a token names, or None (a token no poster of ours carries)."""
    prefix, _, digits = (token or "").upper().partition("-")
    if prefix not in PREFIXES or not digits.isdigit():
        return None
    return TokenPlace(PREFIXES[prefix], digits)


def _digits(kode: str) -> str:
    return "".join(ch for ch in kode if ch.isdigit())


def in_target(campaign: Campaign, kode_kecamatan: str, kode_desa: str) -> bool:
    if kode_kecamatan not in campaign.kecamatan:
        return False
    return not campaign.desa or kode_desa in campaign.desa


def token_in_campaign(campaign: Campaign, token: str) -> bool:
    """Does this token belong to one of the campaign's posters (a place inside its target)?"""
    found = read_token(token)
    if found is None:
        return False
    kec = {_digits(k) for k in campaign.kecamatan}
    desa = {_digits(d) for d in campaign.desa}
    if len(found.digits) == 6:  # a kecamatan's poster
        return found.digits in kec and not campaign.desa
    return found.digits[:6] in kec and (not desa or found.digits in desa)


def prefilled_text(service: str, token: str) -> str:
    """What the resident's phone writes for them: starts the guided conversation, ends with the token."""
    return with_source_token(SERVICES[service].keyword, token)


def wa_link(number: str, text: str) -> str:
    """The click-to-chat link (`https://wa.me/<number>?text=...`), number in international form."""
    digits = _digits(number)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def display_number(number: str) -> str:
    """0812-8237-2016 as people write it on paper."""
    digits = _digits(number)
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return "-".join([digits[:4], digits[4:8], digits[8:]]).strip("-")


def what_to_prepare(service: str) -> tuple[str, str]:
    """Two lines for the poster, from the service's checklist."""
    documents = [kind.label for kind in required_documents(service, {}, {})]
    first = "Siapkan foto: " + ", ".join(documents) + "." if documents else "Siapkan data diri Anda."
    return first, "Kirim lewat WhatsApp, lalu ambil kartu di kantor sesuai jadwal."


# --- creating a campaign --------------------------------------------------------------------------


class Refused(ValueError):
    """`str()` says in Bahasa Indonesia why the campaign cannot be created."""


def create(
    *,
    name: str,
    service: str,
    template: str,
    kecamatan: list[str],
    desa: list[str] | None = None,
    starts_on: dt.date,
    ends_on: dt.date,
    created_by: Any = None,
    office_id: int | None = None,
) -> Campaign:
    if service not in SERVICES:
        raise Refused("Layanan tidak dikenal.")
    if not kecamatan:
        raise Refused("Pilih paling sedikit satu kecamatan.")
    if ends_on < starts_on:
        raise Refused("Tanggal selesai sebelum tanggal mulai.")
    desa = list(desa or [])
    outside = [d for d in desa if d.rsplit(".", 1)[0] not in kecamatan]
    if outside:
        raise Refused(f"Desa {', '.join(outside)} tidak berada di kecamatan sasaran.")
    why = port.template_refusal(template, purpose=port.Purpose.BULK)
    if why:
        raise Refused(f"Template {template} tidak bisa dipakai untuk kampanye: {why}")
    return Campaign.objects.create(
        name=name.strip() or f"Kampanye {service}",
        service=service,
        template=template,
        kecamatan=list(kecamatan),
        desa=desa,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=created_by,
        # The creator's office; without one, the only office (`offices.default_office`).
        **({"office_id": office_id} if office_id is not None else {}),
    )


# --- sending --------------------------------------------------------------------------------------


def _target_cases(campaign: Campaign) -> Any:
    # The campaign's office only (its kecamatan are the office's, and the office says so too).
    area = Q(kode_kecamatan__in=campaign.kecamatan, office_id=campaign.office_id)
    if campaign.desa:
        area &= Q(kode_desa__in=campaign.desa)
    return Case.objects.filter(area)


def candidates(campaign: Campaign) -> list[tuple[Resident, str, str]]:
    """(resident, kecamatan, desa) of residents who said yes to service news, live in the target
    (their latest request there) and were not reached by this campaign yet; oldest yes first."""
    reached = CampaignRecipient.objects.filter(campaign=campaign).values("resident_id")
    rows = (
        _target_cases(campaign)
        .filter(
            resident__outreach__campaigns=True,
            resident__outreach__stopped_at__isnull=True,
            resident__purged_at__isnull=True,
        )
        .exclude(resident_id__in=reached)
        .order_by("resident_id", "-created_at", "-pk")
        .values_list("resident_id", "kode_kecamatan", "kode_desa")
    )
    where: dict[int, tuple[str, str]] = {}
    for resident_id, kec, desa in rows:
        where.setdefault(resident_id, (kec, desa))
    residents = Resident.objects.in_bulk(list(where))
    return [(residents[pk], *where[pk]) for pk in sorted(where) if pk in residents]


def _already_reached(campaign: Campaign, resident: Resident) -> bool:
    """The same person on another office number was reached by this campaign."""
    try:
        ids = list(port.same_person(resident).values_list("pk", flat=True))
    except port.NoChannel:
        ids = []
    return CampaignRecipient.objects.filter(campaign=campaign, resident_id__in=ids).exists()


def _tell_once(campaign: Campaign, resident: Resident, kec: str, desa: str, names: dict[str, str]) -> bool:
    area = names.get(desa) or names.get(kec) or "kabupaten ini"
    try:
        with transaction.atomic():
            row = CampaignRecipient.objects.create(
                campaign=campaign, resident=resident, kode_kecamatan=kec, kode_desa=desa
            )
            told = port.tell(
                resident,
                purpose=port.Purpose.BULK,
                text=campaign_body(area),
                template_name=campaign.template,
                template_params=[area],
            )
            row.message_ref = getattr(told, "pk", None)
            row.save(update_fields=["message_ref"])
    except IntegrityError:
        return False  # reached already (another run, or a retry of this one)
    return True


@handler(SEND_JOB)
def send_campaigns(payload: dict[str, Any]) -> dict[str, Any]:
    """One run: within office hours, the running campaigns' next residents, up to the caps
    shared with the reminders (`LOKET_OUTREACH_PER_RUN`, `LOKET_OUTREACH_PER_DAY`)."""
    now = timezone.localtime()
    if not office_calendar().is_open(now):
        return {"sent": 0, "why": "outside sending hours"}
    today = now.date()
    budget = min(settings.LOKET_OUTREACH_PER_RUN, settings.LOKET_OUTREACH_PER_DAY - outreach_last_day(now))
    sent = skipped = 0
    running = Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today)
    for campaign in running.order_by("starts_on", "pk"):
        if port.template_refusal(campaign.template, purpose=port.Purpose.BULK):
            skipped += 1  # the declaration changed since; the page shows the campaign as refused
            continue
        todo = candidates(campaign)
        names = region_names({c for _r, kec, desa in todo for c in (kec, desa) if c})
        for resident, kec, desa in todo:
            if sent >= budget:
                break
            if not preferences.allows(resident, Purpose.CAMPAIGN) or _already_reached(campaign, resident):
                skipped += 1  # BERHENTI on another of the person's numbers, or reached there
                continue
            sent += _tell_once(campaign, resident, kec, desa, names)
        if sent >= budget:
            break
    return {"sent": sent, "skipped": skipped, "budget": max(budget, 0)}


# --- what followed --------------------------------------------------------------------------------


def refresh(campaign: Campaign) -> None:
    """Delivered, read, replied (through the port), request opened and card collected."""
    rows = list(
        CampaignRecipient.objects.filter(campaign=campaign).filter(
            Q(delivered_at__isnull=True)
            | Q(read_at__isnull=True)
            | Q(replied_at__isnull=True)
            | Q(case__isnull=True)
            | Q(collected_at__isnull=True)
        )
    )
    progress = port.progress([r.message_ref for r in rows if r.message_ref])
    for row in rows:
        changed: dict[str, Any] = {}
        seen = progress.get(row.message_ref or 0)
        if seen is not None:
            for name in ("delivered_at", "read_at", "replied_at"):
                if getattr(row, name) is None and getattr(seen, name) is not None:
                    changed[name] = getattr(seen, name)
        if row.case_id is None:
            try:
                ids = list(port.same_person(row.resident).values_list("pk", flat=True)) or [row.resident_id]
            except port.NoChannel:
                ids = [row.resident_id]
            case = (
                Case.objects.filter(
                    resident_id__in=ids, service=campaign.service, created_at__gte=row.sent_at
                )
                .order_by("created_at", "pk")
                .first()
            )
            if case is not None:
                changed["case_id"] = case.pk
        case_id = changed.get("case_id", row.case_id)
        if case_id and row.collected_at is None:
            collected = (
                Case.objects.filter(pk=case_id, state=State.COLLECTED)
                .values_list("state_changed_at", flat=True)
                .first()
            )
            if collected is not None:
                changed["collected_at"] = collected
        if changed:
            CampaignRecipient.objects.filter(pk=row.pk).update(**changed)


@dataclass
class Funnel:
    label: str
    sent: int = 0
    delivered: int = 0
    read: int = 0
    replied: int = 0
    opened: int = 0
    collected: int = 0


def funnel(campaign: Campaign) -> list[Funnel]:
    """Per kecamatan of the target (every one, reached or not), then the total."""
    names = region_names(campaign.kecamatan)
    lines = {kec: Funnel(names.get(kec, kec)) for kec in campaign.kecamatan}
    total = Funnel("Jumlah")
    for row in CampaignRecipient.objects.filter(campaign=campaign):
        line = lines.setdefault(row.kode_kecamatan, Funnel(names.get(row.kode_kecamatan, row.kode_kecamatan)))
        for target in (line, total):
            target.sent += 1
            target.delivered += row.delivered_at is not None
            target.read += row.read_at is not None
            target.replied += row.replied_at is not None
            target.opened += row.case_id is not None
            target.collected += row.collected_at is not None
    return [*lines.values(), total]


@dataclass
class PosterLine:
    token: str
    place: str
    area: str
    requests: int = 0
    cards: int = 0
    services: Counter[str] = field(default_factory=Counter)


def by_poster(campaign: Campaign) -> list[PosterLine]:
    """How many requests and cards each of the campaign's posters brought (`Case.source` ==
    its token), requests opened during the campaign's period; most requests first."""
    since = dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    until = dt.datetime.combine(
        campaign.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    rows = (
        Case.objects.filter(created_at__gte=since, created_at__lt=until, source__contains="-")
        .values_list("source", "state", "service")
        .order_by()
    )
    lines: dict[str, PosterLine] = {}
    codes: dict[str, str] = {}
    for token, state, service in rows:
        if not token_in_campaign(campaign, token):
            continue  # another campaign's poster, or a token no poster of ours carries
        found = read_token(token)
        assert found is not None
        line = lines.setdefault(token, PosterLine(token, PLACES[found.place][1], ""))
        codes[token] = _code_of(found.digits)
        line.requests += 1
        line.cards += state == State.COLLECTED
        line.services[service] += 1
    names = region_names(set(codes.values()))
    for token, line in lines.items():
        line.area = names.get(codes[token], codes[token])
    return sorted(lines.values(), key=lambda line: (-line.requests, line.token))


def _code_of(digits: str) -> str:
    """36.03.01 or 36.03.01.1001 from its digits."""
    parts = [digits[0:2], digits[2:4], digits[4:6]]
    if len(digits) > 6:
        parts.append(digits[6:])
    return ".".join(parts)
