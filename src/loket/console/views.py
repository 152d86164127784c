"""Console pages. Each view goes through `access.console_view` and `access.case_for`; an
action on a case is declared with `acting.case_action`, which does both and checks who may act."""

from __future__ import annotations

import csv
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Case as Choose
from django.db.models import Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

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
    StaffRequest,
    audit_for,
    case_for,
    cases_for,
    colleagues_for,
    console_view,
    counted_cases_for,
    document_for,
    may,
    require_service,
    services_of,
    staff_for,
)
from loket.console.acting import Who, back, can_act, carry_out, case_action
from loket.console.conversation import conversation_for, reply_window
from loket.console.identity import explain_warning, nik_facts
from loket.console.labels import field_rows, places_of, subject_label
from loket.console.models import CannedReply, Role
from loket.console.operator import submission_of
from loket.console.queue import CaseNotTakeable, ReviewLimitReached, take_case, take_next, takeable, touch
from loket.console.services import SERVICES
from loket.domain.masking import mask_number
from loket.messaging import port
from loket.precheck.checks import case_checks
from loket.precheck.models import CaseCheck
from loket.regions.models import Region
from loket.scheduling import receipts
from loket.scheduling.approval import planned_session
from loket.scheduling.models import Approval, Booking
from loket.scheduling.office import calendar_warning_text, calendar_warnings, long_date, session_label
from loket.scheduling.receipts import current_receipt

QUEUE_STATES = [State.QUEUED, State.IN_REVIEW, State.NEEDS_CORRECTION, State.WAITING_DOCUMENTS]
# The queue's orders (`?urut=`): oldest first (the default, and always the order of "Ambil
# berikutnya"), or complete cases whose pre-checks all match first (docs/precheck.md).
SORTS = {"": "Terlama dulu", "cocok": "Lengkap & cocok dulu"}
PRECHECK_RANK = {
    CaseCheck.Verdict.MATCH: 0,
    CaseCheck.Verdict.PENDING: 1,
    CaseCheck.Verdict.ATTENTION: 2,
    CaseCheck.Verdict.INCOMPLETE: 3,
}
WAITING_FILTERS = {
    "1j": ("lebih dari 1 jam", 1),
    "1h": ("lebih dari 1 hari", 24),
    "3h": ("lebih dari 3 hari", 72),
}


def _kecamatan_names(office_code: str) -> dict[str, str]:
    """The office's own kecamatan (the region table also holds every other one in the country)."""
    mine = Region.objects.filter(level=Region.Level.KECAMATAN, kode__startswith=f"{office_code}.")
    return dict(mine.values_list("kode", "nama"))


@console_view("home")
def home(request):
    profile = request.staff
    if profile.role == Role.OPERATOR:
        return redirect("console:operator_list")  # an operator's home is their own submissions
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
    qs = cases_for(request).filter(service=service).select_related("assigned_to", "precheck")
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
    if f.get("urut") == "cocok":
        rank = Choose(
            *[When(precheck__verdict=verdict, then=Value(n)) for verdict, n in PRECHECK_RANK.items()],
            default=Value(len(PRECHECK_RANK)),  # not summarised yet
            output_field=IntegerField(),
        )
        return qs.annotate(precheck_rank=rank).order_by("precheck_rank", "created_at", "pk")
    return qs.order_by("created_at", "pk")


