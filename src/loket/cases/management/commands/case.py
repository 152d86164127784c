"""`loket case move <nomor> <status>`: change a case's state from the command line, legally."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from loket.cases.models import Case, IllegalTransition, State


class Command(BaseCommand):
    help = "Show or move a case through the workflow (only legal transitions)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        move = sub.add_parser("move", help="move a case to another state")
        move.add_argument("number", help="request number, e.g. KIA-20261130-0042")
        move.add_argument("state", choices=[s.value for s in State])
        move.add_argument("--note", default="")
        move.add_argument("--user", default="", help="username recorded as the actor")
        show = sub.add_parser("show", help="print a case's state and history")
        show.add_argument("number")

    def handle(self, *args, action, number, **options):
        case = Case.objects.filter(request_number=number).first()
        if case is None:
            raise CommandError(f"Permohonan {number} tidak ditemukan.")
        if action == "show":
            self.stdout.write(f"{case.request_number} {case.state}")
            for event in case.events.all():
                self.stdout.write(
                    f"  {event.at:%Y-%m-%d %H:%M} {event.from_state} -> {event.to_state} ({event.source})"
                )
            return
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Pengguna {options['user']} tidak ditemukan.")
        try:
            case.move_to(options["state"], actor=actor, source="cli", note=options["note"])
        except IllegalTransition as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{case.request_number}: {case.state}")
