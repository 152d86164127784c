"""The capacity planner's inputs, gathered from the database: the newest regency figure,
the cards collected through Loket since, what Loket measured about its own work, the
counter's sessions, the printing capacity and the office calendar. The arithmetic is in
`loket.domain.planning`; the command (`loket plan capacity`) and the page share `build`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import F, Q, Sum
from django.utils import timezone

from loket.cases.models import CaseEvent, State
from loket.console.models import Role, StaffProfile
from loket.coverage import figures
from loket.coverage.models import KecamatanFigure, RegencyFigure, ServiceDay
from loket.domain import planning
from loket.scheduling.models import ServiceSchedule
from loket.scheduling.office import office_calendar

KIA = "KIA"
MEASURE_DAYS = 180  # the window Loket's own figures are measured over

# The overrides a person may give (command flags, page fields): name -> kind.
OVERRIDES: dict[str, str] = {
    "minutes_per_case": "decimal",
    "corrections_per_case": "decimal",
    "complete_share": "decimal",
    "officer_minutes_per_day": "int",
    "utilisation": "decimal",
    "session_capacity": "int",
    "sessions_per_day": "int",
    "printing_capacity": "int",
    "officers_available": "int",
}

DESCRIPTIONS = {
    "target_percent": "Target cakupan KIA (%)",
    "today": "Dihitung dari tanggal",
    "by": "Target tercapai paling lambat",
    "period": "Periode angka kabupaten terbaru",
    "children": "Anak 0–17 tahun",
    "holders_imported": "Pemilik KIA menurut data impor",
    "holders_loket": "Kartu KIA diambil lewat Loket sejak impor",
    "working_days": "Hari kerja kantor",
    "minutes_per_case": "Menit petugas per permohonan KIA",
    "corrections_per_case": "Putaran perbaikan per permohonan KIA",
    "complete_share": "Bagian permohonan KIA lengkap saat masuk (0–1)",
    "officer_minutes_per_day": "Menit kerja petugas per hari",
    "utilisation": "Utilisasi petugas (0–1)",
    "session_capacity": "Kapasitas per sesi loket KIA",
    "sessions_per_day": "Sesi loket per hari",
    "printing_capacity": "Kapasitas cetak kartu per hari",
    "officers_available": "Petugas verifikasi KIA yang ada",
}

SOURCE_LABELS = {
    "input": "diisi",
    "override": "diisi (mengganti angka terukur)",
    "measured": "diukur Loket",
    "default": "angka bawaan",
    "import": "data impor",
    "loket": "dihitung Loket",
    "calendar": "kalender kantor",
    "schedule": "jadwal layanan",
    "setting": "pengaturan",
    "database": "akun staf",
}


class NoRegencyData(planning.PlanError):
    pass


@dataclass(frozen=True)
class RegencyBase:
    period: str
    children: int
    holders: int
    imported_at: dt.datetime


@dataclass
class Assumption:
    value: object
    source: str
    note: str = ""


@dataclass
class Measured:
    """Loket's own figures over the last MEASURE_DAYS days; None where nothing was measured."""

    minutes_by_service: dict[str, tuple[Fraction, int]] = field(default_factory=dict)  # median, n
    corrections_per_case: Fraction | None = None
    decisions: int = 0
    complete_share: Fraction | None = None
    received: int = 0


@dataclass
class KecamatanRow:
    kode: str
    name: str
    period: str
    children: int
    holders: int
    gap: int
    contribution: int


@dataclass
class PlanResult:
    base: RegencyBase
    today: dt.date
    by: dt.date
    plan: planning.Plan
    assumptions: dict[str, Assumption]
    kecamatan: list[KecamatanRow]
    measured: Measured


def newest_regency() -> RegencyBase:
    """The newest semester of the regency series (history, or a per-kecamatan table's
    total where the history has no such semester) and when it was imported."""
    points = figures.trend_points()
    if not points:
        raise NoRegencyData(
            "Belum ada data cakupan kabupaten: impor riwayat cakupan dulu (loket coverage import)."
        )
    last = points[-1]
    imports = (
        RegencyFigure.objects.filter(period=last.period)
        if last.source == "history"
        else KecamatanFigure.objects.filter(period=last.period, is_total=False)
    )
    record = imports.select_related("source_import").order_by("-source_import__imported_at").first()
    imported_at = record.source_import.imported_at if record else timezone.now()
    return RegencyBase(last.period, last.children, last.holders, imported_at)


def working_days(today: dt.date, by: dt.date) -> int:
    """Office working days after `today` up to and including `by`: what
    `loket calendar working-days <today+1> <by>` lists (the same calendar function)."""
    if by <= today:
        raise planning.PlanError(
            f"Tanggal target {by.isoformat()} harus sesudah tanggal hitung {today.isoformat()}."
        )
    days = office_calendar().working_days(today + dt.timedelta(days=1), by)
    if not days:
        raise planning.PlanError(
            f"Tidak ada hari kerja dari {(today + dt.timedelta(days=1)).isoformat()} "
            f"sampai {by.isoformat()}: pilih tanggal yang lebih jauh."
        )
    return len(days)


