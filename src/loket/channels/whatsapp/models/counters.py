"""Counters that must survive restarts and add up across processes (read by `/metrics`)."""

from __future__ import annotations

from django.db import models

__all__ = ["WebhookRejection"]


class WebhookRejection(models.Model):
    """How many webhook POSTs were answered with this non-200 status, ever.

    Bumped with one UPSERT, only on the refusal paths (the 200 path stays one INSERT): the
    200s are counted by the deliveries' id sequence instead (see `whatsapp/metrics.py`).
    """

    status = models.PositiveSmallIntegerField(primary_key=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "penolakan webhook"
        verbose_name_plural = "penolakan webhook"

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.count}"
