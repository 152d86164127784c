"""Questions answered by choosing: WhatsApp buttons and lists, with a numbered text fallback.

Every choice message carries its choices as numbered lines in its body, so a phone that
shows no buttons (or a resident who prefers typing) answers with the number. The choices
offered are kept on the resident's `GuidedConversation` row with a `turn` that every new
question raises: a button id is `g<turn>:<number>`, so a button of an earlier question
(pressed twice, or late) is recognised as old and never advances the conversation again.

WhatsApp's limits (Meta refuses a message over them) come from `loket.messaging.choices`,
the one source the fake Graph API enforces too; they are applied here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

from loket.cases.models import Case, Resident
from loket.channels.whatsapp.conversation.shared import reply
from loket.channels.whatsapp.models import GuidedConversation, OutboundMessage
from loket.messaging.choices import (
    BODY_MAX,
    BUTTON_TITLE_MAX,
    BUTTONS_MAX,
    LIST_BUTTON_MAX,
    ROW_DESCRIPTION_MAX,
    ROW_TITLE_MAX,
    ROWS_MAX,
    SECTION_TITLE_MAX,
)

CHOICE_ID = re.compile(r"^g(\d+):(\d+)$")
NUMBER_HINT = "Balas dengan angka pilihan."


@dataclass(frozen=True)
class Option:
    value: str  # what the choice means to the flow: "svc:KIA", "yes", "place:36.03.03"
    title: str  # a button's or row's title (cut to WhatsApp's limit)
    description: str = ""  # a list row's second line
    section: str = ""  # a list's section title


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def session_for(resident: Resident) -> GuidedConversation:
    """The resident's row, locked for this transaction (one answer advances it once)."""
    row, _ = GuidedConversation.objects.get_or_create(resident=resident)
    return GuidedConversation.objects.select_for_update(of=("self",)).get(pk=row.pk)


def numbered(body: str, options: list[Option]) -> str:
    lines = [f"{n}. {o.title}" for n, o in enumerate(options, 1)]
    return "\n".join([body, "", *lines, NUMBER_HINT])


def offer(
    conv: GuidedConversation,
    body: str,
    options: list[Option],
    *,
    list_button: str = "Pilih",
    case: Case | None = None,
) -> OutboundMessage:
    """Ask a question with these choices: up to 3 as buttons, else a list (at most 10 rows).

    Records the choices and a new turn on `conv` (the caller sets the step and saves)."""
    if len(options) > ROWS_MAX:
        raise ValueError("WhatsApp lists hold at most 10 rows")
    conv.turn += 1
    conv.choices = [[f"g{conv.turn}:{n}", o.value, o.title] for n, o in enumerate(options, 1)]
    conv.asked_at = timezone.now()
    text = numbered(body, options)
    if len(text) > BODY_MAX:
        text = text[: BODY_MAX - 1] + "…"
    use_buttons = len(options) <= BUTTONS_MAX and all(len(o.title) <= BUTTON_TITLE_MAX for o in options)
    if use_buttons:
        interactive = {
            "type": "button",
            "body": {"text": text},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": cid, "title": _cut(o.title, BUTTON_TITLE_MAX)}}
                    for (cid, _v, _t), o in zip(conv.choices, options, strict=True)
                ]
            },
        }
    else:
        sections: dict[str, list[dict]] = {}
        for (cid, _v, _t), o in zip(conv.choices, options, strict=True):
            row = {"id": cid, "title": _cut(o.title, ROW_TITLE_MAX)}
            if o.description:
                row["description"] = _cut(o.description, ROW_DESCRIPTION_MAX)
            sections.setdefault(o.section, []).append(row)
        interactive = {
            "type": "list",
            "body": {"text": text},
            "action": {
                "button": _cut(list_button, LIST_BUTTON_MAX),
                "sections": [
                    ({"title": _cut(title, SECTION_TITLE_MAX)} if title else {}) | {"rows": rows}
                    for title, rows in sections.items()
                ],
            },
        }
        if len(sections) > 1 and any(not title for title in sections):
            raise ValueError("with several sections, every section needs a title")
    return reply(conv.resident, text, case=case, interactive=interactive)


def pressed(conv: GuidedConversation, choice_id: str) -> str | None:
    """The value of a pressed button or row of the open question; None when it is from an
    earlier question (already answered) or unknown."""
    found = CHOICE_ID.match(choice_id)
    if not found or int(found.group(1)) != conv.turn:
        return None
    return next((value for cid, value, _title in conv.choices if cid == choice_id), None)


def typed_choice(conv: GuidedConversation, text: str) -> str | None:
    """The value a typed answer picks: its number ("2", "2."), or a title typed out."""
    words = text.strip().rstrip(".").strip()
    if words.isdigit():
        index = int(words) - 1
        return conv.choices[index][1] if 0 <= index < len(conv.choices) else None
    key = re.sub(r"[^0-9A-Z]", "", words.upper())
    if not key:
        return None
    for _cid, value, title in conv.choices:
        if re.sub(r"[^0-9A-Z]", "", title.upper()) == key:
            return value
    return None
