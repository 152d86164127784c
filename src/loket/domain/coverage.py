"""KIA coverage: reading the register's aggregate tables, checking them, ranking, projecting.

Pure domain code: no Django. The import checks never change a number: they describe what
looks wrong (`Finding`) and the caller stores the figures exactly as read.

Two table layouts are understood (column names compared case- and space-insensitively):
- per kecamatan, one period: kecamatan, [kode_kecamatan], anak_l, anak_p, anak_total,
  kia_l, kia_p, kia_total, [tanpa_kia], [persen]
- regency history, many periods: periode, wajib_kia, sudah_memiliki, belum_memiliki, [persen]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PERIOD_RE = re.compile(r"^(\d{4})-S([12])$")

# Codes of the import checks (the command contract of `loket coverage import`).
SUM_MISMATCH = "sum_mismatch"
PERCENT_MISMATCH = "percent_mismatch"
UNKNOWN_KECAMATAN = "unknown_kecamatan"
JUMP = "jump"
DENOMINATOR_CONFLICT = "denominator_conflict"
COUNT_MISMATCH = "count_mismatch"
UNREADABLE_VALUE = "unreadable_value"
CHECK_CODES = (
    SUM_MISMATCH,
    PERCENT_MISMATCH,
    UNKNOWN_KECAMATAN,
    JUMP,
    DENOMINATOR_CONFLICT,
    COUNT_MISMATCH,
    UNREADABLE_VALUE,
)

KECAMATAN_LAYOUT = "kecamatan"
HISTORY_LAYOUT = "history"

TOTAL_ROW_NAMES = {"TOTAL", "JUMLAH", "KABUPATEN", "JUMLAHTOTAL"}

_KECAMATAN_COLUMNS = ("kecamatan", "anak_l", "anak_p", "anak_total", "kia_l", "kia_p", "kia_total")
_HISTORY_COLUMNS = ("periode", "wajib_kia", "sudah_memiliki", "belum_memiliki")
_COLUMN_ALIASES = {
    "periode": "periode",
    "period": "periode",
    "semester": "periode",
    "persen": "persen",
    "percent": "persen",
    "%": "persen",
    "cakupan": "persen",
    "cakupan_persen": "persen",
    "tanpa_kia": "tanpa_kia",
    "belum_kia": "tanpa_kia",
    "kode": "kode_kecamatan",
}


class TableError(ValueError):
    """The file cannot be read as a coverage table at all (message fit for an officer)."""


# --- periods -----------------------------------------------------------------------
def parse_period(text: str) -> str:
    """'2020-S2' (also '2020-s2', '2020 S2', 'S2-2020') -> '2020-S2'; ValueError otherwise."""
    cleaned = re.sub(r"[\s_/]+", "-", (text or "").strip().upper())
    swapped = re.match(r"^S([12])-(\d{4})$", cleaned)
    if swapped:
        cleaned = f"{swapped.group(2)}-S{swapped.group(1)}"
    if not PERIOD_RE.match(cleaned):
        raise ValueError(
            f"Periode '{text}' tidak dikenali; tulis seperti 2020-S2 (tahun, semester 1 atau 2)."
        )
    return cleaned


def period_key(period: str) -> tuple[int, int]:
    match = PERIOD_RE.match(period)
    if not match:
        raise ValueError(period)
    return int(match.group(1)), int(match.group(2))


def period_end(period: str) -> dt.date:
    """The cut-off date of a DKB semester: 30 June or 31 December."""
    year, half = period_key(period)
    return dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


def previous_period(period: str) -> str:
    year, half = period_key(period)
    return f"{year}-S1" if half == 2 else f"{year - 1}-S2"


def next_period(period: str) -> str:
    year, half = period_key(period)
    return f"{year}-S2" if half == 1 else f"{year + 1}-S1"


# --- numbers -----------------------------------------------------------------------
def percent(part: int, whole: int) -> Decimal:
    """Coverage in percent, two decimals, rounded half up (0 when there are no children)."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_count(value: object) -> int:
    """A count as printed: 35129, '35.129', '35,129', '35 129', 35129.0 -> 35129."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != int(value):
            raise ValueError(value)
        return int(value)
    text = str(value or "").strip().replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}([., ]\d{3})+", text):
        return int(re.sub(r"[., ]", "", text))
    if re.fullmatch(r"\d+", text):
        return int(text)
    raise ValueError(value)


def parse_percent(value: object) -> Decimal:
    """A printed percentage: '27.19%', '27,19', 27.19 -> Decimal('27.19') (as many decimals as printed)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value or "").strip().rstrip("%").strip().replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise ValueError(value)
    return Decimal(text)


