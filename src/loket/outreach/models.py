"""A resident's outreach preferences, their audit trail, children to remind about, reminders sent."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from loket.offices.models import default_office


class Purpose(models.TextChoices):
    """Why Loket would write first about something the resident has not requested."""

    REMINDER = "reminder", "Pengingat"
    CAMPAIGN = "campaign", "Informasi layanan"
    SURVEY = "survey", "Survei kepuasan"


class Preference(models.Model):
    """What one resident (one address) said. Changes are applied to every address of the
    same person; `preferences.allows` reads them all."""

    resident = models.OneToOneField("cases.Resident", on_delete=models.CASCADE, related_name="outreach")
    # None: never answered; True/False: the answer to the question (or MULAI / BERHENTI).
    reminders = models.BooleanField(null=True)
    campaigns = models.BooleanField(null=True)
    stopped_at = models.DateTimeField(null=True, blank=True, help_text="BERHENTI/STOP: nothing unrequested")
    asked_at = models.DateTimeField(null=True, blank=True, help_text="the question after a completed request")
    asked_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Children are collected from this resident's requests with a larger id (see reminders).
    cases_seen_upto = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "preferensi pengingat"
        verbose_name_plural = "preferensi pengingat"

    def __str__(self) -> str:
        return f"preferensi #{self.resident_id}"


class ConsentEvent(models.Model):
    """One opt-in or opt-out, when and by which message: the proof of consent (UU 27/2022 Pasal 24)."""

    class Action(models.TextChoices):
        ASKED = "asked", "Ditanya"
        OPT_IN = "opt_in", "Setuju menerima"
        DECLINED = "declined", "Tidak mau menerima"
        STOPPED = "stopped", "BERHENTI"
        RESUMED = "resumed", "MULAI"
        CHILD_ADDED = "child_added", "Minta diingatkan (tanggal lahir anak)"

    resident = models.ForeignKey("cases.Resident", on_delete=models.CASCADE, related_name="outreach_events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    purposes = models.JSONField(default=list, help_text="purposes the action covers")
    via = models.CharField(max_length=20, help_text="button | keyword | guided | counter")
    message_ref = models.CharField(max_length=200, blank=True, help_text="the channel's id of the message")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "riwayat persetujuan pengingat"
        verbose_name_plural = "riwayat persetujuan pengingat"

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.resident_id} {self.at:%Y-%m-%d %H:%M}"


class Child(models.Model):
    """A child a resident may be reminded about: seen in one of their requests (by NIK, kept
    only as a keyed hash) or registered with a birth date ("Ingatkan saya")."""

    class Source(models.TextChoices):
        CASE = "case", "Dari permohonan"
        ASKED = "asked", "Didaftarkan pemohon"

    resident = models.ForeignKey("cases.Resident", on_delete=models.CASCADE, related_name="outreach_children")
    key = models.CharField(max_length=80, help_text="nik:<keyed hash> or lahir:<date>")
    birth_date = models.DateField(db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resident", "key"], name="outreach_one_child_per_key")]
        verbose_name = "anak (pengingat)"
        verbose_name_plural = "anak (pengingat)"

    def __str__(self) -> str:
        return f"anak #{self.pk} ({self.get_source_display()})"


class ReminderSent(models.Model):
    """One reminder about one event of one child, told once: the unique key is the guarantee.

    Not a foreign key to `Child`: a child row goes when consent is withdrawn, this record
    stays so that a MULAI later never repeats an event already told."""

    resident = models.ForeignKey("cases.Resident", on_delete=models.CASCADE, related_name="+")
    child_key = models.CharField(max_length=80)
    event = models.CharField(max_length=20)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident", "child_key", "event"], name="outreach_once_per_event")
        ]
        verbose_name = "pengingat terkirim"
        verbose_name_plural = "pengingat terkirim"

    def __str__(self) -> str:
        return f"{self.event} #{self.resident_id} {self.due_on}"


class Campaign(models.Model):
    """A supervisor's campaign for one service in the places where coverage is lowest: a
    MARKETING template to residents who said yes to service news, and posters (click-to-chat
    QR codes with a source token) for the places people already go. See docs/outreach.md."""

    name = models.CharField(max_length=120)
    # The office this row belongs to (docs/offices.md); the only office when none is named.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="campaigns"
    )
    service = models.CharField(max_length=10)
    template = models.CharField(max_length=100, help_text="declared MARKETING template")
    # Target: kecamatan codes ("36.03.01"), optionally narrowed to desa codes inside them.
    kecamatan = models.JSONField(default=list)
    desa = models.JSONField(default=list, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "kampanye"
        verbose_name_plural = "kampanye"

    def __str__(self) -> str:
        return f"kampanye #{self.pk} {self.name}"


class CampaignRecipient(models.Model):
    """One resident a campaign reached: once per campaign per person (the unique key), and what
    followed (delivered, read, replied, a request opened, the card collected)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    resident = models.ForeignKey("cases.Resident", on_delete=models.CASCADE, related_name="+")
    kode_kecamatan = models.CharField(max_length=8, blank=True, db_index=True)
    kode_desa = models.CharField(max_length=13, blank=True)
    message_ref = models.BigIntegerField(
        null=True, blank=True, help_text="the channel's record of the message"
    )
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    collected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "resident"], name="outreach_campaign_once_per_person")
        ]
        verbose_name = "penerima kampanye"
        verbose_name_plural = "penerima kampanye"

    def __str__(self) -> str:
        return f"kampanye #{self.campaign_id} → #{self.resident_id}"
