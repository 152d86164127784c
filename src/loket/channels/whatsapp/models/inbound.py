"""What arrives from Meta: raw deliveries, then the messages inside them.

A `Delivery` is the webhook body exactly as received (one INSERT on the hot path). The
worker splits it into `InboundMessage` rows, one per WhatsApp message id (unique: Meta
redelivers for days), and hands statuses to the outbound side. `Conversation` keeps the
little state the channel needs per resident (officer wanted, flood notice, pending
acknowledgement); `CaseConsent` records the parent's or guardian's answer for a case.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

__all__ = ["Delivery", "InboundMessage", "QuarantinedItem", "Conversation", "CaseConsent"]


class Delivery(models.Model):
    """One signed POST from Meta, stored before we answer 200."""

    body = models.BinaryField()
    # Set by the database: the webhook's INSERT names only the body.
    received_at = models.DateTimeField(db_default=Now())
    # Set by the worker when every message and status inside has been recorded.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Why an administrator should look: "invalid_json", "unknown_number:<id>", "errors", ...
    flags = models.JSONField(default=list, blank=True)
    # Set when the body was removed (loket.privacy retention). The webhook's INSERT names
    # only the body: NULL is the column's own default.
    purged_at = models.DateTimeField(null=True, blank=True)
    # Failed dispatch tries (counted in their own transaction, so a rollback keeps the count).
    # The webhook's INSERT names only body and flags: these need database defaults.
    attempts = models.PositiveIntegerField(db_default=0, default=0)
    # Set when the delivery itself cannot be read or keeps failing: the queue flows past it
    # until an administrator retries or discards it (/console/karantina/).
    quarantined_at = models.DateTimeField(null=True, blank=True)
    # The last failure: exception type and message, scrubbed of long digit runs (no personal data).
    error = models.TextField(db_default="", default="", blank=True)
    # Items (messages and statuses, in document order) already recorded: a large delivery is
    # split over several bounded transactions and resumes here.
    progress = models.PositiveIntegerField(db_default=0, default=0)

    class Meta:
        indexes = [
            models.Index(fields=["dispatched_at", "id"], name="delivery_undispatched"),
            models.Index(
                fields=["id"],
                name="delivery_waiting",
                condition=models.Q(dispatched_at__isnull=True, quarantined_at__isnull=True),
            ),
            # /readyz and /metrics count these on every scrape: small, whatever the table's size.
            models.Index(
                fields=["quarantined_at"],
                name="delivery_quarantined",
                condition=models.Q(quarantined_at__isnull=False),
            ),
        ]
        verbose_name = "kiriman webhook"
        verbose_name_plural = "kiriman webhook"

    def __str__(self) -> str:
        return f"kiriman #{self.pk}"


class InboundMessage(models.Model):
    """One message a resident sent, whatever its type, kept for officers."""

    class Media(models.TextChoices):
        NONE = "", "-"
        PENDING = "pending", "Menunggu unduhan"
        STORED = "stored", "Tersimpan"
        UNAVAILABLE = "unavailable", "Gagal diunduh"

    wamid = models.CharField(max_length=200, unique=True)
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="messages")
    phone_number_id = models.CharField(max_length=32)
    resident = models.ForeignKey(
        "cases.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="inbound"
    )
    type = models.CharField(max_length=30)
    sent_at = models.DateTimeField(help_text="WhatsApp's timestamp")
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(help_text="the message object as Meta sent it")
    # What an officer reads: the text, a caption, the chosen button, a location ...
    summary = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    media_state = models.CharField(max_length=12, choices=Media.choices, blank=True, default="")
    media_attempts = models.PositiveSmallIntegerField(default=0)
    media_error = models.CharField(max_length=300, blank=True)
    document = models.ForeignKey(
        "cases.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Files are acknowledged together (one reply for several photos).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Set when the content was removed (loket.privacy); type and times stay.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["resident", "sent_at"], name="inbound_by_resident")]
        verbose_name = "pesan masuk"
        verbose_name_plural = "pesan masuk"

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def is_media(self) -> bool:
        return self.media_state != ""


class QuarantinedItem(models.Model):
    """One message or status of a delivery set aside as poison, while the rest went on.

    `path` locates the item in the delivery's body, so a retry reads it from there again; the
    metadata holds only what an administrator needs to judge it, masked (no text, no numbers
    in full).
    """

    class Status(models.TextChoices):
        QUARANTINED = "quarantined", "Dikarantina"
        RETRIED = "retried", "Dicoba ulang"
        DISCARDED = "discarded", "Dibuang"

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="quarantined_items")
    path = models.CharField(max_length=120, help_text="e.g. entry[0].changes[1].value.messages[3]")
    kind = models.CharField(max_length=20, help_text="message or status")
    reason = models.CharField(max_length=40)
    error = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUARANTINED)
    quarantined_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-quarantined_at", "-pk"]
        indexes = [models.Index(fields=["status", "quarantined_at"], name="quarantine_by_status")]
        verbose_name = "item karantina"
        verbose_name_plural = "item karantina"

    def __str__(self) -> str:
        return f"karantina #{self.pk} ({self.reason})"


class Conversation(models.Model):
    """The channel's state for one resident on one office number."""

    resident = models.OneToOneField("cases.Resident", on_delete=models.CASCADE, related_name="conversation")
    needs_officer = models.BooleanField(default=False, db_index=True)
    officer_requested_at = models.DateTimeField(null=True, blank=True)
    flood_notice_at = models.DateTimeField(null=True, blank=True)
    # Key of the pending acknowledgement job, empty when none is waiting.
    ack_job_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "percakapan"
        verbose_name_plural = "percakapan"

    def __str__(self) -> str:
        return f"percakapan #{self.pk}"


class CaseConsent(models.Model):
    """The parent's or guardian's consent for one case (UU 27/2022 Pasal 25)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="consent")
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    agreed = models.BooleanField(null=True)
    notice_version = models.CharField(max_length=20)
    # The message that carried the answer (button reply or typed text), as proof.
    answer_wamid = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "persetujuan"
        verbose_name_plural = "persetujuan"

    def __str__(self) -> str:
        return f"persetujuan {self.case_id}"
