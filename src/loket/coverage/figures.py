"""Coverage figures as the dashboards and the report show them.

Coverage now = holders at the last per-kecamatan import + KIA cards collected through
Loket since that import, per kecamatan, over the children of that import.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from loket.cases.models import CaseEvent, State
from loket.coverage.models import Finding, KecamatanFigure, RegencyFigure, Review, ServiceDay
from loket.domain import coverage as domain
from loket.domain.regions import office_regions
from loket.scheduling.office import office_calendar

KIA = "KIA"


def regency_name() -> str:
    regions = office_regions()
    return regions.regency.nama if regions.regency else settings.LOKET_REGION_CODE


def kecamatan_names() -> dict[str, str]:
    return {p.kode: p.nama for p in office_regions().kecamatan}


def collected_since(since: dt.datetime, kodes: set[str] | None = None) -> dict[str, int]:
    """KIA cards collected through Loket from `since` on, per kecamatan.

    Whole local days after `since` come from the daily aggregate; the day of `since`
    itself is counted from the events, so a card collected before the import that day
    is not counted twice.
    """
    day = timezone.localdate(since)
    counts: dict[str, int] = defaultdict(int)
    rows = ServiceDay.objects.filter(service=KIA, day__gt=day, collected__gt=0)
    if kodes is not None:
        rows = rows.filter(kode_kecamatan__in=kodes)
    for kode, n in (
        rows.values_list("kode_kecamatan").annotate(n=Sum("collected")).values_list("kode_kecamatan", "n")
    ):
        counts[kode] += n
    next_midnight = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    boundary = CaseEvent.objects.filter(
        to_state=State.COLLECTED,
        case__service=KIA,
        case__state=State.COLLECTED,
        case__state_changed_at__gte=since,
        at__gte=since,
        at__lt=next_midnight,
    )
    if kodes is not None:
        boundary = boundary.filter(case__kode_kecamatan__in=kodes)
    for kode in boundary.values_list("case__kode_kecamatan", flat=True):
        counts[kode] += 1
    return dict(counts)


@dataclass
class KecamatanCoverage:
    line: domain.CoverageLine
    period: str
    holders_at_import: int
    collected: int
    imported_at: dt.datetime
    review: str


def current_coverage(kodes: AbstractSet[str] | None = None) -> list[KecamatanCoverage]:
    """Per kecamatan (within `kodes` when given), its latest imported period plus cards since."""
    figures = (
        KecamatanFigure.objects.filter(is_total=False)
        .exclude(kode_kecamatan="")
        .exclude(anak=None)
        .exclude(kia=None)
        .select_related("source_import")
    )
    if kodes is not None:
        figures = figures.filter(kode_kecamatan__in=kodes)
    latest: dict[str, list[KecamatanFigure]] = {}
    for figure in figures:
        held = latest.get(figure.kode_kecamatan)
        if held is None or domain.period_key(figure.period) > domain.period_key(held[0].period):
            latest[figure.kode_kecamatan] = [figure]
        elif figure.period == held[0].period:
            held.append(figure)  # a kecamatan written twice in one table: both rows count
    by_import: dict[int, tuple[dt.datetime, set[str]]] = {}
    for kode, group in latest.items():
        imp = group[0].source_import
        by_import.setdefault(imp.pk, (imp.imported_at, set()))[1].add(kode)
    collected: dict[str, int] = {}
    for imported_at, group_kodes in by_import.values():
        for kode, n in collected_since(imported_at, group_kodes).items():
            collected[kode] = collected.get(kode, 0) + n
    names = kecamatan_names()
    out = []
    for kode in sorted(latest):
        group = latest[kode]
        # (`or 0` for the type checker only: figures without both numbers are left out above)
        children = sum(f.anak or 0 for f in group)
        holders = sum(f.kia or 0 for f in group)
        cards = collected.get(kode, 0)
        out.append(
            KecamatanCoverage(
                domain.CoverageLine(kode, names.get(kode, group[0].name), children, holders + cards),
                group[0].period,
                holders,
                cards,
                group[0].source_import.imported_at,
                Review.EXCLUDED if any(f.review == Review.EXCLUDED for f in group) else group[0].review,
            )
        )
    domain.rank_by_coverage([c.line for c in out])
    return out


def report_lines(kodes: set[str] | None = None) -> list[domain.CoverageLine]:
    """The `loket coverage report` rows: kecamatan in code order, then the regency row."""
    lines = [c.line for c in current_coverage(kodes)]
    return [*lines, domain.regency_line(settings.LOKET_REGION_CODE, regency_name(), lines)]


# --- trend -------------------------------------------------------------------------------
@dataclass
class TrendPoint:
    period: str
    date: dt.date
    children: int
    holders: int
    percent: Decimal
    printed_percent: Decimal | None
    source: str  # history | kecamatan
    flags: list[str]
    review: str
    imported_at: dt.datetime | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.flags) and self.review != Review.ACCEPTED


def trend_points(include_excluded: bool = False) -> list[TrendPoint]:
    """The regency series per semester: the history, completed by per-kecamatan table totals."""
    flags: dict[str, list[str]] = defaultdict(list)
    live_imports = set(RegencyFigure.objects.values_list("source_import_id", flat=True)) | set(
        KecamatanFigure.objects.values_list("source_import_id", flat=True)
    )
    for period, code, message in Finding.objects.filter(
        source_import_id__in=live_imports, kode_kecamatan=""
    ).values_list("period", "code", "message"):
        if period:
            flags[period].append(f"{code}: {message}")
    points: dict[str, TrendPoint] = {}
    for f in RegencyFigure.objects.exclude(anak=None).exclude(kia=None).select_related("source_import"):
        if f.review == Review.EXCLUDED and not include_excluded:
            continue
        assert f.anak is not None and f.kia is not None  # left out by the query
        points[f.period] = TrendPoint(
            f.period,
            domain.period_end(f.period),
            f.anak,
            f.kia,
            domain.percent(f.kia, f.anak),
            f.printed_percent,
            "history",
            flags.get(f.period, []),
            f.review,
            f.source_import.imported_at,
        )
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    excluded: set[str] = set()
    imported: dict[str, dt.datetime] = {}
    for k in (
        KecamatanFigure.objects.filter(is_total=False)
        .exclude(anak=None)
        .exclude(kia=None)
        .select_related("source_import")
    ):
        assert k.anak is not None and k.kia is not None  # left out by the query
        sums[k.period][0] += k.anak
        sums[k.period][1] += k.kia
        imported[k.period] = max(
            imported.get(k.period, k.source_import.imported_at), k.source_import.imported_at
        )
        if k.review == Review.EXCLUDED:
            excluded.add(k.period)
    for period, (children, holders) in sums.items():
        if period in points or (period in excluded and not include_excluded):
            continue
        points[period] = TrendPoint(
            period,
            domain.period_end(period),
            children,
            holders,
            domain.percent(holders, children),
            None,
            "kecamatan",
            flags.get(period, []),
            "",
            imported.get(period),
        )
    return [points[p] for p in sorted(points, key=domain.period_key)]


def targets() -> dict[int, Decimal]:
    return {int(y): Decimal(str(v)) for y, v in sorted(settings.LOKET_COVERAGE_TARGETS.items())}


def next_target(today: dt.date) -> tuple[int, Decimal] | None:
    items = targets()
    upcoming = [(y, v) for y, v in items.items() if y >= today.year]
    if upcoming:
        return upcoming[0]
    return max(items.items()) if items else None


@dataclass
class ProjectionView:
    projection: domain.Projection
    base_period: str
    base_date: dt.date
    target_year: int
    rate_basis: str
    loket_monthly: float
    today: dt.date | None = None
    holders_loket: int = 0  # cards collected through Loket since the base period's import
    imported_at: dt.datetime | None = None
    by_date: dt.date | None = None  # the date the user chose (or the default)
    working_days: int | None = None  # office working days after today through by_date
    needed_per_working_day: int | None = None  # ceil(gap / working_days)
    needed_monthly: int | None = None  # ceil(gap / months from today to by_date)

    @property
    def target_end(self) -> dt.date:
        return dt.date(self.target_year, 12, 31)

    @property
    def missed(self) -> bool:
        """The target's year is over and the newest figure is below it."""
        return self.today is not None and self.target_end < self.today and self.projection.gap > 0

    @property
    def reached_in_the_past(self) -> bool:
        """The trend's date lies before today: newer data would tell; the page says so."""
        reached = self.projection.reached_on
        return (
            reached is not None
            and self.today is not None
            and reached <= self.today
            and self.projection.gap > 0
        )

    @property
    def needed_vs_trend(self) -> float | None:
        """How many times the recent trend's monthly rate the needed rate is."""
        if self.needed_monthly is None or self.projection.monthly_rate <= 0:
            return None
        return self.needed_monthly / self.projection.monthly_rate


