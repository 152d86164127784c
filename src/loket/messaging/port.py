"""The channel-neutral resident port: what the core may ask of a channel, and the registry.

The core tells a resident something (`tell`), reads the conversation the console shows
(`timeline`), the officer inbox's channel items, the channel's incidents for the banner
and the reply figures the dashboards read. A channel (e.g. `loket.channels.whatsapp.port`)
implements `ResidentChannel` and calls `register()` from its `AppConfig.ready()`: the
dependency points from the channel to the core, never the reverse (import-linter's
"channels-above-core" contract in pyproject.toml).

Window and template rules, the outbox, rate limits and retries stay inside the channel.
Every call that writes (tell, record_consent) must run inside the caller's transaction:
if that rolls back, nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet

# Querysets of the core's rows (cases.Resident, cases.Case); typed loosely: the port knows no model.
Rows = QuerySet[Any]
# A list or buttons the resident picks from, in WhatsApp's interactive shape.
Choices = dict[str, Any]


class Purpose(enum.StrEnum):
    """Why we tell a resident something: orders sending, picks the template, feeds figures."""

    REPLY = "reply"  # an answer to what the resident just wrote
    CASE_UPDATE = "case_update"  # news about a request (approved, corrections, ready ...)
    RECEIPT = "receipt"  # the pickup receipt (a document)
    REMINDER = "reminder"  # written by us first: needs the channel's template outside its window
    HAND_OVER = "hand_over"  # the counter handed the card over
    OFFICER = "officer"  # an officer's own words from the console
    BULK = "bulk"
    SURVEY = "survey"  # the satisfaction survey (loket.survey): voluntary, after a service


@dataclass(frozen=True)
class Attachment:
    """A file sent with the message (a PDF receipt, an issued document)."""

    content: bytes
    name: str = "dokumen.pdf"


@dataclass(frozen=True)
class Heard:
    """A message the resident sent, as the console reads it."""

    at: dt.datetime
    type: str  # "text", "image", "document", "interactive", ... (channel's own word)
    summary: str
    flags: Sequence[str] = ()
    document: Any = None  # the cases.Document the message carried, when it carried one


@dataclass(frozen=True)
class Said:
    """A message we sent (or are about to send), with its delivery status in words."""

    at: dt.datetime
    text: str
    status: str
    purpose: str


@dataclass(frozen=True)
class OfficerRequest:
    """A resident waiting for an officer (PETUGAS, or the channel gave up on them)."""

    ref: int  # the channel's own id; `mark_handled(ref, ...)` takes it back
    resident: Any
    requested_at: dt.datetime | None
    last_summary: str = ""


@dataclass(frozen=True)
class FlaggedMessage:
    at: dt.datetime
    resident: Any
    type: str
    summary: str
    flags: Sequence[str] = ()


@dataclass(frozen=True)
class FlaggedDelivery:
    """Something the channel received that names no resident (for administrators)."""

    at: dt.datetime
    ref: int
    flags: Sequence[str] = ()


@dataclass(frozen=True)
class Incident:
    """An open operations alert of a channel (banner for administrators)."""

    channel: str  # the channel's name as people say it ("WhatsApp")
    kind: str
    kind_label: str
    scope: str
    message: str
    pauses_sending: bool = False
    review_url: str = ""  # where the set-aside items are reviewed, when there is such a page


@dataclass(frozen=True)
class Window:
    """Whether the channel lets us write freely to the resident now, in words for the officer."""

    open: bool
    closes_at: dt.datetime | None
    explanation: str


@dataclass(frozen=True)
class ReviewPage:
    """A channel's own page for administrators (e.g. items set aside), linked from the console."""

    label: str
    url: str


@dataclass(frozen=True)
class HandledText:
    """A resident's message as the reply figures read it (no personal data beyond the text)."""

    resident_id: int
    handled_at: dt.datetime
    ref: int
    type: str
    received_at: dt.datetime
    text: str


