"""The capacity plan for people, in Bahasa Indonesia with Indonesian numbers
(904.154; 0,75): the command's summary and the page's formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from loket.coverage.planner import DESCRIPTIONS, SOURCE_LABELS, PlanResult
from loket.domain.calendar import long_date
from loket.domain.coverage import fmt_int


def fmt_number(value: object, places: int = 2, fixed: bool = False) -> str:
    """Integers with thousands dots, fractions with a decimal comma (at most `places`, or
    exactly `places` when `fixed`, integers too)."""
    if isinstance(value, bool) or value is None:
        return "–"
    if isinstance(value, Fraction) and value.denominator == 1:
        value = value.numerator
    if isinstance(value, int) and not fixed:
        return fmt_int(value)
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, Decimal):
        text = f"{value:,.{places}f}"
        if not fixed and "." in text:
            text = text.rstrip("0").rstrip(".")
        whole, _, frac = text.partition(".")
        whole = whole.replace(",", ".")
        return f"{whole},{frac}" if frac else whole
    if isinstance(value, dt.date):
        return fmt_date(value)
    return str(value)


def fmt_date(day: dt.date) -> str:
    return long_date(day, weekday=False)


def assumption_rows(result: PlanResult) -> list[dict]:
    return [
        {
            "key": name,
            "label": DESCRIPTIONS.get(name, name),
            "value": fmt_number(item.value),
            "source": SOURCE_LABELS.get(item.source, item.source),
            "note": item.note,
            "is_default": item.source == "default",
        }
        for name, item in result.assumptions.items()
    ]


def summary(result: PlanResult) -> str:
    p = result.plan
    i = p.inputs
    lines = [
        f"Rencana kapasitas KIA: target {fmt_number(i.target_percent)}% paling lambat {fmt_date(result.by)}",
        f"Angka kabupaten terbaru: periode {result.base.period}, {fmt_int(i.children)} anak, "
        f"{fmt_int(i.holders_imported)} pemilik KIA menurut data impor",
        f"  ditambah {fmt_int(i.holders_loket)} kartu yang diserahkan lewat Loket sejak impor "
        f"= {fmt_int(i.holders)} pemilik KIA",
        f"Kartu yang masih dibutuhkan: {fmt_int(p.cards_needed)}",
        f"Hari kerja dari {fmt_date(result.today + dt.timedelta(days=1))} sampai {fmt_date(result.by)}: "
        f"{fmt_int(i.working_days)}",
        f"Kartu per hari kerja: {fmt_int(p.cards_per_working_day)}",
        f"Petugas verifikasi dibutuhkan: {fmt_int(p.officers)} (ada {fmt_int(i.officers_available)}; "
        f"{fmt_number(p.officer_minutes_per_day_needed)} menit kerja per hari pada utilisasi "
        f"{fmt_number(i.utilisation)})",
        f"Sesi loket per hari dibutuhkan: {fmt_int(p.counter_sessions_per_day)} (ada {fmt_int(i.sessions_per_day)}, "
        f"{fmt_int(i.session_capacity)} orang per sesi)",
        f"Kartu dicetak per hari dibutuhkan: {fmt_int(p.printing_per_day)} (kapasitas {fmt_int(i.printing_capacity)})",
    ]
    bottleneck = p.bottleneck
    if bottleneck is None:
        lines.append("Target sudah tercapai: tidak ada kartu yang masih dibutuhkan.")
    else:
        lines.append(
            f"Hambatan utama: {bottleneck.label} (butuh {fmt_int(bottleneck.needed)}, ada {fmt_int(bottleneck.available)})"
        )
    lines.append("")
    lines.append("Asumsi:")
    for row in assumption_rows(result):
        note = f"; {row['note']}" if row["note"] else ""
        lines.append(f"  {row['label']}: {row['value']} ({row['source']}{note})")
    if result.kecamatan:
        lines.append("")
        lines.append("Kartu per kecamatan (sebanding dengan kekurangannya):")
        for r in result.kecamatan:
            lines.append(f"  {r.name}: {fmt_int(r.contribution)} (kurang {fmt_int(r.gap)}, data {r.period})")
    return "\n".join(lines)