def default_by_date(target_year: int, today: dt.date) -> dt.date:
    """The target's own year end while it lies ahead, otherwise the end of next year."""
    end = dt.date(target_year, 12, 31)
    return end if end > today else dt.date(today.year + 1, 12, 31)


def loket_monthly_rate(days: int = 90, today: dt.date | None = None) -> float:
    """KIA cards collected through Loket per month, over the last `days` days."""
    today = today or timezone.localdate()
    n = ServiceDay.objects.filter(
        service=KIA, day__gt=today - dt.timedelta(days=days), day__lte=today
    ).aggregate(n=Sum("collected"))["n"]
    return (n or 0) / (days / 30.4375)


def projection_view(
    target_year: int | None = None, by_date: dt.date | None = None, today: dt.date | None = None
) -> ProjectionView | None:
    """From the latest semester of the series, at the register's recent monthly rate
    (between the last two unflagged semesters), when is the target reached."""
    working_days_between = office_calendar().working_days_after
    today = today or timezone.localdate()
    points = trend_points()
    if not points:
        return None
    last = points[-1]
    usable = [p for p in points if not p.flagged]
    loket_rate = loket_monthly_rate(today=today)
    if len(usable) >= 2:
        rate = domain.monthly_rate_between(
            (usable[-2].date, usable[-2].holders), (usable[-1].date, usable[-1].holders)
        )
        basis = f"kenaikan pemilik KIA {usable[-2].period} ke {usable[-1].period}"
    else:
        rate, basis = loket_rate, "kartu yang diambil lewat Loket, 90 hari terakhir"
    all_targets = targets()
    if target_year is None or target_year not in all_targets:
        chosen = next_target(today)
        if chosen is None:
            return None
        target_year = chosen[0]
    # Cards handed over through Loket since the newest figure's import count, as in the headline.
    loket_cards = sum(collected_since(last.imported_at).values()) if last.imported_at else 0
    projection = domain.project(
        last.holders + loket_cards,
        last.children,
        all_targets[target_year],
        rate,
        last.date,
    )
    view = ProjectionView(
        projection,
        last.period,
        last.date,
        target_year,
        basis,
        loket_rate,
        today,
        loket_cards,
        last.imported_at,
    )
    view.by_date = by_date or default_by_date(target_year, today)
    if view.by_date > today:
        # The rate needed counts from today, not from the semester's cut-off.
        view.working_days = working_days_between(today, view.by_date)
        projection.by_date, projection.working_days = view.by_date, view.working_days
        if view.working_days > 0:
            view.needed_per_working_day = -(-projection.gap // view.working_days)
            projection.cards_per_working_day = projection.gap / view.working_days
        months = (view.by_date - today).days / 30.4375
        view.needed_monthly = int(math.ceil(projection.gap / months))
    return view


# --- the one current figure, with its date ------------------------------------------------
def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` (0 when later is not after)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def plus_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (the month's last day when shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(
        day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1),
        following - dt.timedelta(days=1),
    )


def cards_for(target_percent: Decimal, children: int) -> int:
    """Holders needed for a target: ceil(target x children / 100), in integers."""
    numerator = int(target_percent * 100) * children
    return -(-numerator // 10000)


@dataclass
class Gap:
    year: int
    percent: Decimal
    cards: int
    points: Decimal
    missed: bool  # the target's year is over and it was not reached


@dataclass
class CoverageTruth:
    """The headline's coverage: the newest figure, its period, when it was imported.

    For the whole regency this is the newest regency point (history or a per-kecamatan
    table total) plus the KIA cards collected through Loket since its import; for an
    area account, the sum of its kecamatan's latest tables (there is no area history).
    """

    period: str
    imported_at: dt.datetime | None
    children: int
    holders_imported: int
    holders_loket: int
    kecamatan_periods: list[str]  # the periods behind the per-kecamatan table (oldest first)
    stale: bool
    age_months: int
    gap: Gap | None
    source: str  # regency | kecamatan

    @property
    def holders(self) -> int:
        return self.holders_imported + self.holders_loket

    @property
    def percent(self) -> Decimal:
        return domain.percent(self.holders, self.children)

    @property
    def kecamatan_older(self) -> bool:
        """The per-kecamatan table is older than the headline's figure."""
        return bool(self.kecamatan_periods) and domain.period_key(
            self.kecamatan_periods[0]
        ) < domain.period_key(self.period)


def coverage_truth(
    kodes: set[str] | None = None,
    current: list[KecamatanCoverage] | None = None,
    today: dt.date | None = None,
) -> CoverageTruth | None:
    today = today or timezone.localdate()
    current = current_coverage(kodes) if current is None else current
    kecamatan_periods = sorted({c.period for c in current}, key=domain.period_key)
    newest = None
    if kodes is None:
        points = trend_points()
        newest = points[-1] if points else None
    if newest is not None and newest.imported_at is not None:
        period, imported_at, source = newest.period, newest.imported_at, "regency"
        children, holders = newest.children, newest.holders
        loket = sum(collected_since(imported_at).values())
    elif current:
        lines = [c.line for c in current]
        period, source = kecamatan_periods[-1], "kecamatan"
        imported_at = max(c.imported_at for c in current)
        children = sum(line.anak for line in lines)
        holders = sum(c.holders_at_import for c in current)
        loket = sum(c.collected for c in current)
    else:
        return None
    age = months_between(domain.period_end(period), today)
    truth = CoverageTruth(
        period,
        imported_at,
        children,
        holders,
        loket,
        kecamatan_periods,
        today > plus_months(domain.period_end(period), settings.LOKET_COVERAGE_STALE_MONTHS),
        age,
        None,
        source,
    )
    target = next_target(today)
    if target is not None:
        year, value = target
        truth.gap = Gap(
            year,
            value,
            max(cards_for(value, children) - truth.holders, 0),
            max(value - truth.percent, Decimal("0.00")),
            dt.date(year, 12, 31) < today and truth.percent < value,
        )
    return truth
