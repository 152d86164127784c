"""Console pages. Each view goes through `access.console_view` and `access.case_for`."""

from __future__ import annotations

import csv
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from loket.cases.checklist import ALL_KINDS, checklist_for
from loket.cases.guards import OVERRIDE_REASON_MIN, ApprovalRefused, approval_refusals, may_override
from loket.cases.models import OPEN_STATES, Case, CaseEvent, IllegalTransition, State
from loket.cases.workflow import (
    REASONS,
    CorrectionItem,
    WorkflowError,
    duplicates_for,
    reject,
    request_correction,
)
from loket.console import actions, audit
from loket.console.access import (
    audit_for,
    case_for,
    cases_for,
    colleagues_for,
    console_view,
    document_for,
    may,
    require_service,
    services_of,
    staff_for,
)
from loket.console.conversation import conversation_for, reply_window
from loket.console.files import document_response
from loket.console.identity import explain_warning, nik_facts
from loket.console.masking import mask_number
from loket.console.models import CannedReply, Role
from loket.console.queue import ReviewLimitReached, take_next, touch
from loket.console.services import SERVICES
from loket.messaging import port
from loket.regions.models import Region
from loket.scheduling import receipts
from loket.scheduling.approval import planned_session
from loket.scheduling.models import Approval, Booking
from loket.scheduling.office import calendar_warning_text, calendar_warnings, long_date, session_label
from loket.scheduling.receipts import current_receipt

QUEUE_STATES = [State.QUEUED, State.IN_REVIEW, State.NEEDS_CORRECTION, State.WAITING_DOCUMENTS]
WAITING_FILTERS = {
    "1j": ("lebih dari 1 jam", 1),
    "1h": ("lebih dari 1 hari", 24),
    "3h": ("lebih dari 3 hari", 72),
}


def _kecamatan_names() -> dict[str, str]:
    """The office's own kecamatan (the region table also holds every other one in the country)."""
    mine = Region.objects.filter(
        level=Region.Level.KECAMATAN, kode__startswith=f"{settings.LOKET_REGION_CODE}."
    )
    return dict(mine.values_list("kode", "nama"))


