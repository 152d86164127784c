"""`loket coverage import FILE [--period 2020-S2] [--json]` and
`loket coverage report [--format csv|json]` (contracts in docs/coverage.md)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from loket.coverage import aggregates, figures
from loket.coverage.importing import ImportRefused, import_table
from loket.domain import coverage as domain


class _DecimalJSON(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def report_json(records: list[dict]) -> str:
    """A JSON array; percentages written with exactly two decimals (15.90, not 15.9)."""
    parts = []
    for record in records:
        fields = []
        for key, value in record.items():
            text = f"{value:.2f}" if isinstance(value, Decimal) else json.dumps(value, ensure_ascii=False)
            fields.append(f"{json.dumps(key)}: {text}")
        parts.append("{" + ", ".join(fields) + "}")
    return "[\n" + ",\n".join(parts) + "\n]"


def dated_records() -> list[dict]:
    """The report's records, each with the period its figures come from (`periode`) and the
    local date of that import (`diimpor`); the regency row names its rows' periods (one, or
    several joined by commas, oldest first) and the newest import."""
    current = figures.current_coverage()
    lines = [c.line for c in current]
    records = []
    for c in current:
        record = domain.report_record(c.line)
        record["periode"] = c.period
        record["diimpor"] = timezone.localdate(c.imported_at).isoformat()
        records.append(record)
    total = domain.report_record(
        domain.regency_line(settings.LOKET_REGION_CODE, figures.regency_name(), lines)
    )
    periods = sorted({c.period for c in current}, key=domain.period_key)
    total["periode"] = ",".join(periods) or None
    newest = max((timezone.localdate(c.imported_at) for c in current), default=None)
    total["diimpor"] = newest.isoformat() if newest else None
    return [*records, total]


class Command(BaseCommand):
    help = "KIA coverage: import the register's tables, print the coverage report."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV or XLSX table (per kecamatan or regency history)")
        imp.add_argument("file")
        imp.add_argument("--period", help="semester of a per-kecamatan table, e.g. 2020-S2")
        imp.add_argument("--json", action="store_true", help="print only the findings, one JSON line each")
        rep = sub.add_parser("report", help="coverage per kecamatan and for the regency")
        rep.add_argument("--format", choices=["csv", "json"], default="csv")
        sub.add_parser("rebuild-aggregates", help="recompute the service aggregates from the cases")

    def handle(self, *args, action, **options):
        if action == "import":
            self.import_file(options["file"], options.get("period"), options["json"])
        elif action == "report":
            self.report(options["format"])
        else:
            counts = aggregates.rebuild()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))

    def import_file(self, name: str, period: str | None, as_json: bool) -> None:
        path = Path(name)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Berkas {name} tidak dapat dibaca: {exc.strerror}.") from exc
        try:
            result = import_table(content, path.name, period=period, source="cli")
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            for finding in result.findings:
                self.stdout.write(json.dumps(finding.as_dict(), ensure_ascii=False))
            return
        what = "per kecamatan" if result.layout == domain.KECAMATAN_LAYOUT else "riwayat kabupaten"
        rows = len(result.kecamatan_rows) or len(result.history_rows)
        self.stdout.write(
            f"Diimpor: {path.name} ({what}, periode {', '.join(result.periods)}), {rows} baris, "
            f"{len(result.findings)} temuan."
        )
        for f in result.findings:
            where = f"baris {f.row}" if f.row is not None else "seluruh tabel"
            self.stdout.write(f"  [{f.check}] {where}: {f.message}")

    def report(self, fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(report_json(dated_records()))
            return
        records = [domain.report_record(line) for line in figures.report_lines()]
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(domain.REPORT_COLUMNS)
        for r in records:
            writer.writerow(
                [
                    r["kode_kecamatan"],
                    r["kecamatan"],
                    r["anak"],
                    r["pemilik_kia"],
                    f"{r['cakupan_persen']:.2f}",
                    r["tanpa_kia"],
                    "" if r["peringkat"] is None else r["peringkat"],
                ]
            )