@console_view("queue")
def queue(request, service: str):
    require_service(request, service)
    cases = list(_filtered_queue(request, service)[:200])
    now = timezone.now()
    names = _kecamatan_names(request.staff.office.code)
    free = set(
        takeable(request.user, cases_for(request).filter(pk__in=[c.pk for c in cases])).values_list(
            "pk", flat=True
        )
    )
    rows = [
        {
            "case": c,
            "subject": mask_number(c.subject),
            "waiting": now - c.created_at,
            "kecamatan": names.get(c.kode_kecamatan, c.kode_kecamatan),
            "takeable": c.pk in free,
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
        "sort_choices": list(SORTS.items()),
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


@console_view("queue")
@require_POST
def take_one(request, pk: int):
    """Take the queued case the officer chose (from the queue or its page), not just the next."""
    case = case_for(request, pk)  # outside the person's area or services: 404
    try:
        taken = take_case(request.user, cases_for(request), case.pk)
    except (ReviewLimitReached, CaseNotTakeable) as exc:
        messages.warning(request, str(exc))
        return redirect("console:queue", service=case.service)
    audit.record(request, "take_case", case=taken)
    return redirect("console:case", pk=taken.pk)


@console_view("export")
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


@console_view("case")
def case_page(request, pk: int):
    case = case_for(request, pk)
    audit.record(request, "view_case", case=case)
    touch(case, request.user)
    documents = list(case.documents.all())
    checklist = checklist_for(case, documents)
    listed = {doc.pk for item in checklist for doc in item.documents}
    # What the pre-check read on each counted document, beside it in the gallery (numbers in
    # full: this page is where they appear, audited). A help for the officer, never a decision.
    for checked in case_checks(case, documents):
        checked.document.precheck = checked  # type: ignore[attr-defined]  # for the template
    context = {
        "case": case,
        "field_rows": field_rows(case),
        "subject_label": subject_label(case.service),
        "places": places_of(case),
        "takeable": case.state == State.QUEUED
        and takeable(request.user, cases_for(request).filter(pk=case.pk)).exists(),
        "facts": nik_facts(case.subject if case.service != "KK" else "", case.service)
        if case.subject
        else None,
        "warnings": [explain_warning(w) for w in case.warnings or []],
        "checklist": checklist,
        "documents": documents,
        "unlisted": [doc for doc in documents if doc.pk not in listed],
        "duplicates": duplicates_for(case),
        "conversation": conversation_for(case),
        "window": reply_window(case.resident),
        "canned": CannedReply.objects.filter(Q(service="") | Q(service=case.service)),
        "reasons": REASONS,
        "kinds": [(k, v.label) for k, v in ALL_KINDS.items()],
        "events": CaseEvent.objects.filter(case=case).select_related("actor"),
        "audit": case.audit_entries.select_related("actor")[:30],
        "can_act": can_act(request, case),
        "can_reassign": may(request.staff, "reassign"),
        "colleagues": _with_load(colleagues_for(case, request.staff).exclude(user=request.user)),
        "State": State,
        "is_open": case.state in OPEN_STATES,
        # What the approval guard would refuse now, shown before the officer asks to approve.
        "refusals": approval_refusals(case) if case.state == State.IN_REVIEW else [],
        "receipt": current_receipt(case),
        "approval": Approval.objects.filter(case=case).select_related("actor").first(),
        "operator_submission": submission_of(case) if case.source == "operator" else None,
        # An office without its desa list works at kecamatan level: the officer checks the desa.
        "desa_list_missing": not case.office.has_desa_list,
    }
    return render(request, "console/case.html", context)


def _with_load(profiles) -> list:
    """Colleagues with how many cases each holds in review, so a hand-over picks one with room."""
    profiles = list(profiles)
    load = dict(
        Case.objects.filter(state=State.IN_REVIEW, assigned_to__in=[p.user_id for p in profiles])
        .values_list("assigned_to")
        .annotate(n=Count("pk"))
    )
    for profile in profiles:
        profile.in_review = load.get(profile.user_id, 0)
        profile.full = profile.in_review >= settings.LOKET_CONSOLE_REVIEW_LIMIT
    return profiles


@case_action()
def correction(request, case: Case):
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
    return carry_out(
        request,
        case,
        lambda: request_correction(case, items, note=request.POST.get("note", ""), actor=request.user),
        action="correction",
        detail=",".join(i.label for i in items),
        done="Permintaan perbaikan terkirim ke pemohon.",
    )


@case_action(methods=("GET", "POST"))
def approve(request, case: Case):
    """Approval asks first: the page shows what the guard says and the date it will book;
    only the confirmed POST approves (a POST without `confirm` shows the page again)."""
    if request.method == "POST":
        if request.POST.get("confirm") == "1":
            return _approve_confirmed(request, case)
        return redirect("console:approve", pk=case.pk)  # never approve without the confirmation
    if case.state != State.IN_REVIEW:
        messages.error(request, f"Permohonan {case.request_number} tidak sedang diperiksa.")
        return back(case)
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
        return back(case)
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


@case_action()
def reject_view(request, case: Case):
    return carry_out(
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


@case_action(who=Who.ASSIGNEE_OR_REASSIGNER)
def hand_over(request, case: Case):
    colleague = colleagues_for(case, request.staff).filter(user_id=request.POST.get("to")).first()
    if colleague is None:
        messages.error(request, "Pilih rekan yang melayani layanan dan wilayah ini.")
        return back(case)
    return carry_out(
        request,
        case,
        lambda: actions.hand_over(case, to_user=colleague.user, actor=request.user),
        action="hand_over",
        detail=f"to={colleague.user_id}",
        done=f"Diserahkan ke {colleague.user}.",
        then=redirect("console:home"),
    )


@case_action(who=Who.ANYONE)
def reply(request, case: Case):

    def send():
        actions.reply(case, text=request.POST.get("text", ""), actor=request.user)
        touch(case, request.user)

    return carry_out(
        request,
        case,
        send,
        action="reply",
        done="Balasan disimpan untuk dikirim.",
        then=back(case),
        refusals=(WorkflowError,),
    )


@case_action()
def checklist_options(request, case: Case):
    options = dict(case.checklist_options or {})
    options["single_parent"] = request.POST.get("single_parent") == "1"
    Case.objects.filter(pk=case.pk).update(checklist_options=options)
    audit.record(request, "checklist", case=case, detail=f"single_parent={options['single_parent']}")
    return back(case)


@case_action()
def label_document(request, case: Case, doc: int):
    document = document_for(request, case, doc)
    label = request.POST.get("label", "")
    if label in ALL_KINDS:
        document.label = label
        document.save(update_fields=["label"])
        audit.record(request, "label_document", case=case, document=document, detail=label)
    return back(case)


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
def reports(request: StaffRequest) -> HttpResponse:
    rows = (
        counted_cases_for(request)
        .values("service", "state")
        .annotate(n=Count("pk"))
        .order_by("service", "state")
    )
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


@console_view("home")
def preferences(request):
    """A person's own settings: today whether the single-key shortcuts are on."""
    profile = request.staff
    if request.method == "POST":
        profile.shortcuts = request.POST.get("shortcuts") == "on"
        profile.save(update_fields=["shortcuts"])
        messages.success(
            request,
            "Pintasan papan ketik dinyalakan." if profile.shortcuts else "Pintasan papan ketik dimatikan.",
        )
        return redirect("console:preferences")
    return render(request, "console/preferences.html", {"profile": profile})
