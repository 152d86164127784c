"""Webhook subscriptions and the deliveries sent to them (an outbox: one row per event and
subscription, written in the transaction of the change it reports)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from loket.offices.models import default_office

# The events a subscription may ask for (docs/webhooks.md). `ping` is sent only on request,
# from the console, to the one subscription being tested.
EVENT_TYPES: dict[str, str] = {
    "case.created": "Permohonan baru masuk",
    "case.state_changed": "Status permohonan berubah",
}
PING = "ping"


class Subscription(models.Model):
    """Where events go, which ones, for which services and area, with or without personal data."""

    name = models.CharField(max_length=80)
    # The office whose cases it hears (docs/offices.md); the only office when none is named.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="subscriptions"
    )
    url = models.URLField(max_length=500)
    # Needed in clear to sign each body (the receiver holds the same secret); shown once, at
    # creation, and never again in the console or the admin.
    secret = models.CharField(max_length=64)
    events = models.JSONField(default=list)
    # Empty: every service / every kecamatan of the office (like a regency-wide officer).
    services = models.JSONField(default=list, blank=True)
    kecamatan = models.JSONField(default=list, blank=True)
    # NIK/KK and names in the body: only where LOKET_API_PERSONAL_DATA allows it.
    personal = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "langganan webhook"
        verbose_name_plural = "langganan webhook"

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str, service: str, kecamatan: str, office_id: int | None = None) -> bool:
        """Whether an event of this case belongs to this subscription (the one scope rule):
        its office, events, services and kecamatan."""
        return (
            self.active
            and (office_id is None or office_id == self.office_id)
            and event in self.events
            and (not self.services or service in self.services)
            and (not self.kecamatan or kecamatan in self.kecamatan)
        )


class EventDelivery(models.Model):
    """One event for one subscription: its body snapshot and how sending it went.

    `delivery_id` is sent as `X-Loket-Delivery` on every attempt: receivers deduplicate on it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu"
        DELIVERED = "delivered", "Terkirim"
        FAILED = "failed", "Gagal"

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    # One event (a case's state change) has one id, shared by every subscription it goes to.
    event_id = models.UUIDField()
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField(default=dict)
    # The snapshot holds NIK/KK and names (a `personal` subscription's).
    personal = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="hooks_one_delivery_per_event")
        ]
        indexes = [
            models.Index(fields=["subscription", "status", "created_at"], name="hooks_delivery_health"),
            models.Index(fields=["created_at"], name="hooks_delivery_age", condition=~Q(status="pending")),
        ]
        ordering = ["-created_at", "-pk"]
        verbose_name = "kiriman webhook"
        verbose_name_plural = "kiriman webhook"

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id} ({self.status})"
