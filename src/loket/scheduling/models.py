"""What follows an approval: the office calendar, per-service outcomes and capacities,
sessions with a hard capacity, bookings, receipts, hand-overs and printing batches."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from loket.offices.models import default_office


class CalendarException(models.Model):
    """A day the administrator sets apart from the national calendar, with a reason."""

    # Per office: each office keeps its own closures and extra service days.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="+"
    )
    date = models.DateField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="%(class)s_one_per_office_day")
        ]


class OfficeClosure(CalendarException):
    """A day the office is closed although the national calendar says it works."""

    class Meta(CalendarException.Meta):
        verbose_name = "hari tutup kantor"
        verbose_name_plural = "hari tutup kantor"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} tutup: {self.reason}"


class ExtraServiceDay(CalendarException):
    """A day the office serves although the national calendar says it rests (a Saturday)."""

    class Meta(CalendarException.Meta):
        verbose_name = "hari layanan tambahan"
        verbose_name_plural = "hari layanan tambahan"

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} buka: {self.reason}"


class OfficeHours(models.Model):
    """Opening hours of one weekday; weekdays without a row use the Perpres 21/2023 defaults."""

    weekday = models.PositiveSmallIntegerField(
        unique=True,
        choices=[
            (0, "Senin"),
            (1, "Selasa"),
            (2, "Rabu"),
            (3, "Kamis"),
            (4, "Jumat"),
            (5, "Sabtu"),
            (6, "Minggu"),
        ],
    )
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        verbose_name = "jam layanan"
        verbose_name_plural = "jam layanan"
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="hours_open_before_close")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H.%M}-{self.closes:%H.%M}"


class Outcome(models.TextChoices):
    PICKUP = "pickup", "Ambil di loket"
    APPOINTMENT = "appointment", "Jadwal perekaman, lalu ambil di loket"
    DOCUMENT = "document", "Dokumen dikirim lewat WhatsApp"


class ServiceSchedule(models.Model):
    """Per service (KTP-el per reason): what an approval leads to, lead time and capacity."""

    # The office this row belongs to (docs/offices.md); the only office when none is named.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="schedules"
    )
    key = models.CharField(max_length=20, help_text="KIA, KTP_PEMULA, KTP_HILANG, KTP_RUSAK, KK, ...")
    label = models.CharField(max_length=60)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    lead_days = models.PositiveSmallIntegerField(help_text="working days from approval to the pickup date")
    appointment_lead_days = models.PositiveSmallIntegerField(
        default=2, help_text="working days from approval to the biometric recording appointment"
    )
    capacity_pagi = models.PositiveIntegerField()
    capacity_siang = models.PositiveIntegerField()
    capacity_day = models.PositiveIntegerField()
    bring = models.TextField(blank=True, help_text="originals to bring, one per line (shown on the receipt)")

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["office", "key"], name="one_schedule_per_office_key")]
        verbose_name = "pengaturan layanan"
        verbose_name_plural = "pengaturan layanan"

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # New capacities apply to future sessions, never below what is already booked.
        today = timezone.localdate()
        for part in ("pagi", "siang", ""):
            Slot.objects.filter(schedule=self, day__gte=today, part=part).update(
                capacity=Greatest(F("booked"), self.capacity_of(part))
            )

    def capacity_of(self, part: str) -> int:
        return {"pagi": self.capacity_pagi, "siang": self.capacity_siang, "": self.capacity_day}[part]


class Purpose(models.TextChoices):
    PICKUP = "pickup", "Pengambilan"
    APPOINTMENT = "appointment", "Perekaman biometrik"


class Part(models.TextChoices):
    PAGI = "pagi", "Pagi"
    SIANG = "siang", "Siang"


class Slot(models.Model):
    """Room left in one session (part pagi/siang) or one whole day (part empty).

    The check constraint is the last line against overbooking: allocation increments
    `booked` with a conditional update, and the database refuses booked > capacity anyway.
    """

    schedule = models.ForeignKey(ServiceSchedule, on_delete=models.CASCADE, related_name="slots")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    day = models.DateField()
    part = models.CharField(max_length=10, blank=True)
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "purpose", "day", "part"], name="one_slot_per_session"
            ),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"),
        ]
        indexes = [models.Index(fields=["schedule", "purpose", "day"])]


class Approval(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="approval")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=20, default="console")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    schedule_key = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    # A supervisor approved over the guard's refusals: why, and what was overridden.
    override_reason = models.TextField(blank=True)
    overridden = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "persetujuan"
        verbose_name_plural = "persetujuan"

    def __str__(self) -> str:
        return f"persetujuan {self.case}"


class PrintBatch(models.Model):
    day = models.DateField(help_text="the pickup date the batch is printed for")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    printed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-printed_at"]
        verbose_name = "cetakan"
        verbose_name_plural = "cetakan"


class Booking(models.Model):
    """A case's place in one session: a pickup, or a biometric recording appointment."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Aktif"
        MOVED = "moved", "Dipindah"
        DONE = "done", "Selesai"
        CANCELLED = "cancelled", "Dibatalkan"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="bookings")
    schedule = models.ForeignKey(ServiceSchedule, on_delete=models.PROTECT, related_name="bookings")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    day = models.DateField(db_index=True)
    part = models.CharField(max_length=10, choices=Part.choices)
    # The first day this booking could be (the lead time's end): rescheduling never goes earlier.
    earliest = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    no_show_reminded_at = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True, help_text="not collected: for an officer")
    print_batch = models.ForeignKey(PrintBatch, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["day", "part", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "purpose"],
                condition=Q(status="active"),
                name="one_active_booking_per_purpose",
            )
        ]
        verbose_name = "jadwal"
        verbose_name_plural = "jadwal"

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.day:%Y-%m-%d} {self.part}"

    @property
    def session_key(self) -> str:
        return session_key(self.day, self.part)


