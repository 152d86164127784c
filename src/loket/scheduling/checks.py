"""`loket check` warns when the holiday calendar cannot be trusted for the coming year."""

from __future__ import annotations

from django.core import checks

from loket.scheduling.office import calendar_warnings

IDS = {"no-decree": "scheduling.W001", "estimated": "scheduling.W002"}


@checks.register("loket")
def holiday_data(app_configs=None, **kwargs):
    return [
        checks.Warning(
            warning.message,
            hint="Closures and extra service days are edited in the admin (Jadwal pengambilan).",
            id=IDS[warning.code],
        )
        for warning in calendar_warnings()
    ]
