"""API tokens: scoped like people (services, kecamatan; an office once offices exist).

Only the sha256 of a token is stored; its first characters (`prefix`) find the row, and the
hash is compared in constant time. A token is shown once, when it is made.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from loket.console.access import scoped_cases
from loket.offices.models import default_office
from loket.offices.regions import figures_area


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Baca"
        WRITE = "write", "Baca dan tindakan"

    name = models.CharField(max_length=80, unique=True)
    # The office whose cases and figures it reads (docs/offices.md); the only office by default.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="api_tokens"
    )
    prefix = models.CharField(max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    # Service codes ("KIA", "KK"); empty: every service.
    services = models.JSONField(default=list, blank=True)
    # Kecamatan codes ("36.03.01"); empty: the whole regency.
    kecamatan = models.JSONField(default=list, blank=True)
    # Whole NIK/KK numbers, residents' data and document files (LOKET_API_PERSONAL_DATA=1 only).
    personal = models.BooleanField(default=False)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "token API"
        verbose_name_plural = "token API"

    def __str__(self) -> str:
        return self.name

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def service_scope(self) -> list[str] | None:
        """None: every service (the scope's convention in `console.access.scoped_cases`)."""
        return list(self.services) if self.services else None

    def cases(self, qs: QuerySet | None = None) -> QuerySet:
        """The cases this token may see: through the console's one scope filter."""
        return scoped_cases(qs, office=self.office_id, services=self.service_scope, kecamatan=self.kecamatan)

    def sees_service(self, service: str) -> bool:
        return not self.services or service in self.services

    @property
    def area(self) -> frozenset[str] | None:
        """The kecamatan codes for figures: the token's own; else its office's (`None`:
        everything, on an installation of one office), as for staff (`figures_area`)."""
        return figures_area(self.office, self.kecamatan)
