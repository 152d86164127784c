"""`loket hooks list`: webhook subscriptions and how sending to them goes (docs/webhooks.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from loket.hooks import subscriptions
from loket.hooks.models import Subscription


class Command(BaseCommand):
    help = "Webhooks out: list subscriptions with their delivery health (docs/webhooks.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="subscriptions, their scope and delivery health (secrets never shown)")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def list(self, **_):
        rows = list(Subscription.objects.all())
        if not rows:
            self.stdout.write("No webhook subscriptions (create one on /console/webhooks/).")
            return
        health = subscriptions.health(rows)
        for s in rows:
            h = health[s.pk]
            last = h.last_success.isoformat(timespec="seconds") if h.last_success else "never"
            scope = f"services={','.join(s.services) or 'all'} kecamatan={','.join(s.kecamatan) or 'all'}"
            self.stdout.write(
                f"#{s.pk} {'active' if s.active else 'inactive'} {s.name!r} {s.url} events={','.join(s.events)} "
                f"{scope} personal={'yes' if s.personal else 'no'} last_success={last} "
                f"pending={h.pending} failed={h.failed}"
            )
