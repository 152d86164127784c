"""Every dashboard table as one structure, so a page, its CSV, its XLSX and the monthly
PDF show the same numbers. Values are plain (int, Decimal, float, str); formatting for
people happens in templates, exports keep integers without separators."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from django.utils import timezone
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from loket.coverage import figures, service
from loket.domain import coverage as domain


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | pct | hours | ratio | date
    # For a percentage: the keys of its numerator and denominator in the same row, shown
    # on hover ("1 dari 2") and exported as their own columns.
    of: tuple[str, str] | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]

    def sorted_by(self, key: str | None, descending: bool) -> Table:
        if not key or key not in {c.key for c in self.columns}:
            return self

        def sort_key(row):
            value = row.get(key)
            return (value is None, value if value is not None else 0)

        body = [r for r in self.rows if not r.get("_total")]
        totals = [r for r in self.rows if r.get("_total")]
        body.sort(key=sort_key, reverse=descending)
        return Table(self.key, self.title, self.columns, body + totals)


def coverage_table(kodes=None, current=None) -> Table:
    current = figures.current_coverage(kodes) if current is None else current
    lines = [c.line for c in current]
    rows = [
        {
            "kode_kecamatan": c.line.kode_kecamatan,
            "kecamatan": c.line.kecamatan,
            "periode": c.period,
            "diimpor": timezone.localdate(c.imported_at),
            "anak": c.line.anak,
            "pemilik_kia": c.line.pemilik_kia,
            "kartu_loket": c.collected,
            "cakupan_persen": c.line.cakupan,
            "tanpa_kia": c.line.tanpa_kia,
            "peringkat": c.line.rank,
        }
        for c in current
    ]
    if lines:
        total = domain.regency_line(
            figures.settings.LOKET_REGION_CODE,
            figures.regency_name() if kodes is None else "Area Anda",
            lines,
        )
        rows.append(
            {
                "kode_kecamatan": total.kode_kecamatan,
                "kecamatan": total.kecamatan,
                "periode": ", ".join(sorted({c.period for c in current}, key=domain.period_key)),
                "diimpor": max(timezone.localdate(c.imported_at) for c in current),
                "anak": total.anak,
                "pemilik_kia": total.pemilik_kia,
                "kartu_loket": sum(c.collected for c in current),
                "cakupan_persen": total.cakupan,
                "tanpa_kia": total.tanpa_kia,
                "peringkat": None,
                "_total": True,
            }
        )
    return Table(
        "cakupan",
        "Cakupan KIA per kecamatan",
        [
            Column("kode_kecamatan", "Kode"),
            Column("kecamatan", "Kecamatan"),
            Column("periode", "Periode data"),
            Column("diimpor", "Diimpor", "date"),
            Column("anak", "Anak 0–17", "int"),
            Column("pemilik_kia", "Pemilik KIA", "int"),
            Column("kartu_loket", "Diambil lewat Loket", "int"),
            Column("cakupan_persen", "Cakupan (%)", "pct", of=("pemilik_kia", "anak")),
            Column("tanpa_kia", "Belum punya KIA", "int"),
            Column("peringkat", "Peringkat", "int"),
        ],
        rows,
    )


def priorities_table(kodes=None, current=None) -> Table:
    lines = [c.line for c in (figures.current_coverage(kodes) if current is None else current)]
    ordered = domain.outreach_priorities(lines)
    by_coverage = sorted(lines, key=lambda line: (line.cakupan, line.kode_kecamatan))
    coverage_rank = {line.kode_kecamatan: i for i, line in enumerate(by_coverage, start=1)}
    rows = [
        {
            "urutan": i,
            "kode_kecamatan": line.kode_kecamatan,
            "kecamatan": line.kecamatan,
            "tanpa_kia": line.tanpa_kia,
            "anak": line.anak,
            "pemilik_kia": line.pemilik_kia,
            "cakupan_persen": line.cakupan,
            "urutan_cakupan_terendah": coverage_rank[line.kode_kecamatan],
        }
        for i, line in enumerate(ordered, start=1)
    ]
    return Table(
        "prioritas",
        "Prioritas sosialisasi",
        [
            Column("urutan", "Urutan", "int"),
            Column("kode_kecamatan", "Kode"),
            Column("kecamatan", "Kecamatan"),
            Column("tanpa_kia", "Anak belum punya KIA", "int"),
            Column("anak", "Anak 0–17", "int"),
            Column("pemilik_kia", "Pemilik KIA", "int"),
            Column("cakupan_persen", "Cakupan (%)", "pct", of=("pemilik_kia", "anak")),
            Column("urutan_cakupan_terendah", "Urutan cakupan terendah", "int"),
        ],
        rows,
    )


def trend_table() -> Table:
    rows = [
        {
            "periode": p.period,
            "diimpor": timezone.localdate(p.imported_at) if p.imported_at else None,
            "anak": p.children,
            "pemilik_kia": p.holders,
            "cakupan_persen": p.percent,
            "persen_tertulis": p.printed_percent,
            "sumber": "riwayat kabupaten" if p.source == "history" else "jumlah tabel kecamatan",
            "tanda": "; ".join(p.flags)
            if p.flagged
            else ("diterima: " + "; ".join(p.flags) if p.flags else ""),
        }
        for p in figures.trend_points()
    ]
    return Table(
        "tren",
        "Tren cakupan kabupaten per semester",
        [
            Column("periode", "Periode"),
            Column("diimpor", "Diimpor", "date"),
            Column("anak", "Anak 0–17", "int"),
            Column("pemilik_kia", "Pemilik KIA", "int"),
            Column("cakupan_persen", "Cakupan (%)", "pct", of=("pemilik_kia", "anak")),
            Column("persen_tertulis", "Persen tertulis", "pct"),
            Column("sumber", "Sumber"),
            Column("tanda", "Catatan pemeriksaan"),
        ],
        rows,
    )


def _percent(share: float | None) -> Decimal | None:
    return None if share is None else Decimal(str(round(share * 100, 2)))


def service_table(window: service.Window, kodes=None) -> Table:
    rows = []
    for r in service.by_service(window, kodes):
        rows.append(
            {
                "layanan": r.service,
                "diterima": int(r.values["received"]),
                "dijelaskan_otomatis": int(r.values["auto_explained"]),
                "dijelaskan_otomatis_rasio": r.auto_share,
                "lengkap_otomatis": int(r.values["auto_completed"]),
                "lengkap_otomatis_persen": _percent(r.complete_share),
                "respons_pertama_jam": r.first_response_avg,
                "keputusan_jam": r.decision_avg,
                "perbaikan_per_permohonan": r.corrections_per_request,
                "disetujui": int(r.values["approved"]),
                "ditolak": int(r.values["rejected"]),
                "diambil": int(r.values["collected"]),
                "batal_kedaluwarsa": int(r.values["cancelled"]),
                "_total": r.service == "Semua",
            }
        )
    return Table(
        "layanan",
        f"Mutu layanan per jenis ({window.label})",
        [
            Column("layanan", "Layanan"),
            Column("diterima", "Permohonan masuk", "int"),
            Column("dijelaskan_otomatis", "Format dijelaskan otomatis", "int"),
            # Several tries per request are possible: a ratio, never a percentage.
            Column("dijelaskan_otomatis_rasio", "Dijelaskan otomatis per permohonan (rasio)", "ratio"),
            Column("lengkap_otomatis", "Lengkap tanpa petugas", "int"),
            Column(
                "lengkap_otomatis_persen",
                "Berkas lengkap tanpa petugas (%)",
                "pct",
                of=("lengkap_otomatis", "diterima"),
            ),
            Column("respons_pertama_jam", "Respons pertama petugas (jam kerja)", "hours"),
            Column("keputusan_jam", "Sampai keputusan (jam kerja)", "hours"),
            Column("perbaikan_per_permohonan", "Perbaikan per permohonan", "ratio"),
            Column("disetujui", "Disetujui", "int"),
            Column("ditolak", "Ditolak", "int"),
            Column("diambil", "Diambil", "int"),
            Column("batal_kedaluwarsa", "Batal/kedaluwarsa", "int"),
        ],
        rows,
    )


def backlog_table(kodes=None, backlog: service.Backlog | None = None) -> Table:
    backlog = backlog or service.backlog(kodes)
    columns = [Column("status", "Status")] + [
        Column(f"umur_{i}", label, "int") for i, (_, _, label) in enumerate(service.AGE_BUCKETS)
    ]
    columns += [Column("jumlah", "Jumlah", "int"), Column("tertua_hari", "Tertua (hari)", "int")]
    rows = []
    for r in backlog.rows:
        row = {"status": r["label"], "jumlah": r["total"], "tertua_hari": r["oldest_days"]}
        row.update({f"umur_{i}": n for i, n in enumerate(r["buckets"])})
        rows.append(row)
    return Table("antrean", "Antrean terbuka menurut status dan umur", columns, rows)


def officers_table(window: service.Window, kodes=None) -> Table:
    return Table(
        "petugas",
        f"Beban kerja petugas ({window.label})",
        [
            Column("officer", "Petugas"),
            Column("actions", "Tindakan", "int"),
            Column("decisions", "Keputusan", "int"),
            Column("corrections", "Minta perbaikan", "int"),
            Column("open", "Sedang dipegang (diperiksa/perbaikan)", "int"),
        ],
        service.officers(window, kodes),
    )


def reasons_table(window: service.Window, kodes=None) -> Table:
    return Table(
        "alasan",
        f"Alasan perbaikan terbanyak ({window.label})",
        [Column("reason", "Alasan"), Column("count", "Jumlah", "int")],
        [{"reason": r, "count": n} for r, n in service.top_reasons(window, kodes)],
    )


# --- exports ---------------------------------------------------------------------------
def _plain(value, kind: str):
    if value is None:
        return ""
    if kind == "pct":
        return f"{Decimal(value):.2f}"
    if kind in ("hours", "ratio"):
        return f"{float(value):.2f}"
    if kind == "date":
        return value.isoformat()
    return value


def to_csv(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([_plain(row.get(c.key), c.kind) for c in table.columns])
    return buf.getvalue().encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = table.key[:31]
    sheet.append([c.label for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values = []
        for c in table.columns:
            value = row.get(c.key)
            if isinstance(value, Decimal):
                value = float(value)
            elif c.kind in ("hours", "ratio") and value is not None:
                value = round(float(value), 2)
            values.append(value)
        sheet.append(values)
    for cells, column in zip(sheet.columns, table.columns, strict=False):
        if column.kind == "pct":
            for cell in cells[1:]:
                cell.number_format = "0.00"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
