"""The guided conversation's state for one resident (conversation/guided.py asks the questions).

One row per resident, reused: the service being filled in, the question open (`step`), the
answers so far, the choices offered with the last question (so that "2" or a pressed
button maps to a value), and `turn`, which every question raises: a button pressed for an
earlier question carries an older turn and cannot advance the conversation twice. Answers
are wiped when the conversation ends (sent, left or expired): personal data is kept only
on the case.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

__all__ = ["GuidedConversation"]


class GuidedConversation(models.Model):
    class Step(models.TextChoices):
        IDLE = "", "Tidak aktif"
        MENU = "menu", "Menu"
        QUESTION = "question", "Pertanyaan"
        CONFIRM_PLACE = "confirm_place", "Konfirmasi nama tempat"
        SUMMARY = "summary", "Ringkasan"
        CHANGE = "change", "Pilih data yang diubah"
        DOCUMENTS = "documents", "Meminta dokumen"
        PICK_CASE = "pick_case", "Memilih permohonan"
        OFFICER = "officer", "Menunggu petugas"
        REMIND_DATE = "remind_date", "Tanggal lahir untuk pengingat"
        REMIND_CONSENT = "remind_consent", "Persetujuan pengingat"

    resident = models.OneToOneField("cases.Resident", on_delete=models.CASCADE, related_name="guided")
    service = models.CharField(max_length=10, blank=True)
    step = models.CharField(max_length=20, choices=Step.choices, blank=True, default="")
    # The question open (a field key) while step is QUESTION or CONFIRM_PLACE.
    key = models.CharField(max_length=40, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    # A value waiting for confirmation (a roughly matched place), the list page shown.
    pending = models.JSONField(default=dict, blank=True)
    # [[choice id, value, title], ...] offered with the open question, in the order numbered.
    choices = models.JSONField(default=list, blank=True)
    turn = models.PositiveIntegerField(default=0)
    # "guided", or the source token of the poster or link the resident came from.
    source = models.CharField(max_length=40, blank=True, default="guided")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["step", "asked_at"], name="guided_by_step")]
        verbose_name = "percakapan terpandu"
        verbose_name_plural = "percakapan terpandu"

    def __str__(self) -> str:
        return f"percakapan terpandu #{self.pk}"
