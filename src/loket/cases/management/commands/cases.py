"""`loket cases`: case actions for administrators (approve from the command line)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from loket.cases.models import Case, IllegalTransition, State
from loket.scheduling.allocation import NoRoom


class Command(BaseCommand):
    help = "Case actions: approve REQUEST_NUMBER."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        approve = sub.add_parser(
            "approve", help="approve a queued or in-review request (as the console does)"
        )
        approve.add_argument("request_number")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def approve(self, request_number, **_):
        from loket.scheduling.approval import approve_case

        case = Case.objects.filter(request_number=request_number.strip().upper()).first()
        if case is None:
            raise CommandError(f"No request numbered {request_number}.")
        try:
            with transaction.atomic():
                if case.state == State.QUEUED:
                    case.move_to(State.IN_REVIEW, source="cli", note="diperiksa lewat baris perintah")
                approval = approve_case(case, source="cli")
        except (IllegalTransition, NoRoom) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{case.request_number} approved: {approval.get_outcome_display()}")
        for booking in case.bookings.filter(status="active"):
            self.stdout.write(f"  {booking.get_purpose_display()}: {booking.day.isoformat()} {booking.part}")
