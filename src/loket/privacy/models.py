"""A resident's request to erase their data (UU 27/2022 Pasal 8), decided by an officer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ErasureRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu keputusan"
        CONFIRMED = "confirmed", "Dihapus"
        REFUSED = "refused", "Ditolak"

    resident = models.ForeignKey("cases.Resident", on_delete=models.PROTECT, related_name="erasure_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    # The message that carried "HAPUS DATA" (proof of the request, Pasal 14).
    wamid = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why it was refused (told to the resident), or what was erased (counts per kind).
    reason = models.CharField(max_length=500, blank=True)
    erased = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(status="pending"), name="one_pending_erasure"
            )
        ]
        verbose_name = "permintaan hapus data"
        verbose_name_plural = "permintaan hapus data"

    def __str__(self) -> str:
        return f"permintaan hapus data #{self.pk}"
