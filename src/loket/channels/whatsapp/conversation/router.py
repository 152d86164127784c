"""One inbound message, routed to the concern that answers it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loket.cases.models import Resident
from loket.channels.whatsapp.conversation import consent, flood, identity, intake, outreach, rescheduling
from loket.channels.whatsapp.conversation.filing import receive_file
from loket.channels.whatsapp.conversation.keywords import Applies, Word, candidate, normalise
from loket.channels.whatsapp.conversation.requests import cancel, status, want_officer
from loket.channels.whatsapp.conversation.shared import OnDemand, content_of, hand_to_officer, reply
from loket.channels.whatsapp.models import InboundMessage, PhoneNumber
from loket.channels.whatsapp.sending import number_state
from loket.messaging import port
from loket.privacy import rights


def respond(message: InboundMessage) -> None:
    """Answer one inbound message (in the transaction that marks it handled)."""
    resident = message.resident
    assert resident is not None  # a message with no sender is never handed to a job (ingest)
    conversation = OnDemand(resident)
    number, _pauses = number_state(message.phone_number_id)  # cached briefly, as for sending
    pending_file = message.media_state == InboundMessage.Media.PENDING
    if flood.flooded(message):
        flood.flood(message, conversation)
        if pending_file:
            receive_file(message, conversation)  # kept and downloaded all the same
        return
    if pending_file:
        receive_file(message, conversation)
    elif message.type == "text":
        route_text(message, resident, number, conversation)
    elif message.type in ("interactive", "button"):
        route_choice(message, resident, conversation)
    elif message.type == "system":
        identity.identity_change(message, resident)
    elif "unsupported" in message.flags:
        reply(
            resident,
            "Maaf, jenis pesan ini belum bisa kami baca. Mohon kirim sebagai teks, foto, atau PDF.",
        )
    # Stickers, reactions, locations and shared contacts are kept for officers; no reply.


@dataclass(frozen=True)
class Typed:
    """A typed keyword with what its action needs."""

    message: InboundMessage
    resident: Resident
    conversation: OnDemand
    words: str  # the text as the keyword table compares it


def _answer_consent(agreed: bool) -> Callable[[Typed], None]:
    return lambda typed: consent.answer_consent(typed.resident, agreed=agreed, message=typed.message)


# What each acted keyword of `keywords.KEYWORDS` does (a test keeps the two in step).
ACTIONS: dict[Word, Callable[[Typed], object]] = {  # (what an action returns is not used)
    Word.STATUS: lambda typed: status(typed.resident),
    Word.CANCEL: lambda typed: cancel(typed.resident, typed.words),
    Word.OFFICER: lambda typed: want_officer(typed.resident, typed.conversation),
    Word.RESCHEDULE: lambda typed: rescheduling.reschedule(typed.resident, typed.words),
    Word.MY_DATA: lambda typed: reply(typed.resident, rights.my_data_text(typed.resident)),
    Word.ERASE: lambda typed: reply(
        typed.resident, rights.request_erasure(typed.resident, wamid=typed.message.wamid)
    ),
    Word.YES: _answer_consent(True),
    Word.NO: _answer_consent(False),
    Word.STOP: lambda typed: outreach.stop(typed.resident, typed.message),
    Word.START: lambda typed: outreach.start(typed.resident, typed.message),
}


def route_text(
    message: InboundMessage, resident: Resident, number: PhoneNumber | None, conversation: OnDemand
) -> None:
    """A keyword of the table where it applies, else a request for the intake parser."""
    body = message.payload.get("text")
    text = str(body.get("body") or "").strip() if isinstance(body, dict) else ""
    keyword = candidate(text)
    if (
        keyword is not None
        and keyword.applies == Applies.CONSENT_QUESTION
        and not consent.question_open(resident)
    ):
        keyword = None  # a YA or TIDAK with no consent question open: a request like any text
    if keyword is None:
        if port.answer_text(resident, text):
            return  # a question the core asked (the survey) was waiting for this text
        intake.request(resident, number, text)
    else:
        ACTIONS[keyword.word](Typed(message, resident, conversation, normalise(text)))


def chosen_id(message: InboundMessage) -> str:
    """The id of the button or list row the resident pressed ("" when malformed)."""
    body = content_of(message)
    if message.type == "button":
        return str(body.get("payload") or "")
    choice = body.get(str(body.get("type", ""))) or {}
    return str(choice.get("id") or "") if isinstance(choice, dict) else ""


def route_choice(message: InboundMessage, resident: Resident, conversation: OnDemand) -> None:
    choice = chosen_id(message)
    if choice in (consent.CONSENT_YES, consent.CONSENT_NO):
        consent.answer_consent(resident, agreed=choice == consent.CONSENT_YES, message=message)
    elif choice in outreach.CHOICES:
        outreach.answer(resident, message, choice)
    elif choice.startswith(rescheduling.SESSION_CHOICE):
        rescheduling.choose_session(resident, choice)
    elif port.answer_choice(resident, choice):
        pass  # an option of a question the core asked (the survey)
    else:
        # A form, list or template button we do not act on by ourselves: an officer reads it.
        hand_to_officer(conversation)