def _median(values: list[int]) -> Fraction:
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[mid])
    return Fraction(ordered[mid - 1] + ordered[mid], 2)


def review_minutes(since: dt.datetime) -> dict[str, tuple[Fraction, int]]:
    """Per service: the median minutes a case is held in review (entering in_review to
    the next state change), and how many reviews that is from. Only reviews that begin and
    end on one local day count: a case left open overnight was not worked overnight. A
    held case is an upper bound of the officer's time (one may hold a few at once)."""
    held: dict[str, list[int]] = defaultdict(list)
    entered: dict[int, dt.datetime] = {}
    events = (
        CaseEvent.objects.filter(at__gte=since)
        .filter(Q(to_state=State.IN_REVIEW) | Q(from_state=State.IN_REVIEW))
        .exclude(from_state=F("to_state"))
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "case__service", "from_state", "to_state", "at")
    )
    for case_id, service, from_state, to_state, at in events.iterator():
        if to_state == State.IN_REVIEW:
            entered[case_id] = at
        elif from_state == State.IN_REVIEW and case_id in entered:
            start, end = timezone.localtime(entered.pop(case_id)), timezone.localtime(at)
            if start.date() == end.date():
                held[service].append(round((end - start).total_seconds() / 60))
    return {service: (_median(values), len(values)) for service, values in sorted(held.items())}


def measure(today: dt.date) -> Measured:
    since_day = today - dt.timedelta(days=MEASURE_DAYS)
    since = timezone.make_aware(dt.datetime.combine(since_day, dt.time.min))
    out = Measured(minutes_by_service=review_minutes(since))
    sums = ServiceDay.objects.filter(service=KIA, day__gt=since_day, day__lte=today).aggregate(
        received=Sum("received"),
        auto=Sum("auto_completed"),
        corrections=Sum("corrections"),
        decisions=Sum("decisions"),
    )
    out.received, out.decisions = sums["received"] or 0, sums["decisions"] or 0
    if out.decisions:
        out.corrections_per_case = Fraction(sums["corrections"] or 0, out.decisions)
    if out.received:
        # A share: bounded by 1 even if a request reached the queue twice by itself.
        out.complete_share = min(Fraction(1), Fraction(sums["auto"] or 0, out.received))
    return out


def kia_session_capacity() -> tuple[int, str]:
    schedule = ServiceSchedule.objects.filter(key=KIA).first()
    if schedule is None:
        return settings.LOKET_SESSION_CAPACITY, "setting"
    return min(schedule.capacity_pagi, schedule.capacity_siang), "schedule"


def kia_officers() -> int:
    """Active verification officers who handle KIA (no services listed: all of them)."""
    profiles = StaffProfile.objects.filter(role=Role.OFFICER, user__is_active=True)
    return sum(1 for p in profiles.only("services") if not p.services or KIA in p.services)


def _override(overrides: dict, name: str):
    raw = overrides.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    value = planning.parse_decimal(raw, DESCRIPTIONS[name])
    if OVERRIDES[name] == "int":
        if value.denominator != 1:
            raise planning.PlanError(f"{DESCRIPTIONS[name]}: tulis bilangan bulat, bukan '{raw}'")
        return int(value)
    return value