@dataclass(frozen=True)
class AutomaticReply:
    resident_id: int
    at: dt.datetime
    text: str


@dataclass(frozen=True)
class Option:
    """One answer a resident may pick: `id` comes back to `answer_choice` when picked."""

    id: str
    title: str  # at most 24 characters (a list row), 20 for a button
    description: str = ""  # at most 72 characters; only list rows show it


class ChoicesTooLong(ValueError):
    """A question that no channel could show as asked (titles, rows or buttons over the limits)."""


ROW_TITLE_MAX, ROW_DESCRIPTION_MAX, ROWS_MAX, ID_MAX = 24, 72, 10, 200
BUTTON_TITLE_MAX, BUTTONS_MAX, LIST_BUTTON_MAX, SECTION_TITLE_MAX = 20, 3, 20, 24


def list_choices(text: str, *, button: str, section: str, options: Sequence[Option]) -> Choices:
    """A list question in the common shape (WhatsApp's interactive list), checked against its limits."""
    if not 1 <= len(options) <= ROWS_MAX or len(button) > LIST_BUTTON_MAX or len(section) > SECTION_TITLE_MAX:
        raise ChoicesTooLong(f"{len(options)} rows, button {button!r}, section {section!r}")
    for option in options:
        if len(option.title) > ROW_TITLE_MAX or len(option.description) > ROW_DESCRIPTION_MAX:
            raise ChoicesTooLong(f"row {option.id!r}: title or description too long")
        if not option.id or len(option.id) > ID_MAX:
            raise ChoicesTooLong(f"row id {option.id!r}")
    rows = [
        {"id": o.id, "title": o.title, **({"description": o.description} if o.description else {})}
        for o in options
    ]
    return {
        "type": "list",
        "body": {"text": text},
        "action": {"button": button, "sections": [{"title": section, "rows": rows}]},
    }


def button_choices(text: str, options: Sequence[Option]) -> Choices:
    """A question with up to three buttons, checked against their limits."""
    if not 1 <= len(options) <= BUTTONS_MAX or any(len(o.title) > BUTTON_TITLE_MAX for o in options):
        raise ChoicesTooLong(f"{len(options)} buttons or a title over {BUTTON_TITLE_MAX} characters")
    buttons = [{"type": "reply", "reply": {"id": o.id, "title": o.title}} for o in options]
    return {"type": "button", "body": {"text": text}, "action": {"buttons": buttons}}


@dataclass(frozen=True)
class Progress:
    """What became of one message the core told (by the record `tell` returned): the channel's
    status word (`queued`, `sent`, `delivered`, `read`, `failed`, ...), when it was sent,
    delivered, read, and when the resident first wrote back after it (None: not yet)."""

    status: str
    sent_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    read_at: dt.datetime | None = None
    replied_at: dt.datetime | None = None


class NoChannel(LookupError):
    """No registered channel reaches this resident (or none is registered at all)."""


