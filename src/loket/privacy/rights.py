"""The resident's rights over WhatsApp (UU 27/2022 Pasal 5-8): what Loket holds about them
(`DATA SAYA`), and erasure on request (`HAPUS DATA`), which an officer decides in the console.

The channel routes the keywords here and sends what comes back; this module sends nothing
itself except through the notifier the channel registers (a capability never imports a
channel).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from loket.cases.checklist import kind_label
from loket.cases.models import OPEN_STATES, Case, Document, Resident, State
from loket.domain.masking import mask_number
from loket.messaging.port import same_person
from loket.privacy import retention
from loket.privacy.models import ErasureRequest

# A card handed over this recently keeps its request's record: "Bukan Anda? Balas PETUGAS"
# lets the resident dispute the hand-over within this window (the same 30 days STATUS shows).
HAND_OVER_DISPUTE = dt.timedelta(days=30)
DEADLINE = dt.timedelta(hours=72)  # 3 x 24 hours (Pasal 32 and following)

Notifier = Callable[[Resident, str], None]
_notifier: list[Notifier] = []


# Lines other capabilities add to DATA SAYA (outreach: whether reminders are on), registered
# from their `ready()`: privacy sits below them and never imports them.
SummaryLine = Callable[[Resident], str]
_summary_lines: list[SummaryLine] = []


def register_summary_line(line: SummaryLine) -> None:
    if line not in _summary_lines:
        _summary_lines.append(line)


def register_notifier(send: Notifier) -> None:
    """The channel's way to send a resident a text (the decision on their request)."""
    _notifier[:] = [send]


def _notify(resident: Resident, text: str) -> None:
    for send in _notifier:
        send(resident, text)


def _date(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%d-%m-%Y}"


# --- DATA SAYA -----------------------------------------------------------------------------


def my_data_text(resident: Resident) -> str:
    """A short summary of what Loket holds about this person; numbers masked."""
    people = same_person(resident)
    lines = [f"Data Anda di layanan WhatsApp Disdukcapil (nomor {resident.masked_phone}):"]
    cases = list(Case.objects.filter(resident__in=people).order_by("created_at", "pk"))
    if cases:
        lines.append("Permohonan:")
        for n, case in enumerate(cases, 1):
            subject = f", {mask_number(case.subject)}" if case.subject else ""
            lines.append(
                f"{n}. {case.request_number} ({case.service}{subject}): {State(case.state).label}, "
                f"dibuat {_date(case.created_at)}."
            )
    else:
        lines.append("Permohonan: tidak ada.")
    kinds = Counter(
        Document.objects.filter(resident__in=people, purged_at__isnull=True).values_list("label", flat=True)
    )
    if kinds:
        listed = ", ".join(
            f"{kind_label(k) if k else 'tanpa keterangan'} {n}" for k, n in sorted(kinds.items())
        )
        lines.append(f"Berkas tersimpan: {sum(kinds.values())} ({listed}).")
    else:
        lines.append("Berkas tersimpan: tidak ada.")
    consented = [r for r in people if r.consent_at]
    if consented:
        latest = max(consented, key=lambda r: r.consent_at)
        lines.append(
            f"Persetujuan privasi: {_date(latest.consent_at)} (versi {latest.consent_version or '-'})."
        )
    lines.extend(text for text in (line(resident) for line in _summary_lines) if text)
    lines.append(
        f"Berkas disimpan {resident.office.effective('LOKET_RETAIN_DOCUMENTS_DAYS')} hari setelah permohonan selesai, "
        f"isi pesan {resident.office.effective('LOKET_RETAIN_MESSAGES_DAYS')} hari."
    )
    lines.append("Untuk membetulkan data ketik PETUGAS; untuk menghapus ketik HAPUS DATA.")
    return "\n".join(lines)


# --- HAPUS DATA ----------------------------------------------------------------------------


