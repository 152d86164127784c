"""Console pages for residents' erasure requests ("Permintaan hapus data").

Through `console.access` like every console page (supervisors and administrators; an
account limited to some kecamatan sees the requests of residents with a request there).
Every view and decision is audited; the audit holds ids and counts, no personal data.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from loket.cases.models import Case
from loket.console import audit
from loket.console.access import StaffRequest, console_view, in_area, of_office
from loket.privacy import rights
from loket.privacy.models import ErasureRequest


def erasures_for(request: StaffRequest) -> QuerySet:
    # The office's requests (a request reaches its office through the resident).
    qs = of_office(
        request.staff, ErasureRequest.objects.select_related("resident", "decided_by"), "resident__office_id"
    )
    if request.staff.kecamatan:
        residents = in_area(request.staff, Case.objects.all()).values("resident_id")
        qs = qs.filter(resident_id__in=residents)
    return qs


def _erasure_for(request: StaffRequest, pk: int) -> ErasureRequest:
    found = erasures_for(request).filter(pk=pk).first()
    if found is None:
        raise Http404("Permintaan tidak ditemukan.")
    return found


@console_view("erasure")
def erasures(request: StaffRequest) -> HttpResponse:
    pending = list(erasures_for(request).filter(status=ErasureRequest.Status.PENDING))
    rows = [(e, rights.blockers(e.resident), e.requested_at + rights.DEADLINE) for e in pending]
    decided = erasures_for(request).exclude(status=ErasureRequest.Status.PENDING).order_by("-decided_at")[:50]
    audit.record(request, "erasure_list", detail=f"pending={len(pending)}")
    return render(request, "privacy/erasures.html", {"rows": rows, "decided": decided})


@require_POST
@console_view("erasure")
def confirm_erasure(request: StaffRequest, pk: int) -> HttpResponse:
    erasure = _erasure_for(request, pk)
    try:
        erased = rights.confirm(erasure, actor=request.user)
    except rights.ErasureRefused as exc:
        messages.error(request, f"Permintaan #{erasure.pk} belum dapat dihapus: {exc}")
        return redirect("privacy:erasures")
    counts = " ".join(f"{kind}={n}" for kind, n in erased.items())
    audit.record(request, "erasure_confirm", detail=f"erasure={erasure.pk} {counts}".strip())
    messages.success(request, f"Data pemohon pada permintaan #{erasure.pk} sudah dihapus.")
    return redirect("privacy:erasures")


@require_POST
@console_view("erasure")
def refuse_erasure(request: StaffRequest, pk: int) -> HttpResponse:
    erasure = _erasure_for(request, pk)
    try:
        rights.refuse(erasure, actor=request.user, reason=request.POST.get("reason", ""))
    except rights.ErasureRefused as exc:
        messages.error(request, str(exc))
        return redirect("privacy:erasures")
    audit.record(request, "erasure_refuse", detail=f"erasure={erasure.pk}")
    messages.success(request, f"Permintaan #{erasure.pk} ditolak; alasannya dikirim ke pemohon.")
    return redirect("privacy:erasures")
