"""`loket plan capacity --target 90 --by YYYY-MM-DD [--today YYYY-MM-DD] [--json]`:
what reaching a KIA coverage target by a date takes (contract in docs/planning.md)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from loket.coverage import planner
from loket.coverage.planner_text import summary
from loket.domain.planning import PlanError


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2027-12-31") from None


def to_json(record: dict) -> str:
    """Decimals are exact values quantized to at most four places; written as JSON numbers
    with a dot (the float carries the same short text: 90.5, 0.75)."""
    return json.dumps(_numbers(record), ensure_ascii=False, indent=2)


def _numbers(value):
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    return value


class Command(BaseCommand):
    help = "Capacity planner: cards, officers, counter sessions and printing to reach a KIA coverage target."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cap = sub.add_parser("capacity", help="what reaching TARGET %% coverage by a date takes")
        cap.add_argument("--target", required=True, help="coverage target in percent, e.g. 90 or 90.5")
        cap.add_argument("--by", required=True, help="the date the target is to be reached (YYYY-MM-DD)")
        cap.add_argument(
            "--today", help="count from this date (default: today); working days start the day after"
        )
        cap.add_argument("--json", action="store_true", help="one JSON object (docs/planning.md)")
        for name, kind in planner.OVERRIDES.items():
            cap.add_argument(
                "--" + name.replace("_", "-"),
                dest=name,
                help=f"override: {planner.DESCRIPTIONS[name]} ({'whole number' if kind == 'int' else 'decimal'})",
            )

    def handle(self, *args, action, **options):
        today = iso_date(options["today"]) if options.get("today") else None
        by = iso_date(options["by"])
        overrides = {name: options.get(name) for name in planner.OVERRIDES}
        try:
            result = planner.build(options["target"], by, today, overrides)
        except PlanError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(to_json(planner.as_record(result)))
        else:
            self.stdout.write(summary(result))
