"""BERHENTI/STOP, MULAI and the reminders question's buttons: the resident's say on what
Loket writes first. The decisions and their audit are `loket.outreach.preferences`'s; this
module only answers in the conversation.

BERHENTI is confirmed once: the same message delivered twice is one message (unique wamid),
and a second BERHENTI changes nothing and says so instead of confirming again.
"""

from __future__ import annotations

from django.utils import timezone

from loket.cases.models import Resident
from loket.channels.whatsapp.conversation.shared import reply
from loket.channels.whatsapp.models import InboundMessage
from loket.outreach import preferences, question
from loket.survey import flow as survey_flow

CHOICES = (question.YES, question.NO)

STOPPED = (
    "Baik, Anda tidak akan lagi menerima pengingat, informasi layanan, atau survei dari kami. "
    "Kabar tentang permohonan Anda sendiri (perbaikan berkas, jadwal pengambilan) tetap kami kirim. "
    "Ketik MULAI bila ingin menerimanya lagi."
)
RESUMED = (
    "Baik, Anda akan menerima lagi pengingat dan informasi layanan dari Disdukcapil. "
    "Ketik BERHENTI kapan saja untuk berhenti."
)


def stop(resident: Resident, message: InboundMessage) -> None:
    outcome = preferences.stop(resident, via="keyword", message_ref=message.wamid)
    survey_flow.close_for_resident(resident)  # no further survey question either
    if outcome.changed:
        reply(resident, STOPPED)
        return
    since = timezone.localtime(outcome.since)
    reply(
        resident,
        f"Anda sudah berhenti menerima pengingat sejak {since:%d-%m-%Y}. Ketik MULAI untuk menerimanya lagi.",
    )


def start(resident: Resident, message: InboundMessage) -> None:
    outcome = preferences.resume(resident, via="keyword", message_ref=message.wamid)
    reply(
        resident,
        RESUMED if outcome.changed else "Anda sudah menerima pengingat. Ketik BERHENTI untuk berhenti.",
    )


def answer(resident: Resident, message: InboundMessage, choice: str) -> None:
    agreed = choice == question.YES
    preferences.answer(resident, agreed=agreed, via="button", message_ref=message.wamid)
    stopped = preferences.stopped_at(resident) is not None
    reply(resident, question.reply_to_answer(agreed, stopped=stopped))
