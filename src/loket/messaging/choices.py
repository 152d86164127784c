"""WhatsApp's limits on the choices the port carries (lists and reply buttons), in one place.

The port's `Choices` is WhatsApp's `interactive` object, so its limits are WhatsApp's.
Meta checks nothing on the client side and refuses an over-limit message with HTTP 400,
code 131009 ("Parameter value is not valid"); a message whose shape is wrong (an unknown
interactive type, no action) gets code 100 ("Invalid parameter"), a missing body 131008.
Builders read the limits from here (a row title cut to `ROW_TITLE_MAX`, a body kept under
`BODY_MAX`) and the fake Graph API refuses with `problems`, so a test catches what Meta would
refuse. Sources: docs/whatsapp.md "Interactive limits".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Reply buttons (interactive type "button").
BUTTONS_MIN = 1
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
# Lists (interactive type "list").
SECTIONS_MIN = 1
SECTIONS_MAX = 10
ROWS_MAX = 10  # in total, across all sections
ROW_ID_MAX = 200
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
SECTION_TITLE_MAX = 24
LIST_BUTTON_MAX = 20  # the label of the button that opens the list
# Both.
BODY_MAX = 1024
HEADER_MAX = 60
FOOTER_MAX = 60

INVALID_VALUE = 131009  # "Parameter value is not valid"
INVALID_PARAMETER = 100  # "Invalid parameter"
MISSING_PARAMETER = 131008  # "Required parameter is missing"


@dataclass(frozen=True)
class Problem:
    """Why Meta would refuse the message: its error code and the parameter it names."""

    code: int
    details: str


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _too_long(path: str, value: Any, limit: int) -> Problem | None:
    text = _text(value)
    if len(text) > limit:
        return Problem(INVALID_VALUE, f"{path}: at most {limit} characters (got {len(text)})")
    return None


def _required(path: str, value: Any, limit: int) -> Problem | None:
    if not _text(value).strip():
        return Problem(MISSING_PARAMETER, f"{path} is required")
    return _too_long(path, value, limit)


def problems(interactive: Any) -> list[Problem]:
    """Every way this `interactive` object breaks WhatsApp's limits (empty: Meta accepts it)."""
    if not isinstance(interactive, dict):
        return [Problem(INVALID_PARAMETER, "interactive must be an object")]
    kind = interactive.get("type")
    action = interactive.get("action")
    if kind not in ("button", "list"):
        # Other interactive types (cta_url, flow, product…) are not used by Loket.
        return (
            []
            if isinstance(kind, str) and kind
            else [Problem(MISSING_PARAMETER, "interactive.type is required")]
        )
    if not isinstance(action, dict):
        return [Problem(MISSING_PARAMETER, "interactive.action is required")]
    found: list[Problem | None] = []
    body = interactive.get("body")
    found.append(
        _required("interactive.body.text", body.get("text") if isinstance(body, dict) else None, BODY_MAX)
    )
    header = interactive.get("header")
    if isinstance(header, dict) and header.get("type", "text") == "text":
        found.append(_too_long("interactive.header.text", header.get("text"), HEADER_MAX))
    footer = interactive.get("footer")
    if isinstance(footer, dict):
        found.append(_too_long("interactive.footer.text", footer.get("text"), FOOTER_MAX))
    if kind == "button":
        found.extend(_button_problems(action))
    else:
        found.extend(_list_problems(action))
    return [p for p in found if p is not None]


def _button_problems(action: dict[str, Any]) -> list[Problem | None]:
    buttons = action.get("buttons")
    if not isinstance(buttons, list) or not BUTTONS_MIN <= len(buttons) <= BUTTONS_MAX:
        count = len(buttons) if isinstance(buttons, list) else 0
        return [
            Problem(
                INVALID_VALUE,
                f"interactive.action.buttons: {BUTTONS_MIN} to {BUTTONS_MAX} buttons (got {count})",
            )
        ]
    found: list[Problem | None] = []
    ids: set[str] = set()
    titles: set[str] = set()
    for i, button in enumerate(buttons):
        reply = button.get("reply") if isinstance(button, dict) else None
        reply = reply if isinstance(reply, dict) else {}
        path = f"interactive.action.buttons[{i}].reply"
        found.append(_required(f"{path}.title", reply.get("title"), BUTTON_TITLE_MAX))
        found.append(_required(f"{path}.id", reply.get("id"), BUTTON_ID_MAX))
        button_id, title = _text(reply.get("id")), _text(reply.get("title"))
        if button_id in ids:
            found.append(Problem(INVALID_VALUE, f"{path}.id: button ids must be unique ({button_id!r})"))
        if title in titles:
            found.append(Problem(INVALID_VALUE, f"{path}.title: button titles must be unique ({title!r})"))
        ids.add(button_id)
        titles.add(title)
    return found


def _list_problems(action: dict[str, Any]) -> list[Problem | None]:
    found: list[Problem | None] = [
        _required("interactive.action.button", action.get("button"), LIST_BUTTON_MAX)
    ]
    sections = action.get("sections")
    if not isinstance(sections, list) or not SECTIONS_MIN <= len(sections) <= SECTIONS_MAX:
        count = len(sections) if isinstance(sections, list) else 0
        found.append(
            Problem(
                INVALID_VALUE,
                f"interactive.action.sections: {SECTIONS_MIN} to {SECTIONS_MAX} sections (got {count})",
            )
        )
        return found
    total = 0
    ids: set[str] = set()
    for s, section in enumerate(sections):
        section = section if isinstance(section, dict) else {}
        path = f"interactive.action.sections[{s}]"
        if len(sections) > 1:
            found.append(_required(f"{path}.title", section.get("title"), SECTION_TITLE_MAX))
        else:
            found.append(_too_long(f"{path}.title", section.get("title"), SECTION_TITLE_MAX))
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            found.append(Problem(INVALID_VALUE, f"{path}.rows: at least 1 row"))
            continue
        total += len(rows)
        for r, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            row_path = f"{path}.rows[{r}]"
            found.append(_required(f"{row_path}.id", row.get("id"), ROW_ID_MAX))
            found.append(_required(f"{row_path}.title", row.get("title"), ROW_TITLE_MAX))
            found.append(_too_long(f"{row_path}.description", row.get("description"), ROW_DESCRIPTION_MAX))
            row_id = _text(row.get("id"))
            if row_id in ids:
                found.append(Problem(INVALID_VALUE, f"{row_path}.id: row ids must be unique ({row_id!r})"))
            ids.add(row_id)
    if total > ROWS_MAX:
        found.append(
            Problem(
                INVALID_VALUE, f"interactive.action.sections: at most {ROWS_MAX} rows in total (got {total})"
            )
        )
    return found
