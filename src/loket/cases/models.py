"""Cases: one per request a resident sends, with its documents and its history.

The state machine lives here and nowhere else: every change of state, from the channel,
the console, the command line or the admin, goes through `Case.move_to`, which refuses an
illegal transition with a clear message and records who made it and when.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from loket.offices.models import default_office


class IllegalTransition(Exception):
    """A state change the workflow does not allow. `str()` is fit to show an officer."""


class State(models.TextChoices):
    WAITING_DOCUMENTS = "waiting_documents", "Menunggu dokumen"
    QUEUED = "queued", "Lengkap, dalam antrean"
    IN_REVIEW = "in_review", "Sedang diperiksa"
    NEEDS_CORRECTION = "needs_correction", "Perlu perbaikan"
    APPROVED = "approved", "Disetujui"
    READY_FOR_PICKUP = "ready_for_pickup", "Siap diambil"
    COLLECTED = "collected", "Sudah diambil"
    REJECTED = "rejected", "Ditolak"
    CANCELLED = "cancelled", "Dibatalkan"
    EXPIRED = "expired", "Kedaluwarsa"


OPEN_STATES = frozenset(
    {
        State.WAITING_DOCUMENTS,
        State.QUEUED,
        State.IN_REVIEW,
        State.NEEDS_CORRECTION,
        State.APPROVED,
        State.READY_FOR_PICKUP,
    }
)
CLOSED_STATES = frozenset(set(State) - OPEN_STATES)

# States entered only through their own guarded action (approval with its guard, printing,
# hand-over): `move_to` refuses them to any other caller, and says what to use instead.
GUARDED_STATES: dict[str, str] = {
    State.APPROVED: "setujui lewat konsol (tombol Setujui) atau `loket cases approve NOMOR`",
    State.READY_FOR_PICKUP: "tandai kartu tercetak di halaman Daftar cetak konsol (/console/printing/)",
    State.COLLECTED: (
        "serahkan di halaman Loket serah terima (/console/counter/), atau kirim dokumen terbitan lewat konsol"
    ),
}

# from-state -> the states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    State.WAITING_DOCUMENTS: frozenset(
        {State.QUEUED, State.CANCELLED, State.EXPIRED, State.REJECTED, State.IN_REVIEW}
    ),
    State.QUEUED: frozenset({State.IN_REVIEW, State.WAITING_DOCUMENTS, State.CANCELLED, State.REJECTED}),
    State.IN_REVIEW: frozenset(
        {State.NEEDS_CORRECTION, State.APPROVED, State.REJECTED, State.QUEUED, State.CANCELLED}
    ),
    State.NEEDS_CORRECTION: frozenset(
        {State.QUEUED, State.IN_REVIEW, State.CANCELLED, State.EXPIRED, State.REJECTED}
    ),
    State.APPROVED: frozenset({State.READY_FOR_PICKUP, State.COLLECTED, State.CANCELLED}),
    State.READY_FOR_PICKUP: frozenset({State.COLLECTED, State.CANCELLED}),
    State.COLLECTED: frozenset(),
    State.REJECTED: frozenset(),
    State.CANCELLED: frozenset(),
    State.EXPIRED: frozenset(),
}


class Resident(models.Model):
    """A person writing to one of the office's numbers.

    Keyed on (office number, user id): the user id is the WhatsApp id when there is one,
    else the business-scoped user id (since 2026 some users have no phone number).
    """

    channel_number = models.CharField(max_length=32, help_text="phone_number_id of the office number")
    # The office this row belongs to (docs/offices.md); the only office when none is named.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, default=default_office, related_name="residents"
    )
    user_id = models.CharField(max_length=128)
    wa_id = models.CharField(max_length=32, blank=True)
    bsuid = models.CharField(max_length=128, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    profile_name = models.CharField(max_length=200, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    # Set when the identity was anonymised (loket.privacy: retention or an erasure).
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel_number", "user_id"], name="resident_per_number")
        ]
        verbose_name = "pemohon"
        verbose_name_plural = "pemohon"

    def __str__(self) -> str:
        return self.profile_name or f"pemohon #{self.pk}"

    @property
    def masked_phone(self) -> str:
        digits = self.phone or self.wa_id
        return f"{digits[:4]}••••{digits[-3:]}" if len(digits) >= 8 else "••••"


class RequestCounter(models.Model):
    """Per service and day, the last sequence number handed out (KIA-20261130-0042)."""

    service = models.CharField(max_length=10)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "day"], name="one_counter_per_service_day")]


def next_request_number(service: str, day: dt.date) -> str:
    """Hand out the next number for (service, day); safe under concurrent callers."""
    with transaction.atomic(savepoint=False):
        last = _count_up(service, day)
        if last is None:  # the first number of the day
            RequestCounter.objects.get_or_create(service=service, day=day)
            last = _count_up(service, day)
    return f"{service}-{day:%Y%m%d}-{last:04d}"


def _count_up(service: str, day: dt.date) -> int | None:
    """Increment and read the counter in one statement (the row lock serialises callers)."""
    table = connection.ops.quote_name(RequestCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "last" = "last" + 1 WHERE "service" = %s AND "day" = %s RETURNING "last"',  # noqa: S608
            [service, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


class Case(models.Model):
    request_number = models.CharField(max_length=32, unique=True)
    service = models.CharField(max_length=10, db_index=True)
    # What the request is about: NIK (KIA, KTP, SKPWNI), NO_KK (KK) or NO_SKPWNI (SKDWNI).
    subject = models.CharField(max_length=64)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="cases")
    # The office the case belongs to: always its resident's (the office of the number the
    # resident wrote to), set by `save` when the caller names none (docs/offices.md).
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(max_length=20, choices=State.choices, default=State.WAITING_DOCUMENTS)
    fields = models.JSONField(default=dict)
    derived = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    raw_text = models.TextField(blank=True)
    # Where the request comes from, for area-scoped access (dotted Kemendagri codes).
    kode_kecamatan = models.CharField(max_length=8, blank=True, db_index=True)
    kode_desa = models.CharField(max_length=13, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    reject_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    # Officer-chosen variations of the checklist (e.g. {"single_parent": true}).
    checklist_options = models.JSONField(default=dict, blank=True)
    # Last time the assigned officer did anything on the case (idle cases return to the queue).
    last_touched_at = models.DateTimeField(null=True, blank=True)
    # After a resend the case goes back to the officer who asked for the correction, first.
    preferred_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the personal fields were removed (loket.privacy); number, service, dates and
    # states stay.
    purged_at = models.DateTimeField(null=True, blank=True)
    # How the request arrived: "typed" (a `#…#` message), "guided" (the guided conversation),
    # "operator" (a village operator's console form), or the source token of the poster or
    # campaign link it came from (e.g. "POSY-3603031"). Shown by `loket case show --json`.
    source = models.CharField(max_length=40, default="typed", blank=True, db_index=True)

    class Meta:
        constraints = [
            # One open case per resident, service and subject: a parent has one per child,
            # and sending the same request again updates it instead of opening a second.
            models.UniqueConstraint(
                fields=["resident", "service", "subject"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="one_open_case_per_subject",
            )
        ]
        indexes = [models.Index(fields=["service", "state", "state_changed_at"])]
        verbose_name = "permohonan"
        verbose_name_plural = "permohonan"

    def __str__(self) -> str:
        return self.request_number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def can_move_to(self, new_state: str) -> bool:
        return new_state in TRANSITIONS.get(self.state, frozenset())

    def move_to(
        self, new_state: str, *, actor=None, note: str = "", source: str = "system", through: str = ""
    ) -> CaseEvent:
        """Change state if the workflow allows it, recording the transition.

        Locks the row so that two officers (or an officer and the channel) cannot both
        move the same case from the same state. A guarded state (`GUARDED_STATES`) is
        entered only by its own action, which checks its guard first and says so by
        passing `through=<that state>`.
        """
        if new_state in GUARDED_STATES and through != new_state:
            raise IllegalTransition(
                f"Status '{State(new_state).label}' tidak dapat diubah langsung: {GUARDED_STATES[new_state]}."
            )
        with transaction.atomic():
            current = Case.objects.select_for_update().get(pk=self.pk)
            if new_state not in TRANSITIONS.get(current.state, frozenset()):
                raise IllegalTransition(
                    f"Permohonan {current.request_number} berstatus '{State(current.state).label}' "
                    f"dan tidak dapat diubah menjadi '{State(new_state).label}'."
                )
            now = timezone.now()
            Case.objects.filter(pk=self.pk).update(state=new_state, state_changed_at=now, updated_at=now)
            event = CaseEvent.objects.create(
                case=current,
                from_state=current.state,
                to_state=new_state,
                actor=actor,
                source=source,
                note=note,
                at=now,
            )
        self.state, self.state_changed_at = new_state, now
        return event


@receiver(pre_save, sender=Case, dispatch_uid="cases.office_from_resident")
def _office_from_resident(sender, instance: Case, raw: bool = False, **kwargs) -> None:
    """A case belongs to its resident's office when none is named: a signal rather than a
    `save()` of its own, so that `core.rows.insert_row` (which sends it) may write cases."""
    if not raw and instance.office_id is None and instance.resident_id is not None:
        instance.office_id = Resident.objects.values_list("office_id", flat=True).get(pk=instance.resident_id)


class CaseEvent(models.Model):
    """One transition of a case: who (or what) moved it, from where, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=20, default="system")  # channel | console | cli | admin | system
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


