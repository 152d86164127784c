"""`loket calendar`: the office's working days, as approvals see them."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from loket.domain.calendar import holidays_in
from loket.scheduling.office import calendar_warnings, office_calendar


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-12-24") from None


class Command(BaseCommand):
    help = "Working days of the office: national holidays, cuti bersama, closures and extra service days."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser(
            "add-working-days", help="the date N working days after DATE (DATE never counts)"
        )
        add.add_argument("date")
        add.add_argument("n", type=int)
        span = sub.add_parser("working-days", help="working days from START to END, both included")
        span.add_argument("start")
        span.add_argument("end")
        hol = sub.add_parser("holidays", help="national holidays and cuti bersama of a year")
        hol.add_argument("year", type=int)
        sub.add_parser("warnings", help="missing or estimated holiday data")

    def handle(self, *args, action, **options):
        getattr(self, action.replace("-", "_"))(**options)

    def add_working_days(self, date, n, **_):
        if n < 1:
            raise CommandError("N must be 1 or more")
        start = iso_date(date)
        self.stdout.write(office_calendar().add_working_days(start, n).isoformat())

    def working_days(self, start, end, **_):
        first, last = iso_date(start), iso_date(end)
        if last < first:
            raise CommandError("the end date comes before the start date")
        for day in office_calendar().working_days(first, last):
            self.stdout.write(day.isoformat())

    def holidays(self, year, **_):
        for day, name in sorted(holidays_in(year).items()):
            self.stdout.write(f"{day.isoformat()}  {name}")

    def warnings(self, **_):
        found = calendar_warnings()
        for warning in found:
            self.stdout.write(warning.message)
        if not found:
            self.stdout.write("Holiday data complete for this year and the next.")
