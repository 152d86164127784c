"""What the fault suite posts: signed webhook bodies, valid and poison, built like Meta's.

Messages come from the inbound test builders (`tests/whatsapp/inbound.py`); envelopes,
bodies and signatures from the one envelope builder (`loket.channels.whatsapp.envelopes`).
Every valid message is a KIA request from its own resident (own wa_id and BSUID), so
"answered exactly once" is one reply per recipient at the fake Graph API.

Poison kinds (issue 10), and what the suite expects of each:

- `surrogate`: a lone `\\ud800` escape in a text body; `nul`: `\\u0000` in a text body.
  Loket may clean these and handle the message, or quarantine it: stored at most once,
  answered at most once.
- `long_id`: a message id over 200 characters; `long_from`: a `from` over 128 characters.
  Never stored (a truncated wamid would break exactly-once), never answered: quarantined.
- `deep`: JSON nested deeper than Python's parser goes. The whole delivery cannot be read,
  so valid messages beside it in the same delivery cannot be either: they are expected at
  most once, not exactly once (Meta never sends such a body).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from loket.channels.whatsapp import envelopes
from tests.whatsapp import inbound

NUMBER_ID = "990000000042"
DISPLAY = "6285694012597"
REQUEST = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
POISON_KINDS = ("surrogate", "nul", "long_id", "long_from", "deep")
# Poison that must never be stored nor answered (the others may be cleaned and handled).
STRICT_POISON = frozenset({"long_id", "long_from", "deep"})
DEEP = 20_000  # levels of nesting: far past json's recursion limit, 40 kB of body


@dataclass
class Message:
    wamid: str
    wa_id: str
    kind: str  # "valid" or a poison kind
    body: dict


@dataclass
class Delivery:
    """One webhook body; posted once, or more often when it is a redelivery."""

    messages: list[Message]
    raw: bytes = b""
    posts: int = 1
    deep: bool = False
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def valid(self) -> list[Message]:
        return [m for m in self.messages if m.kind == "valid"]


class Builder:
    """Numbers every resident and message of one run (a run tag keeps runs apart)."""

    def __init__(self, tag: str, seed: int = 10) -> None:
        self.tag = tag
        self.random = random.Random(seed)
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def valid(self) -> Message:
        n = self._next()
        wa_id = f"628{self.tag}{n:05d}"
        wamid = f"wamid.FAULT{self.tag}V{n:05d}"
        body = inbound.text(REQUEST, wamid=wamid, frm=wa_id, ts=1764400000 + n % 600)
        return Message(wamid, wa_id, "valid", body)

    def poison(self, kind: str) -> Message:
        n = self._next()
        wa_id = f"628{self.tag}{n:05d}"
        wamid = f"wamid.FAULT{self.tag}P{n:05d}"
        text = f"halo {n}"
        if kind == "surrogate":
            text = f"halo {n} \ud800"
        elif kind == "nul":
            text = f"halo {n} \u0000 ok"
        elif kind == "long_id":
            wamid = f"wamid.FAULT{self.tag}L{n:05d}" + "X" * 240
        elif kind == "long_from":
            wa_id = wa_id + "9" * 140
        body = inbound.text(text, wamid=wamid, frm=wa_id, ts=1764400000 + n % 600)
        return Message(wamid, wa_id, kind, body)

    def delivery(self, *messages: Message, label: str = "") -> Delivery:
        deep = any(m.kind == "deep" for m in messages)
        payload = envelopes.envelope(
            NUMBER_ID,
            display_number=DISPLAY,
            contacts=[
                envelopes.contact(wa_id=m.wa_id, user_id=f"ID.{m.wa_id}", name="Warga") for m in messages
            ],
            messages=[m.body for m in messages],
        )
        # The body escapes a lone surrogate as `\ud800` and NUL as `\u0000`, as Meta would.
        raw = envelopes.body(payload)
        if deep:
            # Inside the first deep message's text object: the body stays valid JSON.
            marker = b'"body": "halo'
            nested = b'"nest": ' + b"[" * DEEP + b"]" * DEEP + b", "
            raw = raw.replace(marker, nested + marker, 1)
        return Delivery(list(messages), raw=raw, deep=deep, label=label)

    def shuffled_posts(self, deliveries: list[Delivery], redeliver: float = 0.2) -> list[Delivery]:
        """Each delivery once, about `redeliver` of them twice or three times, in random order."""
        posts: list[Delivery] = []
        for delivery in deliveries:
            copies = 1
            if self.random.random() < redeliver:
                copies += self.random.choice((1, 1, 2))
            delivery.posts = copies
            posts += [delivery] * copies
        self.random.shuffle(posts)
        return posts


def headers(secret: str, raw: bytes) -> dict[str, str]:
    return envelopes.headers(secret, raw)