class ResidentChannel(Protocol):
    """What a channel implements. Querysets are of `cases.Resident` / `cases.Case` rows."""

    name: str

    def reaches(self, resident: Any) -> bool: ...

    def tell(
        self,
        resident: Any,
        *,
        text: str,
        case: Any,
        purpose: str,
        choices: Choices | None,
        attachment: Attachment | None,
        template_name: str,
        template_params: list[Any],
    ) -> Any: ...

    def progress(self, refs: Sequence[int]) -> dict[int, Progress]: ...

    def template_refusal(self, name: str, *, purpose: str) -> str: ...

    # -- consent (asked by the channel when a request opens a case) ------------------------
    def consent_missing(self, case: Any) -> bool: ...

    def record_consent(self, case: Any, *, agreed: bool, at: dt.datetime, notice_version: str) -> None: ...

    def record_consents(
        self, cases: Sequence[tuple[int, dt.datetime]], *, notice_version: str, batch: int
    ) -> None: ...

    def ask_consent(self, case: Any, *, text: str, submitted_by: str, about: str) -> Any: ...

    def await_consent(self, case: Any) -> None: ...

    # -- identity and numbers ---------------------------------------------------------------
    def same_person(self, resident: Any) -> Rows: ...

    def addresses_serving(self, services: set[str], office_id: int | None = None) -> list[str]: ...

    def resident_for_service(self, service: str, phone: str, office_id: int | None = None) -> Any: ...

    def demo_address(self) -> str | None: ...

    def reply_window(self, resident: Any, now: dt.datetime) -> Window: ...

    # -- the console ------------------------------------------------------------------------
    def timeline(self, case: Any, since: dt.datetime) -> list[Heard | Said]: ...

    def officer_requests(self, residents: Rows, limit: int) -> list[OfficerRequest]: ...

    def mark_handled(self, ref: int, residents: Rows) -> bool: ...

    def flagged_messages(self, residents: Rows, limit: int) -> list[FlaggedMessage]: ...

    def flagged_deliveries(self, limit: int) -> list[FlaggedDelivery]: ...

    def incidents(self) -> list[Incident]: ...

    def review_pages(self) -> list[ReviewPage]: ...

    # -- figures (coverage's "answered automatically") ----------------------------------------
    def automatic_replies(self, since: dt.datetime, until: dt.datetime) -> list[AutomaticReply]: ...

    def first_automatic_reply_at(self) -> dt.datetime | None: ...

    def handled_messages(
        self, resident_ids: Iterable[int], since: dt.datetime, until: dt.datetime
    ) -> list[HandledText]: ...

    def officer_message_times(
        self, resident_ids: Iterable[int], since: dt.datetime, until: dt.datetime
    ) -> list[tuple[int, dt.datetime]]: ...


_channels: dict[str, ResidentChannel] = {}


def register(channel: ResidentChannel) -> None:
    """Add (or replace, by name) a channel. Called from the channel's AppConfig.ready()."""
    _channels[channel.name] = channel


def channels() -> list[ResidentChannel]:
    return list(_channels.values())


def channel_for(resident: Any) -> ResidentChannel:
    for channel in _channels.values():
        if channel.reaches(resident):
            return channel
    raise NoChannel(f"no channel reaches resident {getattr(resident, 'pk', None)}")


def _only() -> ResidentChannel:
    """Calls that are not about one resident go to every channel; a few need exactly one."""
    if not _channels:
        raise NoChannel("no channel is registered")
    return next(iter(_channels.values()))


# --- telling a resident something ---------------------------------------------------------


def tell(
    resident: Any,
    *,
    text: str = "",
    case: Any = None,
    purpose: str = Purpose.REPLY,
    choices: Choices | None = None,
    attachment: Attachment | None = None,
    template_name: str = "",
    template_params: list[Any] | None = None,
) -> Any:
    """Record a message for the resident on the channel that reaches them; it is sent later.

    `choices`: a list or buttons the resident picks from (WhatsApp's interactive shape,
    the common denominator; a channel without them renders the rows as text).
    `template_name`/`template_params`: the approved form for a message we write first,
    used by channels that need one outside a conversation. Returns the channel's record.
    Call inside the transaction that caused it.
    """
    return channel_for(resident).tell(
        resident,
        text=text,
        case=case,
        purpose=str(purpose),
        choices=choices,
        attachment=attachment,
        template_name=template_name,
        template_params=list(template_params or []),
    )


def progress(refs: Iterable[int]) -> dict[int, Progress]:
    """What became of messages told earlier, by the `pk` of the record `tell` returned
    (a campaign's funnel: delivered, read, replied). Refs no channel knows are left out."""
    wanted = list(refs)
    found: dict[int, Progress] = {}
    for channel in _channels.values():
        found.update(channel.progress(wanted))
    return found


