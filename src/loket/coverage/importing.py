"""Import of coverage tables: read, check, store exactly as read, record the findings.

Findings never stop an import and never change a number. Importing a period again
replaces that period's current figures; the earlier import (file, findings) stays.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from loket.coverage.models import CoverageImport, Finding, KecamatanFigure, RegencyFigure
from loket.domain import coverage as domain
from loket.domain.regions import office_regions

KECAMATAN_PREFIX = re.compile(r"^\s*kec(amatan)?\b\.?\s*", re.IGNORECASE)


class ImportRefused(Exception):
    """The file could not be read as a coverage table (nothing was stored)."""


@dataclass
class ImportResult:
    layout: str
    findings: list[domain.Finding] = field(default_factory=list)
    record: CoverageImport | None = None  # None for a preview
    kecamatan_rows: list[domain.KecamatanRow] = field(default_factory=list)
    history_rows: list[domain.HistoryRow] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)


def match_kecamatan(name: str) -> domain.KecamatanMatch:
    """The intake's tolerance: case, spacing, aliases, truncation, small typos; never a guess."""
    regions = office_regions()
    found = regions.match_kecamatan(name)
    bare = KECAMATAN_PREFIX.sub("", name)
    if found.place is None and bare != name:
        found = regions.match_kecamatan(bare)  # "Kecamatan Tigaraksa", "Kec. Cikupa"
    if found.place is not None:
        return domain.KecamatanMatch(found.place.kode)
    return domain.KecamatanMatch(None, tuple(f"{p.nama} ({p.kode})" for p in found.candidates))


def jump_threshold() -> Decimal:
    return Decimal(str(settings.LOKET_COVERAGE_JUMP_POINTS))


def import_table(
    content: bytes,
    file_name: str,
    *,
    period: str | None = None,
    user=None,
    source: str = "cli",
    preview: bool = False,
) -> ImportResult:
    """Read, check and (unless previewing) store one CSV or XLSX file."""
    try:
        table = domain.read_table(content, file_name)
    except domain.TableError as exc:
        raise ImportRefused(str(exc)) from exc
    kecamatan_period = ""  # the period a per-kecamatan table is about (a history names its own)
    if table.layout == domain.KECAMATAN_LAYOUT:
        if not period:
            raise ImportRefused("Tabel per kecamatan perlu periodenya, misalnya --period 2020-S2.")
        try:
            kecamatan_period = domain.parse_period(period)
        except ValueError as exc:
            raise ImportRefused(str(exc)) from exc

    with transaction.atomic():
        record = CoverageImport.objects.create(
            layout=table.layout,
            period=kecamatan_period,
            file_name=file_name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            rows=len(table.rows),
            imported_by=user if getattr(user, "is_authenticated", False) else None,
            source=source,
        )
        if table.layout == domain.KECAMATAN_LAYOUT:
            result = _import_kecamatan(record, table, kecamatan_period)
        else:
            result = _import_history(record, table)
        record.findings_count = len(result.findings)
        record.save(update_fields=["findings_count"])
        Finding.objects.bulk_create(
            Finding(
                source_import=record,
                row=f.row,
                kode_kecamatan=f.kode_kecamatan or "",
                period=f.period or "",
                code=f.check,
                message=f.message,
            )
            for f in result.findings
        )
        if preview:
            transaction.set_rollback(True)
        else:
            result.record = record
    return result