@console_view("home")
def home(request):
    profile = request.staff
    counts = {}
    if may(profile, "queue"):
        rows = (
            cases_for(request)
            .filter(state__in=QUEUE_STATES)
            .values("service", "state")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts.setdefault(row["service"], {})[row["state"]] = row["n"]
    services = (
        [(code, SERVICES[code], counts.get(code, {})) for code in services_of(profile)]
        if may(profile, "queue")
        else []
    )
    mine = (
        cases_for(request).filter(assigned_to=request.user, state=State.IN_REVIEW)
        if may(profile, "case")
        else []
    )
    # Administrators and supervisors keep the calendar right: tell them when it is guessing.
    calendar = (
        [calendar_warning_text(w) for w in calendar_warnings()]
        if profile.role in (Role.ADMIN, Role.SUPERVISOR)
        else []
    )
    context = {
        "services": services,
        "mine": mine,
        "State": State,
        "calendar_warnings": calendar,
        # The channels' own pages for administrators (quarantine), linked without naming a channel.
        "review_pages": port.review_pages() if profile.role == Role.ADMIN else [],
    }
    return render(request, "console/home.html", context)


def _filtered_queue(request, service: str):
    qs = cases_for(request).filter(service=service).select_related("assigned_to")
    f = request.GET
    state = f.get("state") or ""
    qs = qs.filter(state=state) if state in State.values else qs.filter(state__in=QUEUE_STATES)
    if f.get("kecamatan"):
        qs = qs.filter(kode_kecamatan=f["kecamatan"])
    if f.get("waiting") in WAITING_FILTERS:
        qs = qs.filter(created_at__lt=timezone.now() - dt.timedelta(hours=WAITING_FILTERS[f["waiting"]][1]))
    if f.get("warnings") == "ya":
        qs = qs.exclude(warnings=[])
    elif f.get("warnings") == "tidak":
        qs = qs.filter(warnings=[])
    assigned = f.get("assigned")
    if assigned == "saya":
        qs = qs.filter(assigned_to=request.user)
    elif assigned == "belum":
        qs = qs.filter(assigned_to__isnull=True)
    return qs.order_by("created_at", "pk")


@console_view("queue")
def queue(request, service: str):
    require_service(request, service)
    cases = list(_filtered_queue(request, service)[:200])
    now = timezone.now()
    names = _kecamatan_names()
    rows = [
        {
            "case": c,
            "subject": mask_number(c.subject),
            "waiting": now - c.created_at,
            "kecamatan": names.get(c.kode_kecamatan, c.kode_kecamatan),
            "returned": c.returned_at
            and c.preferred_officer_id == request.user.pk
            and c.state == State.QUEUED,
        }
        for c in cases
    ]
    area = request.staff.kecamatan or sorted(names)
    context = {
        "service": service,
        "service_name": SERVICES[service],
        "rows": rows,
        "states": [(s.value, s.label) for s in QUEUE_STATES],
        "kecamatan_choices": [(k, names.get(k, k)) for k in area],
        "waiting_choices": [(k, v[0]) for k, v in WAITING_FILTERS.items()],
        "f": request.GET,
    }
    template = "console/_queue_rows.html" if request.htmx else "console/queue.html"
    return render(request, template, context)


@console_view("queue")
@require_POST
def take(request, service: str):
    require_service(request, service)
    try:
        case = take_next(request.user, cases_for(request).filter(service=service))
    except ReviewLimitReached as exc:
        messages.warning(request, str(exc))
        return redirect("console:queue", service=service)
    if case is None:
        messages.info(request, "Antrean kosong. Tidak ada permohonan yang menunggu.")
        return redirect("console:queue", service=service)
    audit.record(request, "take_next", case=case)
    return redirect("console:case", pk=case.pk)


@console_view("reports")
def export(request, service: str):
    """The queue as CSV, masked: no whole NIK or KK leaves the case page."""
    require_service(request, service)
    audit.record(request, "export", detail=f"service={service}")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="antrean-{service}.csv"'
    writer = csv.writer(response)
    writer.writerow(["nomor", "status", "subjek", "kecamatan", "masuk", "petugas"])
    for c in _filtered_queue(request, service):
        writer.writerow(
            [
                c.request_number,
                c.get_state_display(),
                mask_number(c.subject),
                c.kode_kecamatan,
                timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
                c.assigned_to or "",
            ]
        )
    return response


def _can_act(request, case: Case) -> bool:
    return request.staff.role == Role.SUPERVISOR or case.assigned_to_id == request.user.pk


@console_view("case")
def case_page(request, pk: int):
    case = case_for(request, pk)
    audit.record(request, "view_case", case=case)
    touch(case, request.user)
    fields = case.fields or {}
    checklist = checklist_for(case)
    listed = {doc.pk for item in checklist for doc in item.documents}
    context = {
        "case": case,
        "fields": fields,
        "facts": nik_facts(case.subject if case.service != "KK" else "", case.service)
        if case.subject
        else None,
        "warnings": [explain_warning(w) for w in case.warnings or []],
        "checklist": checklist,
        "documents": list(case.documents.all()),
        "unlisted": [doc for doc in case.documents.all() if doc.pk not in listed],
        "duplicates": duplicates_for(case),
        "conversation": conversation_for(case),
        "window": reply_window(case.resident),
        "canned": CannedReply.objects.filter(Q(service="") | Q(service=case.service)),
        "reasons": REASONS,
        "kinds": [(k, v.label) for k, v in ALL_KINDS.items()],
        "events": CaseEvent.objects.filter(case=case).select_related("actor"),
        "audit": case.audit_entries.select_related("actor")[:30],
        "can_act": _can_act(request, case),
        "can_reassign": may(request.staff, "reassign"),
        "colleagues": colleagues_for(case, request.staff).exclude(user=request.user),
        "State": State,
        "is_open": case.state in OPEN_STATES,
        # What the approval guard would refuse now, shown before the officer asks to approve.
        "refusals": approval_refusals(case) if case.state == State.IN_REVIEW else [],
        "receipt": current_receipt(case),
        "approval": Approval.objects.filter(case=case).select_related("actor").first(),
    }
    return render(request, "console/case.html", context)


@console_view("document")
@xframe_options_sameorigin  # the PDF viewer on the case page embeds it; other sites still cannot
def document_file(request, pk: int, doc: int):
    case = case_for(request, pk)
    document = document_for(request, case, doc)
    if not document.file:
        raise Http404("Berkas tidak tersedia.")
    audit.record(request, "view_document", case=case, document=document)
    touch(case, request.user)
    return document_response(document)


def _act(request, pk: int):
    case = case_for(request, pk)
    if not _can_act(request, case):
        messages.error(request, "Permohonan ini sedang diperiksa petugas lain.")
        return case, False
    return case, True


def _back(case):
    return redirect("console:case", pk=case.pk)


def _carry_out(
    request, case, step, *, action, done, detail="", then=None, refusals=(WorkflowError, IllegalTransition)
):
    """Run one workflow step: a refusal goes back to the case page with its reason; success
    is audited and told, then the officer moves on (by default to the service's queue)."""
    try:
        step()
    except refusals as exc:
        messages.error(request, str(exc))
        return _back(case)
    audit.record(request, action, case=case, detail=detail)
    messages.success(request, done)
    return then if then is not None else redirect("console:queue", service=case.service)


@console_view("act")
@require_POST
def correction(request, pk: int):
    case, ok = _act(request, pk)
    if not ok:
        return _back(case)
    # A document counts as chosen when ticked or when a reason or note was given for it.
    chosen = [k for k in ALL_KINDS if k in request.POST.getlist("label")]
    chosen += [
        k
        for k in ALL_KINDS
        if k not in chosen
        and (request.POST.getlist(f"reason_{k}") or request.POST.get(f"note_{k}", "").strip())
    ]
    items = [
        CorrectionItem(
            label=label,
            reasons=request.POST.getlist(f"reason_{label}"),
            note=request.POST.get(f"note_{label}", "").strip(),
        )
        for label in chosen
    ]
    return _carry_out(
        request,
        case,
        lambda: request_correction(case, items, note=request.POST.get("note", ""), actor=request.user),
        action="correction",
        detail=",".join(i.label for i in items),
        done="Permintaan perbaikan terkirim ke pemohon.",
    )


@console_view("act")
@require_http_methods(["GET", "POST"])
def approve(request, pk: int):
    """Approval asks first: the page shows what the guard says and the date it will book;
    only the confirmed POST approves (a POST without `confirm` shows the page again)."""
    case, ok = _act(request, pk)
    if not ok:
        return _back(case)
    if request.method == "POST":
        if request.POST.get("confirm") == "1":
            return _approve_confirmed(request, case)
        return redirect("console:approve", pk=case.pk)  # never approve without the confirmation
    if case.state != State.IN_REVIEW:
        messages.error(request, f"Permohonan {case.request_number} tidak sedang diperiksa.")
        return _back(case)
    refusals = approval_refusals(case)
    plan, session = planned_session(case)
    context = {
        "case": case,
        "refusals": refusals,
        "may_override": may_override(request.user),
        "override_min": OVERRIDE_REASON_MIN,
        "plan": plan,
        "session": session,
        "session_date": long_date(session.day) if session else "",
        "session_label": session_label(session.day, session.part) if session else "",
    }
    return render(request, "console/approve.html", context)


def _approve_confirmed(request, case):
    override = request.POST.get("override_reason", "").strip()
    try:
        approval = actions.approve(case, actor=request.user, override_reason=override)
    except ApprovalRefused as exc:
        audit.record(
            request, "approve_refused", case=case, detail=f"{len(exc.reasons)} syarat belum terpenuhi"
        )
        messages.error(request, str(exc))
        return redirect("console:approve", pk=case.pk)
    except (WorkflowError, IllegalTransition, ValueError) as exc:
        messages.error(request, str(exc))
        return _back(case)
    audit.record(request, "approve", case=case)
    if approval.override_reason:
        audit.record(
            request, "approve_override", case=case, detail=f"{len(approval.overridden)} syarat dikecualikan"
        )
    messages.success(request, approval_done_message(case))
    return redirect("console:queue", service=case.service)


def approval_done_message(case: Case):
    """What the approval booked, and the receipt to download (or how the document goes out)."""
    booking = case.bookings.filter(status=Booking.Status.ACTIVE).order_by("-pk").first()
    if booking is None:
        return f"Permohonan {case.request_number} disetujui. Dokumen akan dikirim lewat WhatsApp."
    return format_html(
        'Permohonan {} disetujui. {}: {}, {}. <a href="{}">Unduh bukti (PDF)</a>',
        case.request_number,
        booking.get_purpose_display(),
        long_date(booking.day),
        session_label(booking.day, booking.part).lower(),
        reverse("console:receipt", args=[case.pk]),
    )


@console_view("document")
def receipt_pdf(request, pk: int):
    """The case's current receipt as the resident received it (officers and the counter)."""
    case = case_for(request, pk)
    receipt = current_receipt(case)
    if receipt is None:
        raise Http404("Belum ada bukti untuk permohonan ini.")
    audit.record(request, "view_receipt", case=case, detail=f"receipt={receipt.pk}")
    response = HttpResponse(receipts.render_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipts.file_name(receipt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@console_view("act")
@require_POST
def reject_view(request, pk: int):
    case, ok = _act(request, pk)
    if not ok:
        return _back(case)
    return _carry_out(
        request,
        case,
        lambda: reject(
            case,
            reason=request.POST.get("reason", ""),
            instead=request.POST.get("instead", ""),
            actor=request.user,
        ),
        action="reject",
        done=f"Permohonan {case.request_number} ditolak.",
    )


@console_view("act")
@require_POST
def hand_over(request, pk: int):
    case = case_for(request, pk)
    if not (_can_act(request, case) or may(request.staff, "reassign")):
        messages.error(request, "Permohonan ini sedang diperiksa petugas lain.")
        return _back(case)
    colleague = colleagues_for(case, request.staff).filter(user_id=request.POST.get("to")).first()
    if colleague is None:
        messages.error(request, "Pilih rekan yang melayani layanan dan wilayah ini.")
        return _back(case)
    return _carry_out(
        request,
        case,
        lambda: actions.hand_over(case, to_user=colleague.user, actor=request.user),
        action="hand_over",
        detail=f"to={colleague.user_id}",
        done=f"Diserahkan ke {colleague.user}.",
        then=redirect("console:home"),
    )


@console_view("act")
@require_POST
def reply(request, pk: int):
    case = case_for(request, pk)

    def send():
        actions.reply(case, text=request.POST.get("text", ""), actor=request.user)
        touch(case, request.user)

    return _carry_out(
        request,
        case,
        send,
        action="reply",
        done="Balasan disimpan untuk dikirim.",
        then=_back(case),
        refusals=(WorkflowError,),
    )


@console_view("act")
@require_POST
def checklist_options(request, pk: int):
    case, ok = _act(request, pk)
    if ok:
        options = dict(case.checklist_options or {})
        options["single_parent"] = request.POST.get("single_parent") == "1"
        Case.objects.filter(pk=case.pk).update(checklist_options=options)
        audit.record(request, "checklist", case=case, detail=f"single_parent={options['single_parent']}")
    return _back(case)


@console_view("act")
@require_POST
def label_document(request, pk: int, doc: int):
    case, ok = _act(request, pk)
    if ok:
        document = document_for(request, case, doc)
        label = request.POST.get("label", "")
        if label in ALL_KINDS:
            document.label = label
            document.save(update_fields=["label"])
            audit.record(request, "label_document", case=case, document=document, detail=label)
    return _back(case)


# --- supervisor and admin pages -------------------------------------------------------------------


@console_view("audit")
def audit_search(request):
    qs = audit_for(request)
    f = request.GET
    if f.get("nomor"):
        qs = qs.filter(case__request_number__icontains=f["nomor"].strip())
    if f.get("petugas"):
        qs = qs.filter(actor__username__icontains=f["petugas"].strip())
    if f.get("aksi"):
        qs = qs.filter(action=f["aksi"])
    if f.get("dari"):
        qs = qs.filter(at__date__gte=f["dari"])
    if f.get("sampai"):
        qs = qs.filter(at__date__lte=f["sampai"])
    return render(
        request,
        "console/audit.html",
        {"entries": qs[:300], "f": f, "labels": audit.ACTION_LABELS},
    )


@console_view("reports")
def reports(request):
    rows = cases_for(request).values("service", "state").annotate(n=Count("pk")).order_by("service", "state")
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["service"], {})[row["state"]] = row["n"]
    states = list(State)
    body = [(svc, [table.get(svc, {}).get(s, 0) for s in states]) for svc in SERVICES]
    return render(request, "console/reports.html", {"states": states, "body": body})


@console_view("canned")
def canned(request):
    if request.method == "POST":
        pk = request.POST.get("pk")
        reply_obj = get_object_or_404(CannedReply, pk=pk) if pk else CannedReply()
        if request.POST.get("delete") and pk:
            reply_obj.delete()
        else:
            title, text = request.POST.get("title", "").strip(), request.POST.get("text", "").strip()
            if not title or not text:
                messages.error(request, "Judul dan isi balasan wajib diisi.")
                return redirect("console:canned")
            reply_obj.title, reply_obj.text = title[:80], text
            reply_obj.service = (
                request.POST.get("service", "") if request.POST.get("service") in SERVICES else ""
            )
            reply_obj.save()
        audit.record(request, "canned_edit", detail=f"canned={pk or reply_obj.pk}")
        return redirect("console:canned")
    return render(
        request, "console/canned.html", {"replies": CannedReply.objects.all(), "services": SERVICES}
    )


@console_view("staff")
def staff(request):
    return render(request, "console/staff.html", {"profiles": staff_for(request), "users": get_user_model()})
