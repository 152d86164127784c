"""Background work recorded in our own table: rows claimed with a lease that expires.

A worker killed with SIGKILL loses nothing: its claimed rows come back when their lease
runs out, and another worker runs them again. Handlers must therefore be idempotent
(unique keys, conditional updates). Several workers share the rows on PostgreSQL with
`FOR UPDATE SKIP LOCKED`; on SQLite the IMMEDIATE transaction serialises the claims.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Job(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Menunggu"
        RUNNING = "running", "Berjalan"
        DONE = "done", "Selesai"
        FAILED = "failed", "Gagal"

    name = models.CharField(max_length=100, help_text="registered handler, e.g. whatsapp.process_delivery")
    payload = models.JSONField(default=dict, blank=True)
    # Idempotency: enqueueing the same key twice gives one job.
    key = models.CharField(max_length=200, null=True, blank=True)
    # Jobs sharing an ordering key run one at a time, oldest first (one resident's messages).
    ordering_key = models.CharField(max_length=200, blank=True)
    priority = models.SmallIntegerField(default=0, help_text="higher runs first")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table churns (every job is inserted, claimed and finished): the indexes that
        # the claim walks hold only unfinished rows, so they stay small however many done
        # rows wait for the purge, and no index is kept that no query uses.
        constraints = [models.UniqueConstraint(fields=["key"], name="job_key_unique")]
        indexes = [
            # The claim: the most urgent pending job first.
            models.Index(
                F("priority").desc(), "run_after", "id", name="job_pending", condition=Q(state="pending")
            ),
            # "Only the oldest unfinished job of an ordering key may run."
            models.Index(
                fields=["ordering_key", "id"],
                name="job_unfinished_by_key",
                condition=Q(state__in=["pending", "running"]),
            ),
            # Leases that ran out (a worker died): given back by `reclaim_expired`.
            models.Index(fields=["lease_until"], name="job_leases", condition=Q(state="running")),
            # The purge.
            models.Index(
                fields=["state", "finished_at"],
                name="job_finished",
                condition=Q(state__in=["done", "failed"]),
            ),
        ]
        verbose_name = "pekerjaan latar"
        verbose_name_plural = "pekerjaan latar"

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"
