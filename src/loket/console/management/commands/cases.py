"""`loket cases`: case actions for administrators (approve from the command line).

It lives in the console, the officers' side, because it does what the console's approve
button does (scheduling's guarded approval) and writes the console's audit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from loket.cases.guards import ApprovalRefused
from loket.cases.models import Case, IllegalTransition, State
from loket.console.models import AuditEntry
from loket.core.secrets import ensure_secret_key
from loket.scheduling.allocation import NoRoom
from loket.scheduling.approval import approve_case


class Command(BaseCommand):
    help = "Case actions: approve REQUEST_NUMBER."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        approve = sub.add_parser(
            "approve", help="approve a queued or in-review request (as the console does)"
        )
        approve.add_argument("request_number")
        approve.add_argument(
            "--override",
            default="",
            metavar="REASON",
            help="a supervisor approves although the guard refuses, with this written reason (needs --user)",
        )
        approve.add_argument("--user", default="", help="username recorded as the approver")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def approve(self, request_number, override="", user="", **_):
        self.ensure_signing_key()
        case = Case.objects.filter(request_number=request_number.strip().upper()).first()
        if case is None:
            raise CommandError(f"No request numbered {request_number}.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Pengguna {user} tidak ditemukan.")
        try:
            with transaction.atomic():
                if case.state == State.QUEUED:
                    case.move_to(
                        State.IN_REVIEW, actor=actor, source="cli", note="diperiksa lewat baris perintah"
                    )
                approval = approve_case(case, actor=actor, source="cli", override_reason=override)
                if approval.override_reason:
                    AuditEntry.objects.create(
                        actor=actor,
                        action="approve_override",
                        case=case,
                        detail=f"cli; {len(approval.overridden)} syarat dikecualikan",
                    )
        except ApprovalRefused as exc:
            lines = [f"Permohonan {case.request_number} belum dapat disetujui:"]
            lines += [f"  - {reason}" for reason in exc.reasons]
            raise CommandError("\n".join(lines)) from None
        except (IllegalTransition, NoRoom) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{case.request_number} approved: {approval.get_outcome_display()}")
        if approval.override_reason:
            self.stdout.write(f"  pengecualian supervisor: {approval.override_reason}")
        for booking in case.bookings.filter(status="active"):
            self.stdout.write(f"  {booking.get_purpose_display()}: {booking.day.isoformat()} {booking.part}")

    def ensure_signing_key(self) -> None:
        """Receipts are signed: with the web server's key, or their QR will not verify."""
        try:
            settings.SECRET_KEY  # noqa: B018
            return
        except ImproperlyConfigured:
            pass
        if (settings.DATA_DIR / "secret_key").exists():  # the key `loket demo` keeps
            settings.SECRET_KEY = ensure_secret_key(settings.DATA_DIR)
            return
        raise CommandError(
            "Set LOKET_SECRET_KEY to the key the web server uses: the receipt's QR code is signed with it."
        )