def percent_matches(printed: Decimal, part: int, whole: int) -> bool:
    """True when the printed percentage is the computed one, allowing for its rounding."""
    if not whole:
        return printed == 0
    computed = Decimal(part) * 100 / Decimal(whole)
    exponent = printed.as_tuple().exponent  # an int for every finite number
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    tolerance = Decimal(5) / Decimal(10) ** (decimals + 1) + Decimal("1e-9")
    return abs(computed - printed) <= tolerance


def fmt_int(n: int) -> str:
    """Indonesian thousands dots for people (904.154); exports keep plain integers."""
    return f"{n:,}".replace(",", ".")


def fmt_pct(p: Decimal) -> str:
    return f"{p:.2f}".replace(".", ",")


# --- reading tables -----------------------------------------------------------------
def _column_name(header: object) -> str:
    name = re.sub(r"\s+", "_", str(header or "").strip().lower())
    return _COLUMN_ALIASES.get(name, name)


@dataclass
class RawTable:
    layout: str
    columns: list[str]
    rows: list[dict[str, object]]  # data rows in file order; row number = index + 1


def _blank(row: Iterable[object]) -> bool:
    return all(str(v).strip() == "" for v in row if v is not None)


def table_from_rows(rows: Sequence[Sequence[object]]) -> RawTable:
    """Decide the layout from the header row and keep the data rows (blank lines skipped)."""
    rows = [r for r in rows if r and not _blank(r)]
    if not rows:
        raise TableError("Berkas kosong: tidak ada baris judul kolom.")
    columns = [_column_name(h) for h in rows[0]]
    if all(c in columns for c in _KECAMATAN_COLUMNS):
        layout = KECAMATAN_LAYOUT
    elif all(c in columns for c in _HISTORY_COLUMNS):
        layout = HISTORY_LAYOUT
    else:
        raise TableError(
            "Kolom tidak dikenali. Tabel per kecamatan perlu kolom "
            + ", ".join(_KECAMATAN_COLUMNS)
            + "; tabel riwayat kabupaten perlu kolom "
            + ", ".join(_HISTORY_COLUMNS)
            + "."
        )
    data = []
    for raw in rows[1:]:
        values = list(raw) + [None] * (len(columns) - len(raw))
        data.append({c: v for c, v in zip(columns, values, strict=False) if c})
    return RawTable(layout, columns, data)


def read_csv_bytes(content: bytes) -> RawTable:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return table_from_rows(list(csv.reader(io.StringIO(text), dialect)))


def read_xlsx_bytes(content: bytes) -> RawTable:
    import openpyxl  # a plain library, not Django: fine in the domain

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"Berkas XLSX tidak dapat dibuka ({exc.__class__.__name__}).") from exc
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return table_from_rows(rows)


def read_table(content: bytes, filename: str) -> RawTable:
    """Read CSV or XLSX (decided by content, then by name)."""
    if content[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx_bytes(content)
    return read_csv_bytes(content)


# --- parsed rows and findings ---------------------------------------------------------
@dataclass
class Finding:
    row: int | None
    kode_kecamatan: str | None
    period: str | None
    check: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "kode_kecamatan": self.kode_kecamatan,
            "period": self.period,
            "check": self.check,
            "message": self.message,
        }


@dataclass
class KecamatanRow:
    row: int
    name: str  # as written
    kode_kecamatan: str | None
    anak_l: int | None
    anak_p: int | None
    anak: int | None
    kia_l: int | None
    kia_p: int | None
    kia: int | None
    tanpa_kia: int | None = None
    printed_percent: Decimal | None = None
    is_total: bool = False

    @property
    def complete(self) -> bool:
        return self.anak is not None and self.kia is not None


