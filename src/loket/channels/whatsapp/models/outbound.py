"""WhatsApp Cloud API channel: what goes out to residents.

Every message to a resident is a row here first (the outbox); the worker sends it. Code
outside the channel (workflow, scheduling, console) calls `outbox.enqueue` and never
talks to the Graph API itself.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

__all__ = ["Incident", "OutboundMessage"]


class OutboundMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Antre"
        SENDING = "sending", "Sedang dikirim"
        SENT = "sent", "Terkirim ke WhatsApp"
        DELIVERED = "delivered", "Sampai"
        READ = "read", "Dibaca"
        FAILED = "failed", "Gagal"
        HELD = "held", "Ditahan (di luar jendela 24 jam)"

    class Held(models.TextChoices):
        WINDOW_CLOSED = "window_closed", "Di luar jendela 24 jam, tidak ada template"
        TEMPLATE_UNAVAILABLE = "template_unavailable", "Template belum disetujui atau dijeda"
        NO_ADDRESS = "no_address", "Warga tanpa nomor atau ID WhatsApp"
        UNKNOWN_NUMBER = "unknown_number", "Nomor kantor tidak terdaftar"

    class Kind(models.TextChoices):
        REPLY = "reply", "Balasan"
        CASE_UPDATE = "case_update", "Kabar permohonan"
        RECEIPT = "receipt", "Bukti pengambilan"
        REMINDER = "reminder", "Pengingat"
        HAND_OVER = "hand_over", "Serah terima"
        OFFICER = "officer", "Pesan petugas"
        BULK = "bulk", "Pesan massal"
        SURVEY = "survey", "Survei kepuasan"

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

    # --- sending (filled by the worker; every outcome visible per message) ---------------
    phone_number_id = models.CharField(max_length=32, blank=True, help_text="office number it goes out from")
    recipient = models.CharField(max_length=128, blank=True, help_text="wa_id, else business-scoped id")
    priority = models.SmallIntegerField(default=0, help_text="higher goes first (replies before bulk)")
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error_code = models.IntegerField(null=True, blank=True)
    last_error_title = models.CharField(max_length=200, blank=True)
    last_error_details = models.TextField(blank=True)
    wamid = models.CharField(max_length=200, null=True, blank=True, unique=True)
    template_used = models.CharField(max_length=100, blank=True, help_text="template sent (window closed)")
    media_id = models.CharField(max_length=64, blank=True, help_text="uploaded document's media id")
    # A send that timed out: Meta may have it. We wait for a status naming it before resending.
    uncertain_since = models.DateTimeField(null=True, blank=True)
    duplicate_risk = models.BooleanField(default=False, help_text="resent after an unanswered timeout")
    throttle_strikes = models.PositiveSmallIntegerField(default=0)
    force_template = models.BooleanField(default=False, help_text="Meta said the window is closed")
    held_reason = models.CharField(max_length=30, choices=Held.choices, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    send_round = models.PositiveSmallIntegerField(default=0, help_text="how many times it was (re)queued")
    accepted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Set when the text and file were removed (loket.privacy); kind, status and times stay.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["resident", "last_attempt_at"], name="outbound_pair_pace"),
            models.Index(fields=["status", "created_at"], name="outbound_by_status"),
        ]
        verbose_name = "pesan keluar"
        verbose_name_plural = "pesan keluar"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def needs_officer(self) -> bool:
        """Held or failed: an officer should look at it (the reason is on the row)."""
        return self.status in (self.Status.HELD, self.Status.FAILED)

    @property
    def callback_data(self) -> str:
        """What we put in `biz_opaque_callback_data`: Meta echoes it in status webhooks."""
        return f"outbox={self.pk}"


class Incident(models.Model):
    """Something operations must fix (token refused, template paused, outbox stuck, no webhooks).

    At most one open incident per (kind, scope). While a pausing incident is open, sending
    waits until `retry_at`, then one message probes: success closes the incident.
    """

    class Kind(models.TextChoices):
        TOKEN = "token", "Token akses ditolak"
        PERMISSION = "permission", "Izin aplikasi kurang"
        ACCOUNT = "account", "Akun atau nomor dibatasi"
        TEMPLATE = "template", "Template tidak tersedia"
        STALLED = "stalled", "Antrean kirim macet"
        WEBHOOK_SILENCE = "webhook_silence", "Tidak ada webhook masuk"
        QUARANTINE = "quarantine", "Kiriman masuk dikarantina"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    scope = models.CharField(max_length=120, blank=True, help_text="office number, template or empty (all)")
    message = models.TextField(help_text="what happened and what to do (for administrators)")
    error_code = models.IntegerField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    pauses_sending = models.BooleanField(default=False)
    retry_at = models.DateTimeField(null=True, blank=True, help_text="paused sending probes again at")
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "scope"], condition=Q(closed_at__isnull=True), name="one_open_incident"
            )
        ]
        ordering = ["-opened_at"]
        verbose_name = "gangguan WhatsApp"
        verbose_name_plural = "gangguan WhatsApp"

    def __str__(self) -> str:
        state = "terbuka" if self.closed_at is None else "selesai"
        return f"{self.get_kind_display()} {self.scope} ({state})"
