"""`loket case move <nomor> <status>`: change a case's state from the command line, legally.

`loket case show <nomor> [--json]`: the case's state and history; with `--json`, one object
with `number`, `service`, `state`, `source` and `fields` (the same `fields` as `loket parse`
gives for the typed request), for scripts and acceptance checks."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from loket.cases.checklist import missing_items
from loket.cases.models import GUARDED_STATES, Case, IllegalTransition, State
from loket.cases.workflow import consent_missing


def case_summary(case: Case) -> dict:
    """What `loket case show --json` prints (no history, no documents: the request itself)."""
    return {
        "number": case.request_number,
        "service": case.service,
        "state": case.state,
        "source": case.source,
        "fields": case.fields,
        "created_at": case.created_at.isoformat(),
    }


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
        show.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, action, number, **options):
        case = Case.objects.filter(request_number=number).first()
        if case is None:
            raise CommandError(f"Permohonan {number} tidak ditemukan.")
        if action == "show" and options.get("json"):
            self.stdout.write(json.dumps(case_summary(case), ensure_ascii=False, indent=2))
            return
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
        target = options["state"]
        if target in GUARDED_STATES:
            raise CommandError(
                f"Status '{State(target).label}' tidak diubah dengan `loket case move`: {GUARDED_STATES[target]}."
            )
        if target in (State.QUEUED, State.IN_REVIEW) and case.state in (
            State.WAITING_DOCUMENTS,
            State.NEEDS_CORRECTION,
        ):
            # The queue is for complete requests: they enter it themselves when complete.
            missing = [item.label for item in missing_items(case)]
            if missing:
                raise CommandError(
                    f"Permohonan {case.request_number} belum lengkap (kurang: {', '.join(missing)}); "
                    "permohonan masuk antrean sendiri setelah dokumennya lengkap."
                )
            if consent_missing(case):
                raise CommandError(
                    f"Permohonan {case.request_number} belum mendapat persetujuan pemrosesan data dari pemohon."
                )
        try:
            case.move_to(target, actor=actor, source="cli", note=options["note"])
        except IllegalTransition as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{case.request_number}: {case.state}")