def _import_kecamatan(record: CoverageImport, table: domain.RawTable, period: str) -> ImportResult:
    checked = domain.check_kecamatan_table(table, period, match_kecamatan)
    findings = checked.findings
    KecamatanFigure.objects.filter(period=period).delete()
    KecamatanFigure.objects.bulk_create(
        KecamatanFigure(
            source_import=record,
            period=period,
            row=r.row,
            name=r.name[:100],
            kode_kecamatan=r.kode_kecamatan or "",
            anak_l=r.anak_l,
            anak_p=r.anak_p,
            anak=r.anak,
            kia_l=r.kia_l,
            kia_p=r.kia_p,
            kia=r.kia,
            tanpa_kia=r.tanpa_kia,
            printed_percent=r.printed_percent,
            is_total=r.is_total,
        )
        for r in checked.kecamatan_rows
    )
    threshold = jump_threshold()
    key = domain.period_key(period)
    for r in checked.kecamatan_rows:
        if r.is_total or not r.kode_kecamatan or r.anak is None or r.kia is None:
            continue  # (r.complete, spelt out so the type checker sees both numbers)
        others = {  # period -> coverage in percent
            f.period: domain.percent(f.kia, f.anak)
            for f in KecamatanFigure.objects.filter(kode_kecamatan=r.kode_kecamatan, is_total=False)
            .exclude(period=period)
            .exclude(anak=None)
            .exclude(kia=None)
            if f.kia is not None and f.anak is not None
        }
        earlier = [p for p in others if domain.period_key(p) < key]
        later = [p for p in others if domain.period_key(p) > key]
        where = f"kecamatan {r.name}"
        now = domain.percent(r.kia, r.anak)
        if earlier:
            before = max(earlier, key=domain.period_key)
            found = domain.jump_finding(
                r.row,
                r.kode_kecamatan,
                period,
                before,
                others[before],
                now,
                threshold,
                where,
            )
            if found:
                findings.append(found)
        if later:
            after = min(later, key=domain.period_key)
            found = domain.jump_finding(
                r.row,
                r.kode_kecamatan,
                after,
                period,
                now,
                others[after],
                threshold,
                where,
            )
            if found:
                findings.append(found)
    children = table_children(period)
    history = {
        p: n
        for p, n in RegencyFigure.objects.exclude(anak=None).values_list("period", "anak")
        if n is not None
    }
    if children is not None and period in history:
        found = domain.denominator_finding(None, period, children, history[period], history)
        if found:
            findings.append(found)
    findings.sort(key=lambda f: (f.row is None, f.row or 0))
    return ImportResult(
        domain.KECAMATAN_LAYOUT, findings, kecamatan_rows=checked.kecamatan_rows, periods=[period]
    )


def table_children(period: str) -> int | None:
    rows = list(KecamatanFigure.objects.filter(period=period, is_total=False).values_list("anak", flat=True))
    if not rows:
        return None
    return sum(n or 0 for n in rows)


def _import_history(record: CoverageImport, table: domain.RawTable) -> ImportResult:
    checked = domain.check_history_table(table)
    findings = checked.findings
    in_file = [(r.period, r) for r in checked.history_rows if r.period]  # (period, row)
    periods = sorted({p for p, _ in in_file}, key=domain.period_key)
    RegencyFigure.objects.filter(period__in=periods).delete()
    RegencyFigure.objects.bulk_create(
        RegencyFigure(
            source_import=record,
            period=p,
            row=r.row,
            anak=r.anak,
            kia=r.kia,
            tanpa_kia=r.tanpa_kia,
            printed_percent=r.printed_percent,
        )
        for p, r in in_file
    )
    series: dict[str, tuple[int, int, int | None]] = {}  # period -> (children, holders, row in this file)
    for f in RegencyFigure.objects.exclude(anak=None).exclude(kia=None):
        assert f.anak is not None and f.kia is not None  # left out by the query
        series[f.period] = (f.anak, f.kia, f.row if f.source_import_id == record.pk else None)
    ordered = sorted(series, key=domain.period_key)
    threshold = jump_threshold()
    row_of = {p: r.row for p, r in in_file}
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before not in row_of and after not in row_of:
            continue  # both from earlier imports: reported then
        found = domain.jump_finding(
            row_of.get(after, row_of.get(before)),
            None,
            after,
            before,
            domain.percent(series[before][1], series[before][0]),
            domain.percent(series[after][1], series[after][0]),
            threshold,
            "kabupaten",
        )
        if found:
            findings.append(found)
    history = {p: v[0] for p, v in series.items()}
    for p, r in in_file:
        if r.anak is None:
            continue
        children = table_children(p)
        if children is not None:
            found = domain.denominator_finding(r.row, p, children, r.anak, history)
            if found:
                findings.append(found)
    findings.sort(key=lambda f: (f.row is None, f.row or 0))
    return ImportResult(domain.HISTORY_LAYOUT, findings, history_rows=checked.history_rows, periods=periods)
