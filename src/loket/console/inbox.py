"""The officers' inbox: what the channel could not settle by itself.

- conversations where the resident asked for an officer (PETUGAS) or the channel did
  (a form, a flood, a failure): an officer answers on the case page and marks it handled;
- files that joined no case: the officer files each to one of that resident's cases,
  which then goes through the one completeness rule (`attach_resent_document`);
- flagged messages (types we cannot read, downloads that failed ...); deliveries naming
  an office number we do not know are for administrators (they register the number).

Every list is limited by `access.residents_for` (area and services) and every view and
action is audited, like the case pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from loket.cases.checklist import ALL_KINDS
from loket.cases.models import OPEN_STATES, Case, IllegalTransition
from loket.cases.workflow import attach_resent_document
from loket.console import audit
from loket.console.access import cases_for, console_view, may, residents_for
from loket.console.conversation import document_url, flag_label
from loket.console.files import unfiled_documents
from loket.console.models import Role
from loket.domain.masking import mask_number
from loket.messaging import port

LIMIT = 200


def _same_person(resident):
    return port.same_person(resident)


def _cases_to_file_into(request, resident):
    return (
        cases_for(request)
        .filter(resident__in=_same_person(resident), state__in=sorted(OPEN_STATES))
        .order_by("-created_at")
    )


def _who(resident) -> str:
    """A resident as the inbox lists them: profile name and a masked number."""
    return f"{resident.profile_name or 'Tanpa nama'} · {mask_number(resident.phone or resident.wa_id)}"


@console_view("inbox")
def inbox(request):
    profile = request.staff
    audit.record(request, "view_inbox")
    residents = residents_for(request)
    people = [
        {
            "talk": talk,
            "who": _who(talk.resident),
            "cases": list(cases_for(request).filter(resident__in=_same_person(talk.resident))),
        }
        for talk in port.officer_requests(residents, LIMIT)
    ]
    files = [
        {
            "doc": doc,
            "who": _who(doc.resident),
            "url": document_url(doc),
            "cases": _cases_to_file_into(request, doc.resident),
        }
        for doc in unfiled_documents(request).order_by("created_at")[:LIMIT]
    ]
    flagged = [
        {"message": m, "who": _who(m.resident), "flags": [flag_label(f) for f in m.flags]}
        for m in port.flagged_messages(residents, LIMIT)
    ]
    deliveries = []
    if profile.role in (Role.ADMIN, Role.SUPERVISOR) and not profile.kecamatan:
        deliveries = port.flagged_deliveries(LIMIT)
    context = {
        "people": people,
        "files": files,
        "flagged": flagged,
        "deliveries": deliveries,
        "reads_residents": may(profile, "inbox_act"),
        "kinds": [(k, v.label) for k, v in ALL_KINDS.items()],
    }
    return render(request, "console/inbox.html", context)


@console_view("inbox_act")
@require_POST
def handled(request, pk: int):
    if not port.mark_handled(pk, residents_for(request)):
        raise Http404("Percakapan tidak ditemukan.")
    audit.record(request, "inbox_handled", detail=f"conversation={pk}")
    messages.success(request, "Percakapan ditandai selesai.")
    return redirect("console:inbox")


@console_view("inbox_act")
@require_POST
def file_document(request, pk: int):
    document = unfiled_documents(request).filter(pk=pk).first()
    if document is None:
        raise Http404("Berkas tidak ditemukan.")
    case = _cases_to_file_into(request, document.resident).filter(pk=request.POST.get("case") or 0).first()
    if case is None:
        messages.error(request, "Pilih permohonan pemohon ini yang masih berjalan.")
        return redirect("console:inbox")
    label = request.POST.get("label", "")
    if label in ALL_KINDS:
        document.label = label
    try:
        attach_resent_document(case, document, source="console")
    except IllegalTransition as exc:
        messages.error(request, str(exc))
        return redirect("console:inbox")
    audit.record(request, "file_document", case=case, document=document, detail=document.label)
    case = Case.objects.get(pk=case.pk)
    messages.success(request, f"Berkas dicatat ke {case.request_number} ({case.get_state_display()}).")
    return redirect("console:inbox")
