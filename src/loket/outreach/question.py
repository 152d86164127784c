"""The question asked once after a completed request (the card handed over): reminders, yes or no.

Asked by the job `outreach.ask` that the hand-over's state change enqueues (after the
hand-over message, never before it), once per person, never after BERHENTI. It goes as the
declared template `loket_tanya_pengingat` (category UTILITY: it names the completed request)
with two quick-reply buttons, so it reaches the resident whether or not their 24-hour window
is open; the button comes back with the id below and the channel hands it to `answer`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from loket.cases.models import Case, CaseEvent, State
from loket.jobs.queue import enqueue, handler
from loket.messaging import port
from loket.outreach import preferences

ASK_JOB = "outreach.ask"
ASK_TEMPLATE = "loket_tanya_pengingat"
YES, NO = "outreach:yes", "outreach:no"
YES_TITLE, NO_TITLE = "Ya, ingatkan", "Tidak usah"


def question_body(request_number: str) -> str:
    """The question's text (also the declared template's body, with "{{1}}" for the number)."""
    return (
        f"Permohonan {request_number} sudah selesai. Maukah Anda menerima pengingat dari "
        "Disdukcapil, misalnya saat KIA anak tanpa foto habis berlaku (usia 5 tahun) atau saat anak "
        "perlu merekam KTP-el (usia 17 tahun), dan informasi layanan? Anda bisa berhenti kapan saja "
        "dengan mengetik BERHENTI."
    )


def question_text(case: Case) -> str:
    return question_body(case.request_number)


def _components(case: Case) -> list[dict[str, Any]]:
    """The template's body parameter and its two buttons' payloads (what comes back)."""
    return [
        {"type": "body", "parameters": [{"type": "text", "text": case.request_number}]},
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": YES}],
        },
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "1",
            "parameters": [{"type": "payload", "payload": NO}],
        },
    ]


@receiver(post_save, sender=CaseEvent, dispatch_uid="outreach.completed")
def completed(sender: Any, instance: CaseEvent, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A card handed over: ask (in a job, so the hand-over message goes first)."""
    if created and not raw and instance.to_state == State.COLLECTED:
        enqueue(ASK_JOB, {"case": instance.case_id}, key=f"{ASK_JOB}:{instance.case_id}")


@handler(ASK_JOB)
def ask(payload: dict[str, Any]) -> bool:
    case = Case.objects.select_related("resident").filter(pk=payload["case"]).first()
    if case is None or case.resident.purged_at is not None:
        return False
    with transaction.atomic():
        if not preferences.claim_question(case.resident, case):
            return False
        port.tell(
            case.resident,
            case=case,
            purpose=port.Purpose.CASE_UPDATE,
            text=question_text(case),
            choices={
                "type": "button",
                "body": {"text": question_text(case)},
                "action": {
                    "buttons": [
                        {"type": "reply", "reply": {"id": YES, "title": YES_TITLE}},
                        {"type": "reply", "reply": {"id": NO, "title": NO_TITLE}},
                    ]
                },
            },
            template_name=ASK_TEMPLATE,
            template_params=_components(case),
        )
    return True


def reply_to_answer(agreed: bool, *, stopped: bool) -> str:
    """What the resident reads after pressing a button."""
    if stopped:
        return "Anda sudah mengetik BERHENTI, jadi kami tidak mengirim pengingat. Ketik MULAI untuk menerimanya lagi."
    if agreed:
        return (
            "Terima kasih. Kami akan mengirim pengingat bila ada yang perlu diurus. "
            "Ketik BERHENTI kapan saja untuk berhenti."
        )
    return "Baik, kami tidak akan mengirim pengingat. Ketik MULAI bila nanti Anda ingin menerimanya."