def document_path(document: Document, filename: str) -> str:
    # One folder per case (or per resident while unfiled): purging a case's files is
    # deleting one folder.
    owner = f"cases/{document.case_id}" if document.case_id else f"unfiled/{document.resident_id}"
    return f"{owner}/{filename}"


class Document(models.Model):
    """A file a resident sent (photo, PDF), filed to a case or waiting for an officer."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Diterima"
        ACCEPTED = "accepted", "Sesuai"
        NEEDS_CORRECTION = "needs_correction", "Perlu dikirim ulang"
        UNAVAILABLE = "unavailable", "Gagal diunduh"
        # Not what it claims (or over a limit): kept for an officer, never counted.
        REFUSED = "refused", "Ditolak: bukan foto/PDF yang sah"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="documents")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents")
    label = models.CharField(max_length=30, blank=True, help_text="checklist key, e.g. akta_kelahiran")
    caption = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to=document_path, max_length=300, blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    source_message_id = models.CharField(max_length=128, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Why an officer asked for it again (keys of loket.cases.corrections.REASONS) and free text.
    correction_reasons = models.JSONField(default=list, blank=True)
    correction_note = models.CharField(max_length=500, blank=True)
    # Why the file was refused (a code of loket.domain.files.REFUSALS) and what the check saw.
    refusal = models.CharField(max_length=30, blank=True)
    refusal_note = models.CharField(max_length=200, blank=True)
    # Set when the file was removed from storage (loket.privacy); the row stays, marked.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "dokumen"
        verbose_name_plural = "dokumen"

    def __str__(self) -> str:
        return f"{self.label or 'dokumen'} #{self.pk}"

    @property
    def label_name(self) -> str:
        from loket.cases.checklist import kind_label

        return kind_label(self.label) if self.label else "Tanpa label"


class Correction(models.Model):
    """One request to the resident to resend documents: what was wrong, and the message sent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # [{"label": "ktp_ibu", "document": 12 | null, "reasons": ["buram"], "note": ""}]
    items = models.JSONField(default=list)
    note = models.TextField(blank=True)
    message_text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
