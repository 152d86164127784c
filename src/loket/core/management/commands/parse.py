"""`loket parse`: check WhatsApp request messages, one per input line, as JSON.

    echo '#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA' | loket parse
    echo '{"text": "KIA\\n3603...", "date": "2026-11-30"}' | loket parse --json

Writes one JSON object per input line, in order, and never stops on bad input. Needs no
database: the region list comes from the packaged files (or LOKET_REGION_FILE).
"""

from __future__ import annotations

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand

from loket.domain.intake import parse


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


def answer(line: str, as_json: bool) -> dict[str, object]:
    if not as_json:
        return parse(line).to_dict()
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
    return parse(item["text"], today).to_dict()


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

    def handle(self, *args, as_json: bool = False, **options):
        # Bytes out, UTF-8 always: names and places are not ASCII-only, whatever the locale.
        out = sys.stdout.buffer
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            try:
                result = answer(line, as_json)
            except Exception as exc:  # one bad line must not stop the others
                result = input_problem(
                    "internal_error", f"Pesan ini tidak dapat diperiksa ({type(exc).__name__})."
                )
            out.write((_dumps(result) + "\n").encode("utf-8"))
            out.flush()


def _dumps(result: dict[str, object]) -> str:
    return json.dumps(result, ensure_ascii=False)
