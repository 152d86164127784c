"""`loket privacy purge [--dry-run]`: remove personal data past its retention period."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from loket.privacy import retention


class Command(BaseCommand):
    help = "Personal data: purge [--dry-run] what is past its retention period (docs/privacy.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="remove expired personal data and print the counts per kind")
        purge.add_argument("--dry-run", action="store_true", help="only count; change nothing")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def purge(self, dry_run=False, **_):
        try:
            outcome = retention.purge(dry_run=dry_run)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        labels = {kind.name: kind.label for kind in retention.kinds()}
        head = "Would purge (dry run, nothing changed):" if dry_run else "Purged:"
        self.stdout.write(head)
        for name, count in outcome.counts.items():
            self.stdout.write(f"  {name:<12} {count:>7}  {labels[name]}")
        self.stdout.write(f"  {'total':<12} {outcome.total:>7}")