def session_key(day: dt.date, part: str) -> str:
    return f"{day:%Y%m%d}-{part}"


def parse_session_key(key: str) -> tuple[dt.date, str]:
    """'20261215-pagi' -> (date, 'pagi'); ValueError on anything else."""
    day, _, part = key.partition("-")
    if part not in Part.values:
        raise ValueError(f"unknown session {key!r}")
    return dt.datetime.strptime(day, "%Y%m%d").date(), part


def new_receipt_code() -> str:
    return secrets.token_urlsafe(12)


class Receipt(models.Model):
    """The proof of a booking. Its QR holds a signed token of `code` (no personal data)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="receipts")
    code = models.CharField(max_length=32, unique=True, default=new_receipt_code)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "bukti"
        verbose_name_plural = "bukti"

    def __str__(self) -> str:
        return f"bukti {self.booking.case} ({'dicabut' if self.revoked_at else 'berlaku'})"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class HandOver(models.Model):
    """The card (or issued document) reached the resident: once per case, never twice."""

    class Method(models.TextChoices):
        COUNTER = "counter", "Di loket"
        WHATSAPP = "whatsapp", "Lewat WhatsApp"

    class Relation(models.TextChoices):
        SELF = "pemohon", "Pemohon sendiri"
        PARENT = "orang_tua", "Orang tua"
        GUARDIAN = "wali", "Wali"
        REPRESENTATIVE = "kuasa", "Kuasa (dengan surat kuasa)"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="hand_over")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL)
    method = models.CharField(max_length=10, choices=Method.choices)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    relation = models.CharField(max_length=20, choices=Relation.choices, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    identity_document = models.CharField(max_length=60, blank=True, help_text="e.g. KTP-el, SIM, paspor")
    identity_number_end = models.CharField(max_length=4, blank=True, help_text="last digits only")
    document_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "serah terima"
        verbose_name_plural = "serah terima"

    def __str__(self) -> str:
        return f"serah terima {self.case}"
