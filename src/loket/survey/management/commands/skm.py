"""`loket skm compute [--weight 0.11|1/9] [--json]`: the SKM figures of answers on stdin.

    printf 'u1,u2,u3,u4,u5,u6,u7,u8,u9\\n4,3,3,4,3,4,4,3,3\\n' | loket skm compute --json

Reads CSV with the header u1,u2,…,u9 (values 1-4, an empty cell is unanswered). Needs no
database. Errors name the line or element and exit non-zero (docs/skm.md).
"""

from __future__ import annotations

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loket.domain import skm


class Command(BaseCommand):
    help = "Satisfaction survey (SKM, PermenPANRB 14/2017): compute NRR, unit index, IKM and grade."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        compute = sub.add_parser("compute", help="CSV with header u1..u9 on stdin")
        compute.add_argument("--weight", default=None, help="0.11 (the regulation, default) or 1/9")
        compute.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, action: str, weight: str | None, as_json: bool, **options):
        try:
            chosen = skm.Weight.parse(weight if weight is not None else settings.LOKET_SKM_WEIGHT)
            result = skm.compute(skm.read_csv(sys.stdin.read()), chosen)
        except (skm.SurveyError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        grade = result.grade
        lines = [
            f"Responden: {result.respondents}",
            f"Bobot per unsur: {result.weight}",
            "Unsur   NRR   NRR×25",
        ]
        for element in skm.UNSUR:
            key = element.key
            lines.append(f"{key.upper():<5} {result.nrr[key]:>5} {result.nrr25[key]:>7}  {element.name}")
        lines += [
            f"Indeks unit (SKM): {result.skm}",
            f"IKM: {result.ikm}",
            f"Mutu: {grade.mutu} ({grade.kinerja})",
        ]
        self.stdout.write("\n".join(lines))
