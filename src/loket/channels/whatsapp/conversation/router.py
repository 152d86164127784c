"""One inbound message, routed to the concern that answers it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loket.cases.models import Resident
from loket.channels.whatsapp.conversation import (
    consent,
    flood,
    guided,
    identity,
    intake,
    outreach,
    rescheduling,
)
from loket.channels.whatsapp.conversation.choices import CHOICE_ID
from loket.channels.whatsapp.conversation.filing import receive_file
from loket.channels.whatsapp.conversation.keywords import Applies, Word, candidate, normalise, recognise
from loket.channels.whatsapp.conversation.requests import cancel, status, want_officer
from loket.channels.whatsapp.conversation.shared import (
    REQUEST_NUMBER,
    OnDemand,
    content_of,
    hand_to_officer,
    regions_of,
    reply,
)
from loket.channels.whatsapp.models import GuidedConversation, InboundMessage, PhoneNumber
from loket.channels.whatsapp.sending import number_state
from loket.domain.intake import parse
from loket.domain.intake.draft import normalise_text
from loket.domain.intake.guided import split_source_token
from loket.domain.intake.splitting import split_message
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
        if message.type == "audio":
            # Not transcribed: kept for an officer (the inbox shows it), the resident told kindly.
            reply(
                resident,
                "Terima kasih, pesan suara Anda kami terima dan akan didengarkan petugas. Agar lebih "
                "cepat, Anda juga bisa mengetik MENU lalu memilih layanan.",
            )
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
    number: PhoneNumber | None = None
    guided: GuidedConversation | None = None  # the guided conversation open, if any
    where: tuple[Applies, ...] = ()  # the questions open that the keyword answers


def _answer(agreed: bool) -> Callable[[Typed], None]:
    """YA/TIDAK: the guided yes/no question when it is the open one, else the consent question."""

    def act(typed: Typed) -> None:
        if Applies.YES_NO_QUESTION in typed.where and typed.guided is not None:
            guided.answer_yes_no(typed.guided, agreed, typed.resident, typed.number)
        else:
            consent.answer_consent(typed.resident, agreed=agreed, message=typed.message)

    return act


def _cancel(typed: Typed) -> None:
    """BATAL <nomor> cancels that request; a bare BATAL leaves the guided conversation."""
    if typed.guided is not None and not REQUEST_NUMBER.search(typed.words):
        guided.leave(typed.guided)
    else:
        cancel(typed.resident, typed.words)


def _officer(typed: Typed) -> None:
    want_officer(typed.resident, typed.conversation)
    guided.wait_for_officer(guided.session_for(typed.resident))


def _menu(typed: Typed) -> None:
    guided.show_menu(typed.resident, typed.number)


# What each acted keyword of `keywords.KEYWORDS` does (a test keeps the two in step).
ACTIONS: dict[Word, Callable[[Typed], object]] = {  # (what an action returns is not used)
    Word.STATUS: lambda typed: status(typed.resident),
    Word.CANCEL: _cancel,
    Word.OFFICER: _officer,
    Word.RESCHEDULE: lambda typed: rescheduling.reschedule(typed.resident, typed.words),
    Word.MY_DATA: lambda typed: reply(typed.resident, rights.my_data_text(typed.resident)),
    Word.ERASE: lambda typed: reply(
        typed.resident, rights.request_erasure(typed.resident, wamid=typed.message.wamid)
    ),
    Word.YES: _answer(True),
    Word.NO: _answer(False),
    Word.MENU: _menu,
    Word.STOP: lambda typed: outreach.stop(typed.resident, typed.message),
    Word.START: lambda typed: outreach.start(typed.resident, typed.message),
}


def looks_typed(text: str) -> bool:
    """A `#…#` request, or the format one field per line under the keyword."""
    if "#" in text or "\uff03" in text:
        return True
    split = split_message(normalise_text(text))
    return split.service is not None and bool(split.parts)


def route_text(
    message: InboundMessage, resident: Resident, number: PhoneNumber | None, conversation: OnDemand
) -> None:
    """The poster token stripped; a keyword of the table where it applies; a typed request;
    an answer to the guided conversation open; else a named service starts, or the menu."""
    body = message.payload.get("text")
    raw = str(body.get("body") or "").strip() if isinstance(body, dict) else ""
    text, token = split_source_token(raw)
    text = text.strip()
    conv = guided.current(resident)
    keyword = candidate(text)
    where: tuple[Applies, ...] = ()
    if keyword is not None and not keyword.anywhere:
        where = guided.open_questions(conv)
        if not where and consent.question_open(resident):
            where = (Applies.CONSENT_QUESTION,)
        keyword = recognise(text, where)  # a YA or TIDAK with no question open: like any text
    if keyword is not None:
        ACTIONS[keyword.word](Typed(message, resident, conversation, normalise(text), number, conv, where))
        return
    if conv is None and port.answer_text(resident, text):
        return  # a question the core asked (the survey) was waiting for this text
    hashed = looks_typed(text)
    if hashed or guided.flow.typed_without_separators(text):
        result = parse(text, regions=regions_of(resident))
        if result.service is None and hashed:
            guided.show_menu(resident, number, intro="Pesan Anda belum berisi permohonan yang kami kenali.")
            return
        if conv is not None and result.ok:
            guided.end(conv)  # a full request typed mid-way is understood as typed
        intake.request(resident, number, text, result=result, case_source=token or "typed")
        return
    if conv is not None and conv.step == GuidedConversation.Step.DOCUMENTS:
        if not guided.flow.services_named(text):
            guided.remind_documents(conv)
            return
    elif conv is not None and conv.step == GuidedConversation.Step.OFFICER:
        if not guided.flow.services_named(text):
            guided.for_officer(conv)
            return
    elif conv is not None:
        guided.answer_text(conv, text, resident, number)
        return
    guided.begin(resident, number, text, source=token)


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
    elif CHOICE_ID.match(choice):
        number, _pauses = number_state(message.phone_number_id)
        guided.answer_choice(guided.current(resident), choice, resident, number)
    else:
        # A form, list or template button we do not act on by ourselves: an officer reads it.
        hand_to_officer(conversation)
