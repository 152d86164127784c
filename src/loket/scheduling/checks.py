"""`loket check` warns when the holiday calendar cannot be trusted for the coming year.

Registered through `when_asked`: `loket check` and the console's home page say it, other
commands (`loket worker`, `loket parse`, `migrate`) do not print it above their output.
"""

from __future__ import annotations

from django.core import checks

from loket.core.checks import when_asked
from loket.scheduling.office import calendar_warnings

IDS = {"no-decree": "scheduling.W001", "estimated": "scheduling.W002"}


def holiday_data(app_configs=None, **kwargs):
    return [
        checks.Warning(
            warning.message,
            hint="Closures and extra service days are edited in the admin (Jadwal pengambilan).",
            id=IDS[warning.code],
        )
        for warning in calendar_warnings()
    ]


checks.register(when_asked(holiday_data), "loket")
