"""Cases: the list, one case, its files, and the officer's actions through the console's
workflow and guards (`cases.workflow`, `console.actions`, `scheduling.printing`,
`scheduling.counter`). A case outside the token's scope answers 404, as in the console."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from loket.api import audit, pagination
from loket.api.models import ApiToken
from loket.api.problems import Problem
from loket.api.schemas import (
    ActionOut,
    CaseDetail,
    CaseId,
    CasePage,
    CorrectionIn,
    Day,
    HandOverIn,
    KecamatanCode,
    ProblemOut,
    RejectIn,
    ServiceCode,
)
from loket.cases.guards import ApprovalRefused
from loket.cases.models import Case, CaseEvent, Document, IllegalTransition, State
from loket.cases.workflow import CorrectionItem, WorkflowError, reject, request_correction
from loket.console import actions
from loket.console.files import INLINE_TYPES, document_response
from loket.domain.masking import mask_number
from loket.scheduling import counter, printing
from loket.scheduling.models import Booking, Purpose
from loket.scheduling.receipts import current_receipt

router = Router(tags=["cases"])

READ_ERRORS: dict[int, type] = {400: ProblemOut, 401: ProblemOut, 404: ProblemOut, 422: ProblemOut,
                                429: ProblemOut, 503: ProblemOut}  # fmt: skip
WRITE_ERRORS: dict[int, type] = {**READ_ERRORS, 403: ProblemOut, 409: ProblemOut}
StateCode = Annotated[State, Field(description="status permohonan")]


def token_of(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined]  # set by BearerToken


def case_of(token: ApiToken, case_id: int) -> Case:
    case = token.cases().select_related("resident").filter(pk=case_id).first()
    if case is None:
        raise Problem("not-found", "Permohonan tidak ditemukan.")
    return case


def item(case: Case, token: ApiToken) -> dict:
    return {
        "id": case.pk,
        "request_number": case.request_number,
        "service": case.service,
        "state": case.state,
        "state_label": State(case.state).label,
        "subject": case.subject if token.personal else mask_number(case.subject),
        "kode_kecamatan": case.kode_kecamatan,
        "kode_desa": case.kode_desa,
        "source": case.source,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "state_changed_at": case.state_changed_at,
    }


class CaseFilters(Schema):
    service: ServiceCode | None = None
    state: StateCode | None = None
    kecamatan: KecamatanCode | None = None
    created_from: Day | None = Field(None, description="dibuat pada atau setelah tanggal ini")
    created_to: Day | None = Field(None, description="dibuat pada atau sebelum tanggal ini")
    updated_from: Day | None = Field(None, description="diubah pada atau setelah tanggal ini")
    updated_to: Day | None = Field(None, description="diubah pada atau sebelum tanggal ini")
    cursor: Annotated[str, Field(max_length=200)] | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(token: ApiToken, f: CaseFilters) -> QuerySet:
    qs = token.cases()
    if f.service:
        qs = qs.filter(service=f.service.value)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.kecamatan:
        qs = qs.filter(kode_kecamatan=f.kecamatan)
    if f.created_from:
        qs = qs.filter(created_at__gte=_day_start(f.created_from))
    if f.created_to:
        qs = qs.filter(created_at__lt=_day_start(f.created_to + dt.timedelta(days=1)))
    if f.updated_from:
        qs = qs.filter(updated_at__gte=_day_start(f.updated_from))
    if f.updated_to:
        qs = qs.filter(updated_at__lt=_day_start(f.updated_to + dt.timedelta(days=1)))
    return qs


@router.get("/cases", response={200: CasePage, **READ_ERRORS}, summary="Daftar permohonan")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    """Permohonan dalam cakupan token, urut dari yang terlama. NIK/KK disamarkan kecuali
    token berhak `personal`. Halaman berikutnya: `?cursor=<next>` dengan saringan yang sama."""
    token = token_of(request)
    criteria = filters.dict(exclude={"cursor", "limit"})
    rows, following = pagination.page(
        filtered(token, filters), cursor=filters.cursor, limit=filters.limit, kind="cases", filters=criteria
    )
    if token.personal:
        audit.record(request, token, "api_list_cases", detail=f"count={len(rows)}")
    return {"items": [item(case, token) for case in rows], "next": following}


@router.get("/cases/{case_id}", response={200: CaseDetail, **READ_ERRORS}, summary="Satu permohonan")
def case_detail(request: HttpRequest, case_id: CaseId):
    """Satu permohonan dengan metadata dokumennya dan riwayat statusnya (diaudit)."""
    token = token_of(request)
    case = case_of(token, case_id)
    audit.record(request, token, "api_view_case", case=case)
    documents = [
        {
            "id": doc.pk,
            "label": doc.label,
            "label_name": doc.label_name,
            "status": doc.status,
            "mime_type": doc.mime_type,
            "size": doc.size,
            "sha256": doc.sha256,
            "created_at": doc.created_at,
            "purged": doc.purged_at is not None,
            "download": f"/api/v1/cases/{case.pk}/documents/{doc.pk}/file"
            if token.personal and doc.file and doc.purged_at is None
            else None,
        }
        for doc in Document.objects.filter(case=case)
    ]
    events = [
        {"at": e.at, "from_state": e.from_state, "to_state": e.to_state, "source": e.source, "note": e.note}
        for e in CaseEvent.objects.filter(case=case)
    ]
    return {
        **item(case, token),
        "fields": case.fields if token.personal else None,
        "reject_reason": case.reject_reason if token.personal else None,
        "documents": documents,
        "events": events,
    }


@router.get(
    "/cases/{case_id}/documents/{document_id}/file",
    response={**READ_ERRORS, 403: ProblemOut},
    summary="Unduh berkas dokumen",
    openapi_extra={
        "responses": {
            200: {
                "description": "Berkas (jenis aslinya bila lolos pemeriksaan berkas, selain itu octet-stream)",
                "content": {kind: {} for kind in sorted({*INLINE_TYPES, "application/octet-stream"})},
            }
        }
    },
)
def document_file(request: HttpRequest, case_id: CaseId, document_id: CaseId) -> HttpResponseBase:
    """Berkas dokumen lewat jalur yang sama dengan konsol (diaudit). Hanya token `personal`."""
    token = token_of(request)
    case = case_of(token, case_id)
    if not token.personal:
        raise Problem("personal-scope-required")
    document = Document.objects.filter(case=case, pk=document_id).first()
    if document is None or not document.file or document.purged_at is not None:
        raise Problem("not-found", "Berkas tidak ditemukan.")
    audit.record(request, token, "api_view_document", case=case, document=document)
    return document_response(document)


# --- actions (scope `write`) ------------------------------------------------------------------


def _writable(request: HttpRequest, case_id: int) -> tuple[ApiToken, Case]:
    token = token_of(request)
    case = case_of(token, case_id)
    if not token.may_write:
        raise Problem("insufficient-scope", "Token ini hanya untuk membaca (scope 'read').")
    return token, case


def _done(
    request: HttpRequest, token: ApiToken, case: Case, action: str, detail: str, extra: str = ""
) -> dict:
    audit.record(request, token, action, case=case, detail=extra)
    case.refresh_from_db()
    return {
        "id": case.pk,
        "request_number": case.request_number,
        "state": case.state,
        "state_label": State(case.state).label,
        "detail": detail,
    }


REFUSED = (WorkflowError, IllegalTransition, counter.HandOverRefused)


@router.post(
    "/cases/{case_id}/correction", response={200: ActionOut, **WRITE_ERRORS}, summary="Minta perbaikan"
)
def correction(request: HttpRequest, case_id: CaseId, body: CorrectionIn):
    """Minta pemohon mengirim ulang dokumen tertentu (permohonan harus sedang diperiksa)."""
    token, case = _writable(request, case_id)
    items = [
        CorrectionItem(label=i.label, reasons=[r.value for r in i.reasons], note=i.note) for i in body.items
    ]
    try:
        request_correction(case, items, note=body.note, actor=None, source="api")
    except REFUSED as exc:
        raise Problem("conflict", str(exc)) from exc
    detail = ",".join(i.label for i in items)
    return _done(request, token, case, "api_correction", "Permintaan perbaikan terkirim ke pemohon.", detail)


@router.post("/cases/{case_id}/approve", response={200: ActionOut, **WRITE_ERRORS}, summary="Setujui")
def approve(request: HttpRequest, case_id: CaseId):
    """Setujui lewat pemeriksaan persetujuan yang sama dengan konsol; jadwal dan bukti dikirim."""
    token, case = _writable(request, case_id)
    try:
        actions.approve(case, actor=None, source="api")
    except ApprovalRefused as exc:
        audit.record(request, token, "api_approve_refused", case=case, detail=f"{len(exc.reasons)} syarat")
        raise Problem("approval-refused", str(exc), reasons=list(exc.reasons)) from exc
    except REFUSED as exc:
        raise Problem("conflict", str(exc)) from exc
    return _done(request, token, case, "api_approve", f"Permohonan {case.request_number} disetujui.")


@router.post("/cases/{case_id}/reject", response={200: ActionOut, **WRITE_ERRORS}, summary="Tolak")
def reject_case(request: HttpRequest, case_id: CaseId, body: RejectIn):
    """Tolak dengan alasan dan apa yang dapat dilakukan pemohon."""
    token, case = _writable(request, case_id)
    try:
        reject(case, reason=body.reason, instead=body.instead, actor=None, source="api")
    except REFUSED as exc:
        raise Problem("conflict", str(exc)) from exc
    return _done(request, token, case, "api_reject", f"Permohonan {case.request_number} ditolak.")


@router.post("/cases/{case_id}/printed", response={200: ActionOut, **WRITE_ERRORS}, summary="Tandai tercetak")
def mark_printed(request: HttpRequest, case_id: CaseId):
    """Kartu sudah dicetak: permohonan menjadi siap diambil dan pemohon diberi tahu."""
    token, case = _writable(request, case_id)
    booking = Booking.objects.filter(case=case, purpose=Purpose.PICKUP, status=Booking.Status.ACTIVE).first()
    batch = None
    if booking is not None:
        batch = printing.mark_printed(booking.day, [booking.pk], token.cases(), actor=None, source="api")
    if batch is None:
        raise Problem(
            "conflict",
            f"Permohonan {case.request_number} berstatus '{State(case.state).label}': "
            "hanya kartu yang disetujui dan belum dicetak yang dapat ditandai tercetak.",
        )
    return _done(request, token, case, "api_mark_printed", "Kartu ditandai tercetak.", f"batch={batch.pk}")


@router.post(
    "/cases/{case_id}/hand-over", response={200: ActionOut, **WRITE_ERRORS}, summary="Serahkan kartu"
)
def hand_over(request: HttpRequest, case_id: CaseId, body: HandOverIn):
    """Serahkan kartu yang siap diambil kepada penerima yang disebut (sekali saja)."""
    token, case = _writable(request, case_id)
    receipt = current_receipt(case)
    if receipt is None:
        raise Problem(
            "conflict",
            f"Permohonan {case.request_number} berstatus '{State(case.state).label}' dan tidak punya "
            "bukti pengambilan yang berlaku.",
        )
    try:
        counter.hand_over(
            receipt,
            officer=None,
            relation=body.relation.value,
            recipient_name=body.recipient_name,
            identity_document=body.identity_document,
            identity_number_end=body.identity_number_end,
            source="api",
        )
    except REFUSED as exc:
        raise Problem("conflict", str(exc)) from exc
    return _done(request, token, case, "api_hand_over", f"Kartu {case.request_number} sudah diserahkan.")
