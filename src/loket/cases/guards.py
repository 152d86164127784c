"""The approval guard: the one rule that decides whether a case may be approved today.

Every path that approves (the console, `loket cases approve`, later the API) goes through
`scheduling.approval.approve_case`, which asks `approval_refusals` inside the case's row
lock; `Case.move_to` refuses APPROVED to anyone else. A case is approved only when

- every required checklist item has a document that counts (`ChecklistItem.present`),
- the request's data still passes the intake's checks (no error-level problem),
- the age rules hold on the day of approval (a child may have turned 5 or 17 since the
  request: the checks run with that day, and a child now 5 needs a photo),
- the parent's or guardian's consent is on record.

Otherwise the officer reads exactly what is missing, in Bahasa. A supervisor may approve
anyway with a written reason (`may_override`); the approval records the override.
"""

from __future__ import annotations

import copy
import datetime as dt

from django.utils import timezone

from loket.cases.checklist import ChecklistItem, checklist_for
from loket.cases.models import Case
from loket.domain.intake import canonical_message, parse
from loket.offices.regions import index_for

# Roles (console StaffProfile.role) that may approve over the guard's refusals.
OVERRIDE_ROLES = frozenset({"supervisor"})
OVERRIDE_REASON_MIN = 10


class ApprovalRefused(Exception):
    """The guard refused. `reasons` lists what is missing; `str()` is fit for an officer."""

    def __init__(self, request_number: str, reasons: list[str]):
        self.reasons = reasons
        super().__init__(f"Permohonan {request_number} belum dapat disetujui: " + " ".join(reasons))


def approval_refusals(case: Case, *, day: dt.date | None = None) -> list[str]:
    """Why `case` cannot be approved on `day` (today in the office's time zone), in Bahasa;
    an empty list when it can."""
    day = day or timezone.localdate()
    reasons: list[str] = []
    derived = dict(case.derived or {})
    try:
        result = parse(
            canonical_message(case.service, case.fields or {}), today=day, regions=index_for(case.office)
        )
    except (KeyError, ValueError):
        result = None
        reasons.append("Data permohonan tidak lengkap: periksa isian permohonan (NIK, KK, nama, wilayah).")
    if result is not None:
        reasons += [f"Data: {problem.text}" for problem in result.problems]
        if result.ok:
            if result.subject != case.subject:
                reasons.append("Subjek permohonan tidak sama dengan NIK/nomor pada data permohonan.")
            derived.update(result.derived)
    missing = _missing_items(case, derived)
    turned_five = derived.get("perlu_foto") and not (case.derived or {}).get("perlu_foto")
    if turned_five and any(item.key == "pas_foto" for item in missing):
        reasons.append("Anak sudah berumur 5 tahun sejak permohonan diajukan: pas foto sekarang wajib.")
    if missing:
        labels = ", ".join(item.label for item in missing)
        reasons.append(f"Dokumen belum ada atau tidak dapat dipakai: {labels}.")
    if not _consent_on_record(case):
        reasons.append("Persetujuan pemrosesan data dari pemohon belum tercatat.")
    return reasons


def _missing_items(case: Case, derived: dict) -> list[ChecklistItem]:
    # The checklist as it stands on the day of approval (a photo once the child is 5).
    as_of_today = copy.copy(case)
    as_of_today.derived = derived
    documents = list(case.documents.all()) if case.pk else []
    return [item for item in checklist_for(as_of_today, documents) if not item.present]


def _consent_on_record(case: Case) -> bool:
    # The consent row belongs to the channel that asked; read through the relation.
    return Case.objects.filter(pk=case.pk, consent__agreed=True).exists()


def may_override(actor: object) -> bool:
    """Only a supervisor approves over the guard's refusals."""
    profile = getattr(actor, "staff", None) if actor is not None else None
    return getattr(profile, "role", None) in OVERRIDE_ROLES


def override_problem(actor: object, reason: str) -> str:
    """Why this override is not accepted ("" when it is)."""
    if not may_override(actor):
        return "Hanya supervisor yang dapat menyetujui permohonan yang belum memenuhi syarat."
    if len(reason.strip()) < OVERRIDE_REASON_MIN:
        return f"Tulis alasan pengecualian (paling sedikit {OVERRIDE_REASON_MIN} huruf)."
    return ""