def template_refusal(name: str, *, purpose: str) -> str:
    """Why the channel would refuse template `name` for a message of `purpose` tied to no case
    ("" when it may carry it): e.g. a campaign (`bulk`) needs a MARKETING template."""
    return _only().template_refusal(name, purpose=str(purpose))


# --- answers a capability waits for ------------------------------------------------------
#
# A capability that asks residents something (the survey) registers the prefix of its option
# ids and what to do with a picked option or a typed answer. A channel hands it every picked
# option (`answer_choice`) and every typed text that is not a keyword (`answer_text`) before
# treating it as a request; True means "answered, nothing else to do".

ChoiceAnswer = Callable[[Any, str], bool]
TextAnswer = Callable[[Any, str], bool]


@dataclass(frozen=True)
class AnswerHandler:
    prefix: str
    on_choice: ChoiceAnswer
    on_text: TextAnswer | None = None


_answers: dict[str, AnswerHandler] = {}


def expect_answers(prefix: str, on_choice: ChoiceAnswer, on_text: TextAnswer | None = None) -> None:
    """Register (or replace) what handles options whose id starts with `prefix`, and typed text."""
    _answers[prefix] = AnswerHandler(prefix, on_choice, on_text)


def answer_choice(resident: Any, option_id: str) -> bool:
    """A resident picked `option_id`: True when a capability took it."""
    for handler in _answers.values():
        if option_id.startswith(handler.prefix):
            return handler.on_choice(resident, option_id)
    return False


def answer_text(resident: Any, text: str) -> bool:
    """A resident typed `text` (not a keyword): True when a capability was waiting for it."""
    return any(h.on_text is not None and h.on_text(resident, text) for h in _answers.values())


# --- consent -------------------------------------------------------------------------------


def consent_missing(case: Any) -> bool:
    """A channel asked the parent or guardian for consent on this case and has no yes (yet)."""
    return any(channel.consent_missing(case) for channel in _channels.values())


def record_consent(case: Any, *, agreed: bool, at: dt.datetime, notice_version: str) -> None:
    """Record an answer given outside a conversation (sample and demo data)."""
    channel_for(case.resident).record_consent(case, agreed=agreed, at=at, notice_version=notice_version)


def record_consents(
    cases: Sequence[tuple[int, dt.datetime]], *, notice_version: str, batch: int = 5000
) -> None:
    """Consent given at each case's opening, many at once (generated demo data): (case id, when)."""
    _only().record_consents(cases, notice_version=notice_version, batch=batch)


def ask_consent(case: Any, *, text: str, submitted_by: str, about: str) -> Any:
    """Ask the case's resident (who may never have written) for consent in ONE message
    written first: `text` says what it is about, `submitted_by` who filled the request in
    (a village operator), `about` whom it concerns (the child). The channel records the open
    question (the case waits, as for any consent) and sends its approved form with the
    consent choices; the answer attaches to this case. Call inside the caller's transaction."""
    return channel_for(case.resident).ask_consent(case, text=text, submitted_by=submitted_by, about=about)


def await_consent(case: Any) -> None:
    """Record an open consent question answered outside any channel (a signed paper form an
    officer decides on with `record_consent`): nothing is sent; the case waits till then."""
    channel_for(case.resident).await_consent(case)


# --- identity ------------------------------------------------------------------------------


def resident_for_service(service: str, phone: str, office_id: int | None = None) -> Any:
    """The resident at an address of office `office_id` serving `service` for this phone
    number (E.164 digits, "6281234567890"), created when the person never wrote: someone else
    (a village operator of that office) submits for them. Without `office_id`, any office's
    address. NoChannel when no address (of that office) serves the service."""
    for channel in _channels.values():
        if channel.addresses_serving({service}, office_id):
            return channel.resident_for_service(service, phone, office_id)
    raise NoChannel(f"no channel of office {office_id} serves {service}")