@dataclass
class HistoryRow:
    row: int
    period: str | None
    anak: int | None
    kia: int | None
    tanpa_kia: int | None
    printed_percent: Decimal | None = None
    period_text: str = ""

    @property
    def complete(self) -> bool:
        return self.period is not None and self.anak is not None and self.kia is not None


@dataclass
class KecamatanMatch:
    """What the region index says about a name: a code, or the candidates it could be."""

    kode: str | None
    candidates: tuple[str, ...] = ()


@dataclass
class CheckedTable:
    layout: str
    kecamatan_rows: list[KecamatanRow] = field(default_factory=list)
    history_rows: list[HistoryRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _count(
    row: Mapping[str, object],
    column: str,
    n: int,
    findings: list[Finding],
    period: str | None,
    kode: str | None,
) -> int | None:
    value = row.get(column)
    if value is None or str(value).strip() == "":
        return None
    try:
        return parse_count(value)
    except ValueError:
        findings.append(
            Finding(
                n, kode, period, UNREADABLE_VALUE, f"Kolom {column} berisi '{value}', bukan bilangan bulat."
            )
        )
        return None


def _printed_percent(
    row: Mapping[str, object], n: int, findings: list[Finding], period: str | None, kode: str | None
) -> Decimal | None:
    value = row.get("persen")
    if value is None or str(value).strip() == "":
        return None
    try:
        return parse_percent(value)
    except ValueError:
        findings.append(Finding(n, kode, period, UNREADABLE_VALUE, f"Kolom persen berisi '{value}'."))
        return None


def check_kecamatan_table(
    table: RawTable, period: str, match: Callable[[str], KecamatanMatch]
) -> CheckedTable:
    """Read and check a per-kecamatan table of one period (row-level checks only)."""
    out = CheckedTable(KECAMATAN_LAYOUT)
    findings = out.findings
    for index, raw in enumerate(table.rows):
        n = index + 1
        name = str(raw.get("kecamatan") or "").strip()
        is_total = re_total(name)
        kode = None
        if not is_total:
            found = match(name)
            kode = found.kode
            if kode is None:
                if found.candidates:
                    why = "bisa berarti " + " atau ".join(found.candidates)
                else:
                    why = "tidak ada di daftar kecamatan"
                findings.append(Finding(n, None, period, UNKNOWN_KECAMATAN, f"Kecamatan '{name}' {why}."))
        counts = {
            c: _count(raw, c, n, findings, period, kode)
            for c in ("anak_l", "anak_p", "anak_total", "kia_l", "kia_p", "kia_total", "tanpa_kia")
        }
        row = KecamatanRow(
            row=n,
            name=name,
            kode_kecamatan=kode,
            anak_l=counts["anak_l"],
            anak_p=counts["anak_p"],
            anak=counts["anak_total"],
            kia_l=counts["kia_l"],
            kia_p=counts["kia_p"],
            kia=counts["kia_total"],
            tanpa_kia=counts["tanpa_kia"],
            printed_percent=_printed_percent(raw, n, findings, period, kode),
            is_total=is_total,
        )
        label = "baris jumlah" if is_total else f"kecamatan '{name}'"
        for part_l, part_p, total, what in (
            (row.anak_l, row.anak_p, row.anak, "anak"),
            (row.kia_l, row.kia_p, row.kia, "pemilik KIA"),
        ):
            if part_l is not None and part_p is not None and total is not None and part_l + part_p != total:
                findings.append(
                    Finding(
                        n,
                        kode,
                        period,
                        SUM_MISMATCH,
                        f"{label.capitalize()}: {what} laki-laki {fmt_int(part_l)} + perempuan "
                        f"{fmt_int(part_p)} = {fmt_int(part_l + part_p)}, tetapi jumlahnya tertulis {fmt_int(total)}.",
                    )
                )
        _common_row_checks(
            row.row, kode, period, row.anak, row.kia, row.tanpa_kia, row.printed_percent, findings
        )
        out.kecamatan_rows.append(row)
    _check_total_row(out, period)
    return out


def re_total(name: str) -> bool:
    return re.sub(r"[^A-Z]", "", name.upper()) in TOTAL_ROW_NAMES


def _common_row_checks(
    n: int,
    kode: str | None,
    period: str | None,
    anak: int | None,
    kia: int | None,
    tanpa: int | None,
    printed: Decimal | None,
    findings: list[Finding],
) -> None:
    if anak is not None and kia is not None and tanpa is not None and kia + tanpa != anak:
        findings.append(
            Finding(
                n,
                kode,
                period,
                COUNT_MISMATCH,
                f"Pemilik KIA {fmt_int(kia)} + belum memiliki {fmt_int(tanpa)} = {fmt_int(kia + tanpa)}, "
                f"tetapi jumlah anak tertulis {fmt_int(anak)}.",
            )
        )
    if (
        printed is not None
        and anak is not None
        and kia is not None
        and not percent_matches(printed, kia, anak)
    ):
        findings.append(
            Finding(
                n,
                kode,
                period,
                PERCENT_MISMATCH,
                f"Persentase tertulis {printed}%, tetapi {fmt_int(kia)} / {fmt_int(anak)} = "
                f"{percent(kia, anak)}%.",
            )
        )


def _check_total_row(out: CheckedTable, period: str) -> None:
    """A printed total row is compared with the column sums (a column total mismatch)."""
    data = [r for r in out.kecamatan_rows if not r.is_total]
    for total in (r for r in out.kecamatan_rows if r.is_total):
        for attr, what in (
            ("anak_l", "anak laki-laki"),
            ("anak_p", "anak perempuan"),
            ("anak", "anak"),
            ("kia_l", "pemilik KIA laki-laki"),
            ("kia_p", "pemilik KIA perempuan"),
            ("kia", "pemilik KIA"),
        ):
            stated = getattr(total, attr)
            if stated is None:
                continue
            computed = sum(getattr(r, attr) or 0 for r in data)
            if computed != stated:
                out.findings.append(
                    Finding(
                        total.row,
                        None,
                        period,
                        SUM_MISMATCH,
                        f"Jumlah kolom {what} dari semua kecamatan {fmt_int(computed)}, "
                        f"tetapi baris jumlah menulis {fmt_int(stated)}.",
                    )
                )


def check_history_table(table: RawTable) -> CheckedTable:
    out = CheckedTable(HISTORY_LAYOUT)
    findings = out.findings
    for index, raw in enumerate(table.rows):
        n = index + 1
        text = str(raw.get("periode") or "").strip()
        try:
            period = parse_period(text)
        except ValueError as exc:
            period = None
            findings.append(Finding(n, None, None, UNREADABLE_VALUE, str(exc)))
        anak = _count(raw, "wajib_kia", n, findings, period, None)
        kia = _count(raw, "sudah_memiliki", n, findings, period, None)
        tanpa = _count(raw, "belum_memiliki", n, findings, period, None)
        printed = _printed_percent(raw, n, findings, period, None)
        row = HistoryRow(n, period, anak, kia, tanpa, printed, text)
        _common_row_checks(n, None, period, anak, kia, tanpa, printed, findings)
        out.history_rows.append(row)
    return out


# --- checks across periods and sources -----------------------------------------------
def jump_finding(
    row: int | None,
    kode: str | None,
    period: str,
    previous: str,
    before: Decimal,
    after: Decimal,
    threshold: Decimal,
    where: str,
) -> Finding | None:
    """A move of coverage beyond the threshold (percentage points), reported on the later period."""
    change = after - before
    if abs(change) <= threshold:
        return None
    verb = "naik" if change > 0 else "turun"
    return Finding(
        row,
        kode,
        period,
        JUMP,
        f"Cakupan {where} {verb} {abs(change):.2f} poin dari {before}% ({previous}) menjadi {after}% "
        f"({period}); batasnya {threshold} poin. Periksa angkanya sebelum dipakai.",
    )


def denominator_finding(
    row: int | None, period: str, table_children: int, history_children: int, other_periods: dict[str, int]
) -> Finding | None:
    """Children per period: per-kecamatan table total vs regency history."""
    if table_children == history_children:
        return None
    same_elsewhere = [p for p, n in sorted(other_periods.items()) if p != period and n == table_children]
    extra = (
        f" Angka {fmt_int(table_children)} sama dengan jumlah anak riwayat periode {', '.join(same_elsewhere)}."
        if same_elsewhere
        else ""
    )
    return Finding(
        row,
        None,
        period,
        DENOMINATOR_CONFLICT,
        f"Jumlah anak {period} berbeda: tabel per kecamatan {fmt_int(table_children)}, riwayat kabupaten "
        f"{fmt_int(history_children)} (selisih {fmt_int(abs(table_children - history_children))})." + extra,
    )


# --- report ---------------------------------------------------------------------------
@dataclass
class CoverageLine:
    kode_kecamatan: str
    kecamatan: str
    anak: int
    pemilik_kia: int
    rank: int | None = None

    @property
    def cakupan(self) -> Decimal:
        return percent(self.pemilik_kia, self.anak)

    @property
    def tanpa_kia(self) -> int:
        return max(self.anak - self.pemilik_kia, 0)


def rank_by_coverage(lines: list[CoverageLine]) -> list[CoverageLine]:
    """Rank 1 = highest coverage (two decimals, as printed); equal coverage shares a rank (1, 2, 2, 4)."""
    ordered = sorted(lines, key=lambda line: line.cakupan, reverse=True)
    previous, rank = None, 0
    for position, line in enumerate(ordered, start=1):
        if line.cakupan != previous:
            rank, previous = position, line.cakupan
        line.rank = rank
    return lines


def regency_line(regency_code: str, regency_name: str, lines: list[CoverageLine]) -> CoverageLine:
    return CoverageLine(
        regency_code,
        regency_name,
        sum(line.anak for line in lines),
        sum(line.pemilik_kia for line in lines),
        None,
    )


REPORT_COLUMNS = (
    "kode_kecamatan",
    "kecamatan",
    "anak",
    "pemilik_kia",
    "cakupan_persen",
    "tanpa_kia",
    "peringkat",
)


def report_record(line: CoverageLine) -> dict[str, object]:
    return {
        "kode_kecamatan": line.kode_kecamatan,
        "kecamatan": line.kecamatan,
        "anak": line.anak,
        "pemilik_kia": line.pemilik_kia,
        "cakupan_persen": line.cakupan,
        "tanpa_kia": line.tanpa_kia,
        "peringkat": line.rank,
    }


def outreach_priorities(lines: list[CoverageLine]) -> list[CoverageLine]:
    """Where socialisation matters most: most children without a KIA, then lowest coverage."""
    return sorted(lines, key=lambda line: (-line.tanpa_kia, line.cakupan, line.kode_kecamatan))


# --- projection -----------------------------------------------------------------------
@dataclass
class Projection:
    holders: int
    children: int
    target_percent: Decimal
    monthly_rate: float  # cards per month
    gap: int  # cards still needed for the target
    months_to_target: float | None  # None: never at this rate
    reached_on: dt.date | None
    cards_per_working_day: float | None  # to reach the target by `by_date`
    by_date: dt.date | None
    working_days: int | None


def add_months(day: dt.date, months: float) -> dt.date:
    return day + dt.timedelta(days=round(months * 30.4375))


def project(
    holders: int,
    children: int,
    target_percent: Decimal,
    monthly_rate: float,
    today: dt.date,
    by_date: dt.date | None = None,
    working_days_until: Callable[[dt.date, dt.date], int] | None = None,
) -> Projection:
    needed = int(
        (Decimal(children) * Decimal(target_percent) / 100).to_integral_value(rounding="ROUND_CEILING")
    )
    gap = max(needed - holders, 0)
    if gap == 0:
        months, reached = 0.0, today
    elif monthly_rate > 0:
        months = gap / monthly_rate
        reached = add_months(today, months)
    else:
        months, reached = None, None
    per_day = working = None
    if by_date is not None and working_days_until is not None:
        working = working_days_until(today, by_date)
        per_day = gap / working if working > 0 else None
    return Projection(
        holders,
        children,
        Decimal(target_percent),
        monthly_rate,
        gap,
        months,
        reached,
        per_day,
        by_date,
        working,
    )


def monthly_rate_between(earlier: tuple[dt.date, int], later: tuple[dt.date, int]) -> float:
    """Cards per month between two (date, holders) points."""
    days = (later[0] - earlier[0]).days
    if days <= 0:
        return 0.0
    return (later[1] - earlier[1]) / (days / 30.4375)