def build(
    target: str | Decimal | Fraction,
    by: dt.date,
    today: dt.date | None = None,
    overrides: dict | None = None,
    kodes: set[str] | None = None,
) -> PlanResult:
    """The whole plan; `kodes` limits the per-kecamatan rows shown, never the regency figures."""
    overrides = overrides or {}
    today = today or timezone.localdate()
    target_percent = planning.parse_decimal(target, DESCRIPTIONS["target_percent"])
    days = working_days(today, by)
    base = newest_regency()
    loket_cards = sum(figures.collected_since(base.imported_at).values())
    measured = measure(today)
    a: dict[str, Assumption] = {
        "target_percent": Assumption(target_percent, "input"),
        "today": Assumption(today, "input"),
        "by": Assumption(by, "input"),
        "period": Assumption(
            base.period, "import", f"diimpor {timezone.localtime(base.imported_at):%Y-%m-%d}"
        ),
        "children": Assumption(base.children, "import"),
        "holders_imported": Assumption(base.holders, "import"),
        "holders_loket": Assumption(loket_cards, "loket"),
        "working_days": Assumption(days, "calendar"),
    }

    def pick(name: str, measured_value, default, measured_note: str = "", measurable: bool = False) -> None:
        given = _override(overrides, name)
        if given is not None:
            a[name] = Assumption(given, "override" if measured_value is not None else "input")
        elif measured_value is not None:
            a[name] = Assumption(measured_value, "measured", measured_note)
        else:
            a[name] = Assumption(default, "default", "belum ada data terukur" if measurable else "")

    kia_minutes = measured.minutes_by_service.get(KIA)
    pick(
        "minutes_per_case",
        kia_minutes[0] if kia_minutes else None,
        planning.DEFAULT_MINUTES_PER_CASE,
        f"median {kia_minutes[1]} pemeriksaan, {MEASURE_DAYS} hari terakhir" if kia_minutes else "",
        measurable=True,
    )
    pick(
        "corrections_per_case",
        measured.corrections_per_case,
        planning.DEFAULT_CORRECTIONS_PER_CASE,
        f"{measured.decisions} keputusan, {MEASURE_DAYS} hari terakhir",
        measurable=True,
    )
    pick(
        "complete_share",
        measured.complete_share,
        planning.DEFAULT_COMPLETE_SHARE,
        f"{measured.received} permohonan, {MEASURE_DAYS} hari terakhir",
        measurable=True,
    )
    pick("officer_minutes_per_day", None, planning.DEFAULT_OFFICER_MINUTES_PER_DAY)
    pick("utilisation", None, planning.DEFAULT_UTILISATION)
    capacity, capacity_source = kia_session_capacity()
    pick("session_capacity", None, capacity)
    if a["session_capacity"].source == "default":
        a["session_capacity"].source = capacity_source
    pick("sessions_per_day", None, planning.DEFAULT_SESSIONS_PER_DAY)
    pick("printing_capacity", None, settings.LOKET_PRINTING_PER_DAY)
    if a["printing_capacity"].source == "default":
        a["printing_capacity"].source = "setting"
    pick("officers_available", None, kia_officers())
    if a["officers_available"].source == "default":
        a["officers_available"].source = "database"

    # Each value has the kind OVERRIDES names (parsed so, or a measured figure or a default
    # of that kind); an Assumption holds any kind, so the type checker takes this on trust.
    chosen: dict[str, Any] = {name: a[name].value for name in OVERRIDES}
    inputs = planning.PlanInputs(
        target_percent=target_percent,
        children=base.children,
        holders_imported=base.holders,
        holders_loket=loket_cards,
        working_days=days,
        **chosen,
    )
    result = planning.plan(inputs)
    return PlanResult(base, today, by, result, a, kecamatan_rows(result, kodes), measured)


def kecamatan_rows(result: planning.Plan, kodes: set[str] | None = None) -> list[KecamatanRow]:
    """Per kecamatan (its newest table plus Loket's cards): its gap and its contribution,
    computed over the whole regency, then limited to `kodes`."""
    current = figures.current_coverage()
    areas = [
        planning.KecamatanGap(c.line.kode_kecamatan, c.line.kecamatan, c.line.anak, c.line.pemilik_kia)
        for c in current
    ]
    shares = planning.kecamatan_shares(result.cards_needed, result.inputs.target_percent, areas)
    rows = []
    for c, area in zip(current, areas, strict=True):
        if kodes is not None and area.kode not in kodes:
            continue
        gap, contribution = shares.get(area.kode, (area.gap(result.inputs.target_percent), 0))
        rows.append(
            KecamatanRow(area.kode, area.name, c.period, area.children, area.holders, gap, contribution)
        )
    rows.sort(key=lambda r: (-r.contribution, r.kode))
    return rows


# --- plain values for JSON and CSV (dot decimals) ----------------------------------------
def plain(value) -> object:
    """An exact value as JSON would carry it: ints stay ints, fractions become Decimals
    with at most four places (written with a dot), dates ISO."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001")).normalize()
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value))


def as_record(result: PlanResult) -> dict:
    """The contract of `loket plan capacity --json` (docs/planning.md)."""
    p = result.plan
    bottleneck = p.bottleneck
    return {
        "period": result.base.period,
        "children": p.inputs.children,
        "holders_imported": p.inputs.holders_imported,
        "holders_loket": p.inputs.holders_loket,
        "holders": p.inputs.holders,
        "target": plain(p.inputs.target_percent),
        "today": result.today.isoformat(),
        "by": result.by.isoformat(),
        "cards_needed": p.cards_needed,
        "working_days": p.inputs.working_days,
        "cards_per_working_day": p.cards_per_working_day,
        "officer_minutes_per_day": plain(p.officer_minutes_per_day_needed),
        "officers": p.officers,
        "counter_sessions_per_day": p.counter_sessions_per_day,
        "printing_per_day": p.printing_per_day,
        "bottleneck": bottleneck.key if bottleneck else None,
        "capacity": {
            r.key: {"needed": r.needed, "available": r.available, "load": plain(r.load)} for r in p.resources
        },
        "assumptions": {
            name: {
                "value": plain(item.value),
                "source": item.source,
                **({"note": item.note} if item.note else {}),
            }
            for name, item in result.assumptions.items()
        },
        "kecamatan": [
            {
                "kode_kecamatan": r.kode,
                "kecamatan": r.name,
                "periode": r.period,
                "gap": r.gap,
                "cards": r.contribution,
            }
            for r in result.kecamatan
        ],
    }
