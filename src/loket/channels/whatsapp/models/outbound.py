"""WhatsApp Cloud API channel: what goes out to residents.

Every message to a resident is a row here first (the outbox); the worker sends it. Code
outside the channel (workflow, scheduling, console) calls `outbox.enqueue` and never
talks to the Graph API itself.
"""

from __future__ import annotations

from django.db import models

__all__ = ["OutboundMessage"]
from django.utils import timezone


class OutboundMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Antre"
        SENDING = "sending", "Sedang dikirim"
        SENT = "sent", "Terkirim ke WhatsApp"
        DELIVERED = "delivered", "Sampai"
        READ = "read", "Dibaca"
        FAILED = "failed", "Gagal"
        HELD = "held", "Ditahan (di luar jendela 24 jam)"

    class Kind(models.TextChoices):
        REPLY = "reply", "Balasan"
        CASE_UPDATE = "case_update", "Kabar permohonan"
        RECEIPT = "receipt", "Bukti pengambilan"
        REMINDER = "reminder", "Pengingat"
        OFFICER = "officer", "Pesan petugas"
        BULK = "bulk", "Pesan massal"

    resident = models.ForeignKey("cases.Resident", on_delete=models.PROTECT, related_name="outbound")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPLY)
    text = models.TextField(blank=True)
    # Interactive content (buttons, lists) as the Graph API's `interactive` object.
    interactive = models.JSONField(null=True, blank=True)
    document = models.FileField(upload_to="outbound/%Y/%m/", blank=True, max_length=300)
    document_name = models.CharField(max_length=200, blank=True)
    # Template to use when the 24-hour window is closed (name and parameters).
    template_name = models.CharField(max_length=100, blank=True)
    template_params = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "pesan keluar"
        verbose_name_plural = "pesan keluar"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"
