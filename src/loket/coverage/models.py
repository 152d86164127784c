"""Coverage figures as imported (never altered), their import history and findings,
and daily aggregates of the service that keep the dashboards fast on large case tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Review(models.TextChoices):
    NONE = "", "Belum ditinjau"
    ACCEPTED = "accepted", "Diterima dengan catatan"
    EXCLUDED = "excluded", "Tidak dipakai di grafik"


class CoverageImport(models.Model):
    """One file read into the coverage tables. Kept forever, even when a later import
    replaces its figures: the history says who brought which numbers when."""

    class Layout(models.TextChoices):
        KECAMATAN = "kecamatan", "Per kecamatan"
        HISTORY = "history", "Riwayat kabupaten"

    layout = models.CharField(max_length=10, choices=Layout.choices)
    period = models.CharField(max_length=7, blank=True, help_text="per-kecamatan imports: the semester")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    # The file itself: whatever a check or a reader could not use is still here.
    content = models.BinaryField(editable=False)
    rows = models.PositiveIntegerField(default=0)
    findings_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=10, default="cli")  # cli | console | demo

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class ReviewedFigure(models.Model):
    review = models.CharField(max_length=10, choices=Review.choices, blank=True, default="")
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class KecamatanFigure(ReviewedFigure):
    """One row of a per-kecamatan table, as printed. Current figures only: importing the
    period again deletes these rows (the import and its findings stay)."""

    source_import = models.ForeignKey(
        CoverageImport, on_delete=models.CASCADE, related_name="kecamatan_figures"
    )
    period = models.CharField(max_length=7, db_index=True)
    row = models.PositiveIntegerField()
    name = models.CharField(max_length=100, help_text="as written in the file")
    kode_kecamatan = models.CharField(max_length=8, blank=True, help_text="empty when the name is unknown")
    anak_l = models.IntegerField(null=True)
    anak_p = models.IntegerField(null=True)
    anak = models.IntegerField(null=True)
    kia_l = models.IntegerField(null=True)
    kia_p = models.IntegerField(null=True)
    kia = models.IntegerField(null=True)
    tanpa_kia = models.IntegerField(null=True)
    printed_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True)
    is_total = models.BooleanField(default=False)

    class Meta:
        ordering = ["period", "row"]
        indexes = [models.Index(fields=["kode_kecamatan", "period"])]


class RegencyFigure(ReviewedFigure):
    """One period of the regency history, as printed."""

    source_import = models.ForeignKey(
        CoverageImport, on_delete=models.CASCADE, related_name="regency_figures"
    )
    period = models.CharField(max_length=7, db_index=True)
    row = models.PositiveIntegerField()
    anak = models.IntegerField(null=True)
    kia = models.IntegerField(null=True)
    tanpa_kia = models.IntegerField(null=True)
    printed_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True)

    class Meta:
        ordering = ["period"]


class Finding(models.Model):
    """What a check found in an import. Never changes a number."""

    source_import = models.ForeignKey(CoverageImport, on_delete=models.CASCADE, related_name="findings")
    row = models.PositiveIntegerField(null=True)
    kode_kecamatan = models.CharField(max_length=8, blank=True)
    period = models.CharField(max_length=7, blank=True)
    code = models.CharField(max_length=30, help_text="check code, e.g. sum_mismatch")
    message = models.TextField()

    class Meta:
        ordering = ["source_import", "row", "pk"]

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "kode_kecamatan": self.kode_kecamatan or None,
            "period": self.period or None,
            "check": self.code,
            "message": self.message,
        }


class ServiceDay(models.Model):
    """Per local day, service and kecamatan: what happened to requests. Maintained from
    signals on Case and CaseEvent (loket.coverage.aggregates); rebuilt by
    `loket coverage rebuild-aggregates`. Deleting a case does not lower the figures:
    a purged request was still received, and a collected card is still held."""

    day = models.DateField()
    service = models.CharField(max_length=10)
    kode_kecamatan = models.CharField(max_length=8, blank=True)
    received = models.IntegerField(default=0)
    auto_completed = models.IntegerField(default=0)
    corrections = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    collected = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    first_responses = models.IntegerField(default=0)
    first_response_hours = models.FloatField(default=0)
    decisions = models.IntegerField(default=0)
    decision_hours = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "service", "kode_kecamatan"], name="one_service_day")
        ]
        indexes = [models.Index(fields=["service", "kode_kecamatan", "day"])]


class OfficerDay(models.Model):
    """Per local day, officer and kecamatan: decisions and correction requests."""

    day = models.DateField()
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kode_kecamatan = models.CharField(max_length=8, blank=True)
    actions = models.IntegerField(default=0)
    decisions = models.IntegerField(default=0)
    corrections = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "officer", "kode_kecamatan"], name="one_officer_day")
        ]


class CorrectionReasonMonth(models.Model):
    """Per month, service and kecamatan: how often each correction reason was given."""

    month = models.DateField()
    service = models.CharField(max_length=10)
    kode_kecamatan = models.CharField(max_length=8, blank=True)
    reason = models.CharField(max_length=200)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "service", "kode_kecamatan", "reason"], name="one_reason_month"
            )
        ]


class OpenCaseDay(models.Model):
    """Open cases counted by service, kecamatan, state, the day the request came in and
    the day it entered its state: the backlog and its age without scanning the case table."""

    service = models.CharField(max_length=10)
    kode_kecamatan = models.CharField(max_length=8, blank=True)
    state = models.CharField(max_length=20)
    created_day = models.DateField()
    state_day = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kode_kecamatan", "state", "created_day", "state_day"],
                name="one_open_case_day",
            )
        ]


class ExplainedDay(models.Model):
    """Per past local day, service ("" for the service help) and kecamatan: texts whose
    format problems the channel explained without an officer (loket.coverage.auto_replies).
    Counted once a day is over, from the channel's messages; `ExplainedDayDone` marks the
    days counted (also those with nothing to count)."""

    day = models.DateField()
    service = models.CharField(max_length=10, blank=True)
    kode_kecamatan = models.CharField(max_length=8, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "service", "kode_kecamatan"], name="one_explained_day")
        ]


class ExplainedDayDone(models.Model):
    day = models.DateField(unique=True)
