"""`loket demo-data --cases N`: add N realistic demo cases (services, kecamatan in
proportion to children, states, durations) and rebuild the service aggregates."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from loket.coverage.generate import generate


class Command(BaseCommand):
    help = "Generate realistic demo cases for the dashboards and the benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="how many cases to add")
        parser.add_argument("--days", type=int, default=365, help="spread over this many past days")
        parser.add_argument("--seed", type=int, default=3603)

    def handle(self, *args, cases, days, seed, **options):
        if cases < 1 or days < 1:
            raise CommandError("--cases dan --days harus lebih dari 0.")
        started = time.monotonic()
        stats = generate(cases, days=days, seed=seed)
        took = time.monotonic() - started
        summary = ", ".join(f"{state}: {count}" for state, count in sorted(stats.items()))
        self.stdout.write(f"{cases} permohonan demo dibuat dalam {took:.1f} detik ({summary}).")
