"""`loket whatsapp ...`: office numbers, incidents and held messages from the command line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from loket.channels.whatsapp import templates
from loket.channels.whatsapp.incidents import active_incidents, close_incidents
from loket.channels.whatsapp.models import PhoneNumber
from loket.channels.whatsapp.numbers import register_number
from loket.channels.whatsapp.sending import release_held


class Command(BaseCommand):
    help = "WhatsApp channel: add-number, numbers, incidents, close-incidents, release-held, templates."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-number", help="register an office number and the services it serves")
        add.add_argument("--id", required=True, dest="phone_number_id", help="Meta's phone_number_id")
        add.add_argument("--display", required=True, help="international digits, e.g. 6285694012597")
        add.add_argument("--services", nargs="+", required=True, help="e.g. KIA, or SKPWNI SKDWNI")
        add.add_argument(
            "--office", default="", help="office code, e.g. 36.71; required with several offices"
        )
        sub.add_parser("numbers", help="list the office numbers")
        sub.add_parser("incidents", help="list open incidents")
        close = sub.add_parser("close-incidents", help="close open incidents (sending probes again)")
        close.add_argument("--kind", default=None)
        sub.add_parser("release-held", help="queue again held messages whose cause is gone")
        tpl = sub.add_parser("templates", help="the declared templates (to get approved in WhatsApp Manager)")
        tpl.add_argument("--markdown", action="store_true", help="the table docs/whatsapp.md holds")

    def handle(self, *args, action, **options):
        getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_add_number(self, phone_number_id, display, services, office="", **_):
        try:
            with transaction.atomic():
                number, created = register_number(phone_number_id, display, services, office or None)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        verb = "terdaftar" if created else "diperbarui"
        self.stdout.write(
            f"Nomor {number} {verb} (id {number.phone_number_id}, kantor {number.office.code})."
        )

    def do_numbers(self, **_):
        for number in PhoneNumber.objects.select_related("office").order_by("display_number"):
            state = "aktif" if number.active else "nonaktif"
            self.stdout.write(
                f"{number.phone_number_id}  +{number.display_number}  {' '.join(number.services)}  {state}"
                f"  kantor {number.office.code}"
            )

    def do_incidents(self, **_):
        found = active_incidents()
        for incident in found:
            self.stdout.write(f"[{incident.get_kind_display()}] {incident.scope or '-'}: {incident.message}")
        if not found:
            self.stdout.write("Tidak ada gangguan.")

    def do_close_incidents(self, kind=None, **_):
        self.stdout.write(f"{close_incidents(kind)} gangguan ditutup.")

    def do_release_held(self, **_):
        self.stdout.write(f"{release_held()} pesan diantrekan ulang.")

    def do_templates(self, markdown=False, **_):
        self.stdout.write(templates.markdown() if markdown else templates.plain())