def same_person(resident: Any) -> Rows:
    """The resident's records on every address that is theirs (same person, other numbers)."""
    return channel_for(resident).same_person(resident)


def addresses_serving(services: Iterable[str], office_id: int | None = None) -> list[str]:
    """Office addresses (numbers) that serve any of these services, on every channel; with
    `office_id`, only that office's."""
    wanted = set(services)
    return [
        address for channel in _channels.values() for address in channel.addresses_serving(wanted, office_id)
    ]


def demo_address() -> str | None:
    """The office address demo residents write to, when a channel has one."""
    return next((a for channel in _channels.values() if (a := channel.demo_address())), None)


def reply_window(resident: Any, now: dt.datetime) -> Window:
    """What happens to a message written now (sent at once, or held for the channel's rules)."""
    return channel_for(resident).reply_window(resident, now)


# --- the console ---------------------------------------------------------------------------


def timeline(case: Any, since: dt.datetime) -> list[Heard | Said]:
    """What the resident sent and what we sent since `since`, for this case, in no order."""
    return [item for channel in _channels.values() for item in channel.timeline(case, since)]


def officer_requests(residents: Rows, limit: int) -> list[OfficerRequest]:
    found = [r for channel in _channels.values() for r in channel.officer_requests(residents, limit)]
    return found[:limit]


def mark_handled(ref: int, residents: Rows) -> bool:
    """Mark an officer request handled; False when it is not one of `residents`' requests."""
    return _only().mark_handled(ref, residents)


def flagged_messages(residents: Rows, limit: int) -> list[FlaggedMessage]:
    found = [m for channel in _channels.values() for m in channel.flagged_messages(residents, limit)]
    return sorted(found, key=lambda m: m.at, reverse=True)[:limit]


def flagged_deliveries(limit: int) -> list[FlaggedDelivery]:
    found = [d for channel in _channels.values() for d in channel.flagged_deliveries(limit)]
    return sorted(found, key=lambda d: d.at, reverse=True)[:limit]


def incidents() -> list[Incident]:
    """Open operations alerts of every channel."""
    return [incident for channel in _channels.values() for incident in channel.incidents()]


def review_pages() -> list[ReviewPage]:
    """The channels' pages for administrators (the console's home links them)."""
    return [page for channel in _channels.values() for page in channel.review_pages()]


# --- figures -------------------------------------------------------------------------------


def automatic_replies(since: dt.datetime, until: dt.datetime) -> list[AutomaticReply]:
    """Replies written by the channel itself (no case, no officer) in [since, until), in order."""
    found = [r for channel in _channels.values() for r in channel.automatic_replies(since, until)]
    return sorted(found, key=lambda r: r.at)


def first_automatic_reply_at() -> dt.datetime | None:
    """The oldest automatic reply whose text is still kept."""
    found = [at for channel in _channels.values() if (at := channel.first_automatic_reply_at())]
    return min(found, default=None)


def handled_messages(
    resident_ids: Iterable[int], since: dt.datetime, until: dt.datetime
) -> list[HandledText]:
    """Residents' messages handled in [since, until), in the order handled."""
    ids = list(resident_ids)
    found = [m for channel in _channels.values() for m in channel.handled_messages(ids, since, until)]
    return sorted(found, key=lambda m: (m.handled_at, m.ref))


def officer_message_times(
    resident_ids: Iterable[int], since: dt.datetime, until: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    """(resident id, when) of officers' messages written in [since, until)."""
    ids = list(resident_ids)
    return [row for channel in _channels.values() for row in channel.officer_message_times(ids, since, until)]


__all__ = [
    "Attachment",
    "AutomaticReply",
    "FlaggedDelivery",
    "FlaggedMessage",
    "HandledText",
    "Heard",
    "Incident",
    "NoChannel",
    "OfficerRequest",
    "Option",
    "Progress",
    "Purpose",
    "ReviewPage",
    "ResidentChannel",
    "Said",
    "Window",
]