def blockers(resident: Resident, now: dt.datetime | None = None) -> list[str]:
    """Why the data cannot be erased now (officer- and resident-facing, Bahasa); [] if it can."""
    now = now or timezone.now()
    people = same_person(resident)
    reasons = []
    running = Case.objects.filter(resident__in=people, state__in=sorted(OPEN_STATES)).order_by("pk")
    for case in running:
        reasons.append(
            f"Permohonan {case.request_number} masih berjalan ({State(case.state).label}). "
            "Data dapat dihapus setelah selesai atau dibatalkan (ketik BATAL lalu nomornya)."
        )
    recent = Case.objects.filter(
        resident__in=people, state=State.COLLECTED, state_changed_at__gt=now - HAND_OVER_DISPUTE
    ).order_by("pk")
    for case in recent:
        until = case.state_changed_at + HAND_OVER_DISPUTE
        reasons.append(
            f"Dokumen {case.request_number} baru diserahkan; catatan penyerahan wajib disimpan "
            f"sampai {_date(until)}."
        )
    return reasons


def request_erasure(resident: Resident, *, wamid: str = "") -> str:
    """Record the request (one pending per person) and return the answer to the resident."""
    people = same_person(resident)
    pending = ErasureRequest.objects.filter(resident__in=people, status=ErasureRequest.Status.PENDING).first()
    if pending is None:
        try:
            with transaction.atomic():
                pending = ErasureRequest.objects.create(resident=resident, wamid=wamid[:200])
        except IntegrityError:  # the same person's second message at the same moment
            pending = ErasureRequest.objects.get(resident=resident, status=ErasureRequest.Status.PENDING)
    deadline = _date(pending.requested_at + DEADLINE)
    lines = [
        f"Permintaan hapus data Anda kami catat (nomor {pending.pk}). Petugas memutuskan paling "
        f"lambat {deadline} dan mengabari Anda di sini."
    ]
    reasons = blockers(resident)
    if reasons:
        lines.append("Saat ini data belum dapat dihapus:")
        lines += [f"- {reason}" for reason in reasons]
    return "\n".join(lines)


class ErasureRefused(Exception):
    """The erasure cannot be done now; `str()` says why (Bahasa)."""


def confirm(request: ErasureRequest, *, actor) -> dict[str, int]:
    """Erase the person's data now (not the minimal record: number, service, dates, states).

    Refused while a request is running or a record must be kept; the request stays pending.
    """
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ErasureRequest.Status.PENDING:
            raise ErasureRefused("Permintaan ini sudah diputuskan.")
        resident = locked.resident
        reasons = blockers(resident)
        if reasons:
            raise ErasureRefused(" ".join(reasons))
        people = list(same_person(resident).values_list("pk", flat=True))
        counts = retention.purge(retention.for_residents(people)).counts
        Resident.objects.filter(pk__in=people).update(profile_name="")
        now = timezone.now()
        erased = {k: n for k, n in counts.items() if n}
        ErasureRequest.objects.filter(pk=locked.pk).update(
            status=ErasureRequest.Status.CONFIRMED, decided_at=now, decided_by=actor, erased=erased
        )
        _notify(
            resident,
            "Data Anda sudah kami hapus: berkas, isi pesan, dan data pribadi permohonan. Yang tetap "
            "tercatat hanya nomor permohonan, jenis layanan, tanggal, dan statusnya. Nomor WhatsApp "
            "Anda kami hapus besok.",
        )
    request.refresh_from_db()
    return erased


def refuse(request: ErasureRequest, *, actor, reason: str) -> None:
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise ErasureRefused("Tuliskan alasan penolakan; alasan ini dikirim ke pemohon.")
    with transaction.atomic():
        updated = ErasureRequest.objects.filter(pk=request.pk, status=ErasureRequest.Status.PENDING).update(
            status=ErasureRequest.Status.REFUSED, decided_at=timezone.now(), decided_by=actor, reason=reason
        )
        if not updated:
            raise ErasureRefused("Permintaan ini sudah diputuskan.")
        _notify(
            request.resident,
            f"Permintaan hapus data Anda (nomor {request.pk}) belum dapat kami penuhi: {reason} "
            "Anda dapat mengajukannya lagi dengan mengetik HAPUS DATA.",
        )
    request.refresh_from_db()
