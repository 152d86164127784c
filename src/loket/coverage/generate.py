"""Realistic demo cases in bulk (`loket demo-data --cases N`, the benchmark).

Services in the office's usual mix, kecamatan in proportion to their children, arrival
in office hours over the past year, outcomes and durations that look like a real queue.
Every case carries valid request data (`demo_requests`: NIKs of its kecamatan, real
dates) and the parent's consent; the cases an officer still checks (waiting, queued, in
review, correction) carry their checklist's documents as small real JPEG files, so the
demo and the benchmarks pass the approval guard honestly. Cases past approval carry no
files (keeps a million-case run fast and small; no guard reads them again).
Rows go in with COPY on PostgreSQL and bulk_create elsewhere (signals do not fire), so
the aggregates are rebuilt at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import JSONField, Max
from django.utils import timezone

from loket.cases.checklist import checklist_for
from loket.cases.models import Case, CaseEvent, Document, RequestCounter, Resident, State, document_path
from loket.cases.samples import sample_jpeg
from loket.coverage import aggregates
from loket.coverage.demo_requests import RequestMaker
from loket.domain.intake.services import for_officers
from loket.domain.regions import DATA_DIR
from loket.messaging import port
from loket.offices.models import default_office

# The mix of services: each one's `demo_weight` in the one declaration, in officers' order.
SERVICES = tuple((service.keyword, service.demo_weight) for service in for_officers() if service.demo_weight)
CORRECTION_REASONS = (
    "Foto akta kelahiran buram",
    "KK belum memuat nama anak",
    "Pas foto bukan latar merah/biru",
    "KTP-el orang tua tidak terbaca",
    "NIK pada formulir tidak sama dengan KK",
)
REJECT_REASONS = ("Data tidak ditemukan di database kependudukan", "Dokumen bukan milik pemohon")
DEMO_CHANNEL = "demo-data"
OFFICERS = ("petugas.demo1", "petugas.demo2", "petugas.demo3", "petugas.demo4", "petugas.demo5")
# States whose cases an officer still checks: they carry document files (about 2 % of a
# year's cases; a million-case run writes some 80,000 small files).
WITH_FILES = frozenset({State.WAITING_DOCUMENTS, State.QUEUED, State.IN_REVIEW, State.NEEDS_CORRECTION})


def children_weights() -> list[tuple[str, int]]:
    with open(DATA_DIR / "kia_coverage_2020.csv", encoding="utf-8") as fh:
        return [(row["kode_kecamatan"], int(row["anak_total"])) for row in csv.DictReader(fh)]


def _office_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    # Residents write at all hours, most in the day; the office works 08-16.
    hour = rng.choice((6, 7, 8, 9, 9, 10, 10, 11, 12, 13, 14, 15, 19, 20, 21))
    local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
    return timezone.make_aware(local)


def _after_hours(rng: random.Random, start: dt.datetime, low: float, high: float) -> dt.datetime:
    return start + dt.timedelta(hours=rng.uniform(low, high))


def _path(rng: random.Random, age_days: int) -> list[tuple[str, str, float, float]]:
    """The transitions a case went through: (to_state, source, min hours, max hours) after the previous."""
    steps = [(State.QUEUED, "channel", 0.1, 30)]
    roll = rng.random()
    if roll < 0.05:
        return [(State.EXPIRED, "system", 72, 240)]
    steps.append((State.IN_REVIEW, "console", 1, 40))
    if rng.random() < 0.3:
        steps += [
            (State.NEEDS_CORRECTION, "console", 0.2, 3),
            (State.QUEUED, "channel", 2, 72),
            (State.IN_REVIEW, "console", 1, 30),
        ]
    roll = rng.random()
    if roll < 0.07:
        return [*steps, (State.REJECTED, "console", 0.2, 4)]
    steps += [(State.APPROVED, "console", 0.2, 6), (State.READY_FOR_PICKUP, "system", 20, 120)]
    if rng.random() < 0.06:
        return [*steps, (State.CANCELLED, "system", 200, 400)]
    return [*steps, (State.COLLECTED, "console", 10, 200)]


def generate(
    n: int, *, days: int = 365, seed: int = 3603, batch: int = 20000, today: dt.date | None = None, out=None
) -> dict:
    """Add `n` demo cases with their events; returns counts."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    user_model = get_user_model()
    officers = []
    for name in OFFICERS:
        officers.append(user_model.objects.get_or_create(username=name, defaults={"is_active": True})[0].pk)
    weights = children_weights()
    kodes, kode_weights = [k for k, _ in weights], [w for _, w in weights]
    services, service_weights = [s for s, _ in SERVICES], [w for _, w in SERVICES]
    # The demo data belongs to the only office (the first one); named once, not per row.
    office_id = default_office()
    residents_needed = max(1, n // 3)
    existing = Resident.objects.filter(channel_number=DEMO_CHANNEL).count()
    Resident.objects.bulk_create(
        (
            Resident(
                office_id=office_id, channel_number=DEMO_CHANNEL, user_id=f"demo{i:08d}", profile_name=""
            )
            for i in range(existing, residents_needed)
        ),
        batch_size=batch,
    )
    resident_ids = list(
        Resident.objects.filter(channel_number=DEMO_CHANNEL).values_list("pk", flat=True)[:residents_needed]
    )
    case_id = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    first_id = case_id
    event_id = (CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    counters = {(c.service, c.day): c.last for c in RequestCounter.objects.all()}
    numbers: Counter = Counter()
    stats: Counter = Counter()
    maker = RequestMaker(rng)
    with_files: list[tuple] = []  # (case id, resident id, service, fields, derived, state, created)

    def rows() -> Iterator[tuple[tuple, list[tuple]]]:
        nonlocal case_id, event_id
        for _ in range(n):
            age = min(int(rng.expovariate(1 / (days / 2.5))), days - 1)
            day = today - dt.timedelta(days=age)
            if day.weekday() >= 5 and rng.random() < 0.6:
                day -= dt.timedelta(days=day.weekday() - 4)
            created = _office_moment(rng, day)
            service = rng.choices(services, service_weights)[0]
            key = (service, day)
            numbers[key] += 1
            number = f"{service}-{day:%Y%m%d}-{counters.get(key, 0) + numbers[key]:04d}"
            state, at, events = State.WAITING_DOCUMENTS.value, created, []
            now = timezone.now()
            for to_state, source, low, high in _path(rng, age):
                nxt = _after_hours(rng, at, low, high)
                if nxt > now:
                    break
                actor = rng.choice(officers) if source == "console" else None
                note = (
                    rng.choice(CORRECTION_REASONS)
                    if to_state == State.NEEDS_CORRECTION
                    else (rng.choice(REJECT_REASONS) if to_state == State.REJECTED else "")
                )
                events.append((event_id, case_id, state, to_state, actor, source, note, nxt))
                event_id += 1
                state, at = to_state, nxt
            assigned = events[-1][4] if events and events[-1][4] else None
            stats[state] += 1
            kode = rng.choices(kodes, kode_weights)[0]
            data = maker.make(service, kode, timezone.localtime(created).date())
            resident_id = rng.choice(resident_ids)
            case = (
                case_id,
                number,
                service,
                data.subject,
                resident_id,
                state,
                kode,
                assigned,
                created,
                at,
                data.fields,
                data.derived,
                data.kode_desa,
            )
            if state in WITH_FILES:
                with_files.append((case_id, resident_id, service, data.fields, data.derived, state, created))
            case_id += 1
            yield case, events

    case_cols = (
        "id",
        "request_number",
        "service",
        "subject",
        "resident_id",
        "state",
        "kode_kecamatan",
        "assigned_to_id",
        "created_at",
        "state_changed_at",
        "fields",
        "derived",
        "kode_desa",
    )
    event_cols = ("id", "case_id", "from_state", "to_state", "actor_id", "source", "note", "at")
    with transaction.atomic():
        case_buf, event_buf = [], []
        for case, events in rows():
            case_buf.append(case)
            event_buf.extend(events)
            if len(case_buf) >= batch:
                _write(case_buf, case_cols, event_buf, event_cols)
                case_buf, event_buf = [], []
                if out:
                    out.write(f"  {case[0]} permohonan ...")
        _write(case_buf, case_cols, event_buf, event_cols)
        _write_consents(first_id, case_id, batch)
        _write_documents(rng, with_files, batch)
        for (service, day), count in numbers.items():
            row, _ = RequestCounter.objects.get_or_create(service=service, day=day)
            RequestCounter.objects.filter(pk=row.pk).update(last=counters.get((service, day), 0) + count)
        _reset_sequences()
    aggregates.rebuild()
    return dict(stats)


def _copy(cursor, model, columns: tuple, rows: list[tuple]) -> None:
    """COPY rows in; columns we do not generate get the model's default (fields added later too)."""
    extra = [f for f in model._meta.concrete_fields if f.column not in columns and not f.primary_key]
    defaults = []
    for f in extra:
        value = f.get_default()
        if isinstance(f, JSONField):
            value = json.dumps(value)
        defaults.append(value)
    names = ", ".join((*columns, *(f.column for f in extra)))
    with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            # JSON columns go in as their text.
            copy.write_row((*(json.dumps(v) if isinstance(v, dict | list) else v for v in row), *defaults))


def _write(cases: list[tuple], case_cols, events: list[tuple], event_cols) -> None:
    if not cases:
        return
    # The demo data belongs to the only office (the first one).
    office_id = default_office()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            columns = (*case_cols, "updated_at", "office_id")
            _copy(cursor, Case, columns, [(*row, row[9], office_id) for row in cases])
            _copy(cursor, CaseEvent, event_cols, events)
        return
    Case.objects.bulk_create(
        Case(**dict(zip(case_cols, row, strict=True)), updated_at=row[9], office_id=office_id)
        for row in cases
    )
    CaseEvent.objects.bulk_create(CaseEvent(**dict(zip(event_cols, row, strict=True))) for row in events)


def _write_consents(first_id: int, end_id: int, batch: int) -> None:
    """Every generated request had the parent's consent (asked and given at its opening)."""
    # The consent row belongs to the channel that asks for it: written through the port.
    cases = Case.objects.filter(pk__gte=first_id, pk__lt=end_id).values_list("pk", "created_at")
    port.record_consents(list(cases.iterator(chunk_size=batch)), notice_version="demo", batch=batch)


def _write_documents(rng: random.Random, cases: list[tuple], batch: int) -> None:
    """The checklist's documents of the cases still acted on, each a small real JPEG file;
    a case waiting for documents still misses at least one of them."""
    documents = []
    for case_id, resident_id, service, fields, derived, state, created in cases:
        labels = [
            item.key for item in checklist_for(Case(service=service, fields=fields, derived=derived), [])
        ]
        if state == State.WAITING_DOCUMENTS:
            labels = rng.sample(labels, rng.randrange(0, len(labels)))
        for label in labels:
            content = sample_jpeg(label)
            document = Document(
                resident_id=resident_id,
                case_id=case_id,
                label=label,
                caption=label.replace("_", " ").upper(),
                mime_type="image/jpeg",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                created_at=created,
            )
            document.file.name = default_storage.save(
                document_path(document, f"{label}.jpg"), ContentFile(content)
            )
            documents.append(document)
    Document.objects.bulk_create(documents, batch_size=batch)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_caseevent", "cases_document"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608
            )
