"""Shared counters for per-client limits (see `loket.core.ratelimit`)."""

from __future__ import annotations

from django.db import models


class RateCount(models.Model):
    """Hits of one key (e.g. "verify:<client address>") in one fixed time window.

    A row in the database every web process shares, so a limit holds across all of them
    without Redis; rows of past windows are deleted as new windows start.
    """

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="start of the window, seconds since the epoch")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="core_ratecount_key_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="core_ratecount_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.count}"
