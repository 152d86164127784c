"""Meta webhook envelopes: the one builder of what the WhatsApp Cloud API posts to us.

Every producer of a webhook delivery builds it here: the simulator (a resident's chat),
the fake Graph API (status callbacks), the benches and the tests. Meta nests each event
as `entry[].changes[].value`; the value names the office number (`metadata`) and carries
`contacts` + `messages` (a resident wrote) or `statuses` (what became of our message).

Meta escapes non-ASCII in the body and signs exactly the bytes it sends
(`X-Hub-Signature-256`, HMAC-SHA256 with the app secret): `body` and `sign` do the same.

Pure Python on purpose (no Django): the benches drive a server from outside and import it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

OBJECT = "whatsapp_business_account"
# The WhatsApp Business Account id of every built delivery (Loket reads no meaning into it).
WABA_ID = "102030405060708"
# The display number of the demo's and the tests' KIA office number.
DISPLAY_NUMBER = "6285694012597"


def contact(*, wa_id: str = "", user_id: str = "", name: str = "") -> dict[str, Any]:
    """A resident as Meta names them: a phone number (`wa_id`), a business-scoped user id
    (`user_id`, BSUID), or both; a username-only user has no `wa_id`."""
    entry: dict[str, Any] = {"profile": {"name": name}}
    if wa_id:
        entry["wa_id"] = wa_id
    if user_id:
        entry["user_id"] = user_id
    return entry


def message(
    kind: str, content: dict[str, Any], *, wamid: str, timestamp: int | str, sender: str = ""
) -> dict[str, Any]:
    """One inbound message; `sender` (`from`) is left out for a username-only user."""
    item: dict[str, Any] = {"id": wamid, "timestamp": str(timestamp), "type": kind, kind: content}
    if sender:
        item["from"] = sender
    return item


def text(body: str, *, wamid: str, timestamp: int | str, sender: str = "") -> dict[str, Any]:
    return message("text", {"body": body}, wamid=wamid, timestamp=timestamp, sender=sender)


def media_sha256(data: bytes) -> str:
    """A file's sha256 as Meta writes it in a media message (base64, not hex)."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def envelope(
    phone_number_id: str,
    *,
    display_number: str = DISPLAY_NUMBER,
    contacts: Iterable[dict[str, Any]] = (),
    messages: Iterable[dict[str, Any]] = (),
    statuses: Iterable[dict[str, Any]] = (),
    waba_id: str = WABA_ID,
) -> dict[str, Any]:
    """One delivery with one change for one office number (as Meta sends nearly always)."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": display_number, "phone_number_id": phone_number_id},
    }
    for key, items in (("contacts", contacts), ("messages", messages), ("statuses", statuses)):
        items = list(items)
        if items:
            value[key] = items
    return {"object": OBJECT, "entry": [{"id": waba_id, "changes": [{"field": "messages", "value": value}]}]}


def value_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The first change's value of a built delivery (where tests adjust or read it)."""
    value: dict[str, Any] = payload["entry"][0]["changes"][0]["value"]
    return value


def body(payload: dict[str, Any], *, compact: bool = False) -> bytes:
    """The bytes Meta would post: non-ASCII escaped (`compact` drops the spaces, as Meta does)."""
    separators = (",", ":") if compact else None
    return json.dumps(payload, separators=separators, ensure_ascii=True).encode()


def sign(app_secret: str, data: bytes) -> str:
    """The `X-Hub-Signature-256` header value Meta sends for `data`."""
    return "sha256=" + hmac.new(app_secret.encode(), data, hashlib.sha256).hexdigest()


def headers(app_secret: str, data: bytes) -> dict[str, str]:
    """The headers of a signed delivery of `data`."""
    return {"Content-Type": "application/json", "X-Hub-Signature-256": sign(app_secret, data)}
