"""The office's WhatsApp numbers and the services each one serves."""

from __future__ import annotations

from django.db import models

from loket.offices.models import default_office

__all__ = ["PhoneNumber"]


class PhoneNumber(models.Model):
    phone_number_id = models.CharField(max_length=32, unique=True, help_text="Meta's phone_number_id")
    display_number = models.CharField(max_length=20, help_text="international digits, e.g. 6285694012597")
    # The office this row belongs to (docs/offices.md); the only office when none is named.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="phone_numbers"
    )
    services = models.JSONField(default=list, help_text='services served, e.g. ["KIA"]')
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Outbound pacing, shared by every worker: the next free send slot of this number, and
    # a pause after Meta said the number is over its rate (130429 and friends).
    # Unix seconds (a float, so one portable UPDATE ... RETURNING reserves a slot).
    send_slot = models.FloatField(null=True, blank=True, editable=False)
    throttled_until = models.DateTimeField(null=True, blank=True, editable=False)
    throttle_strikes = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "nomor WhatsApp"
        verbose_name_plural = "nomor WhatsApp"

    def __str__(self) -> str:
        return f"+{self.display_number} ({', '.join(self.services)})"

    def serves(self, service: str) -> bool:
        return service in self.services
