"""After a guided request: each document asked for by name, one at a time.

While the resident's guided conversation is in its documents step, a file that arrives
with no caption naming a kind is filed to that request as the document asked for (the
first item of the case's checklist still missing and not already on its way). The
acknowledgement of the files then asks for the next one, until the checklist is complete.
"""

from __future__ import annotations

from loket.cases.checklist import ChecklistItem, checklist_for
from loket.cases.models import Case, Document, Resident, State
from loket.channels.whatsapp.models import GuidedConversation

WAITING = (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION)


def guided_case(resident: Resident) -> Case | None:
    """The request whose documents the guided conversation is asking for, if any."""
    row = (
        GuidedConversation.objects.filter(resident=resident, step=GuidedConversation.Step.DOCUMENTS)
        .select_related("case")
        .first()
    )
    if row is None or row.case is None or row.case.state not in WAITING:
        return None
    return row.case


def _in_flight(document: Document) -> bool:
    """Received but not downloaded and checked yet: it may still count."""
    return document.status == Document.Status.RECEIVED and not document.file and not document.refusal


def next_item(case: Case) -> tuple[ChecklistItem, int, int] | None:
    """The next document to ask for: (item, its place in the checklist, the checklist's size)."""
    items = checklist_for(case)
    for number, item in enumerate(items, 1):
        if item.present or any(_in_flight(d) for d in item.documents):
            continue
        return item, number, len(items)
    return None


def lower_first(label: str) -> str:
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def prompt(case: Case) -> str | None:
    """ "Kirim foto akta kelahiran anak (1 dari 5)." or None when nothing is missing."""
    found = next_item(case)
    if found is None:
        return None
    item, number, total = found
    return (
        f"Kirim foto {lower_first(item.label)} ({number} dari {total}) untuk {case.request_number}. "
        "Foto yang jelas, tidak perlu keterangan."
    )


def file_to_guided_case(resident: Resident) -> tuple[Case, str] | None:
    """(case, checklist key) for a file sent without a caption while documents are asked for."""
    case = guided_case(resident)
    if case is None:
        return None
    found = next_item(case)
    if found is None:
        return case, ""
    return case, found[0].key


def files_awaiting_pick(resident: Resident | None) -> set[int]:
    """Documents (ids) the resident is being asked to assign to one of several requests."""
    row = GuidedConversation.objects.filter(resident=resident, step=GuidedConversation.Step.PICK_CASE).first()
    files = (row.pending or {}).get("files") if row is not None else None
    return {int(pk) for pk in files} if isinstance(files, list) else set()
