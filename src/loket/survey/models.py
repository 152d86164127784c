"""The satisfaction survey's rows, kept apart from the case file.

No foreign key to a case or a resident: the report cannot lead back to a person. Two keyed
hashes (HMAC with the project's secret) only serve the conversation and deduplication:
`case_key` makes the invitation once per request; `resident_key` finds the resident's open
survey when they answer, and is cleared the moment the survey closes (answered, declined,
expired or erased), after which the answers belong to nobody.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from loket.offices.models import default_office


class Outcome(models.TextChoices):
    SERVED = "served", "Diserahkan"  # the card or document was handed over
    REJECTED = "rejected", "Ditolak"  # tagged apart: the request was rejected


class Status(models.TextChoices):
    INVITED = "invited", "Diundang"
    ANSWERING = "answering", "Sedang mengisi"
    COMPLETED = "completed", "Selesai"
    DECLINED = "declined", "Dilewati"
    EXPIRED = "expired", "Kedaluwarsa"


OPEN = (Status.INVITED, Status.ANSWERING)


class Survey(models.Model):
    case_key = models.CharField(max_length=64, unique=True)
    resident_key = models.CharField(max_length=64, blank=True, db_index=True)
    # The office this row belongs to (docs/offices.md); the only office when none is named.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="surveys"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    service = models.CharField(max_length=10, db_index=True)
    kode_kecamatan = models.CharField(max_length=8, blank=True, db_index=True)
    served_on = models.DateField(db_index=True, help_text="the day of the hand-over or rejection")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    step = models.CharField(max_length=12, blank=True, help_text="the question asked last")
    invited_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    u1 = models.PositiveSmallIntegerField(null=True, blank=True)
    u2 = models.PositiveSmallIntegerField(null=True, blank=True)
    u3 = models.PositiveSmallIntegerField(null=True, blank=True)
    u4 = models.PositiveSmallIntegerField(null=True, blank=True)
    u5 = models.PositiveSmallIntegerField(null=True, blank=True)
    u6 = models.PositiveSmallIntegerField(null=True, blank=True)
    u7 = models.PositiveSmallIntegerField(null=True, blank=True)
    u8 = models.PositiveSmallIntegerField(null=True, blank=True)
    u9 = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=12, blank=True)
    age_band = models.CharField(max_length=12, blank=True)
    education = models.CharField(max_length=12, blank=True)
    occupation = models.CharField(max_length=12, blank=True)
    suggestion = models.TextField(blank=True)

    class Meta:
        verbose_name = "survei kepuasan"
        verbose_name_plural = "survei kepuasan"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"u{i}__isnull": True})
                | models.Q(**{f"u{i}__gte": 1, f"u{i}__lte": 4}),
                name=f"survey_u{i}_1_4",
            )
            for i in range(1, 10)
        ]

    def answers(self) -> dict[str, int | None]:
        return {f"u{i}": getattr(self, f"u{i}") for i in range(1, 10)}

    def answered_any(self) -> bool:
        return any(value is not None for value in self.answers().values())
