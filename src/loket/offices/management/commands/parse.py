"""`loket parse`: check WhatsApp request messages, one per input line, as JSON.

    echo '#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA' | loket parse
    echo '{"text": "KIA\\n3603...", "date": "2026-11-30"}' | loket parse --json
    echo '#KK#...' | loket parse --office 36.71

Writes one JSON object per input line, in order, and never stops on bad input. Without
`--office` it needs no database: the region list comes from the environment (LOKET_REGION_FILE,
else the packaged files). With `--office CODE` it reads that office from the database and
checks places against the office's own regions (`offices.regions.index_for`).
"""

from __future__ import annotations

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from loket.domain.intake import parse
from loket.domain.regions import RegionIndex
from loket.offices.models import Office
from loket.offices.regions import RegionFileMissing, index_for


def input_problem(code: str, message: str) -> dict[str, object]:
    """The answer for a line that is not a message at all (bad JSON, bad date)."""
    return {
        "ok": False,
        "service": None,
        "fields": {},
        "derived": {},
        "problems": [{"code": code, "field": "format", "message": message}],
        "warnings": [],
    }


def answer(line: str, as_json: bool, regions: RegionIndex | None = None) -> dict[str, object]:
    if not as_json:
        return parse(line, regions=regions).to_dict()
    try:
        item = json.loads(line)
    except ValueError:
        return input_problem("input_not_json", 'Baris ini bukan JSON {"text": "...", "date": "YYYY-MM-DD"}.')
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return input_problem("input_no_text", 'Baris JSON ini tidak berisi "text" berupa teks.')
    today = None
    if item.get("date") not in (None, ""):
        try:
            today = date.fromisoformat(str(item["date"]))
        except ValueError:
            return input_problem("input_bad_date", 'Nilai "date" harus tanggal YYYY-MM-DD.')
    return parse(item["text"], today, regions).to_dict()


class Command(BaseCommand):
    help = "Check request messages read from stdin, one per line; print one JSON result per line."
    requires_system_checks: list[str] = []  # no database, no settings beyond the defaults

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help='each input line is {"text": "...", "date": "YYYY-MM-DD"} (date optional: ages on that day)',
        )
        parser.add_argument(
            "--office",
            default="",
            help="check places against this office's regions, e.g. 36.71 (reads the database)",
        )

    def handle(self, *args, as_json: bool = False, office: str = "", **options):
        regions = office_regions(office.strip()) if office.strip() else None
        # Bytes out, UTF-8 always: names and places are not ASCII-only, whatever the locale.
        out = sys.stdout.buffer
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            try:
                result = answer(line, as_json, regions)
            except Exception as exc:  # one bad line must not stop the others
                result = input_problem(
                    "internal_error", f"Pesan ini tidak dapat diperiksa ({type(exc).__name__})."
                )
            out.write((_dumps(result) + "\n").encode("utf-8"))
            out.flush()


def office_regions(code: str) -> RegionIndex:
    """The regions of the office named by --office; a clear error when it cannot be read."""
    try:
        found = Office.objects.filter(code=code).first()
        known = ", ".join(Office.objects.values_list("code", flat=True)) if found is None else ""
    except DatabaseError as exc:
        raise CommandError(
            f"Kantor {code} tidak dapat dibaca dari database ({type(exc).__name__}). "
            "Jalankan `loket migrate` dulu, atau pakai `loket parse` tanpa --office."
        ) from exc
    if found is None:
        raise CommandError(f"Kantor {code} tidak dikenal (terdaftar: {known or '-'}).")
    try:
        return index_for(found)
    except RegionFileMissing as exc:
        raise CommandError(str(exc)) from exc


def _dumps(result: dict[str, object]) -> str:
    return json.dumps(result, ensure_ascii=False)
