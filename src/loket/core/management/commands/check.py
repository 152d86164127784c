"""`loket check`: Django's check command, plus the checks kept out of every other command.

See `loket.core.checks`: the holiday calendar's warnings (scheduling.W001/W002) appear
here and on the console's home page, not above the output of `loket worker` or `migrate`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import check

from loket.core.checks import asking


class Command(check.Command):
    def handle(self, *app_labels: Any, **options: Any) -> None:  # the stubs say list[str], Django passes str
        with asking():
            super().handle(*app_labels, **options)
