"""Cut a WhatsApp text into the service keyword and its fields, forgiving how people type.

Forgiven: any case; spaces around fields; a missing or extra trailing '#'; a greeting
before the first '#'; the full-width '＃' (folded by NFKC before we get here); line
breaks instead of '#' when a line holds only the keyword; a doubled '##'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loket.domain.intake.services import Service, service_for_keyword

# Words people add after the last field that are not data ("#...#TIGARAKSA#terima kasih").
_CLOSING = re.compile(
    r"(terima\s*kasih|makasih|trims|tks|thanks?|thx|mohon\s+(bantuannya|dibantu)|wassalam\w*)[\s.!,🙏]*"
    r"(min|admin|pak|bu|kak)?[\s.!🙏]*",
    re.IGNORECASE,
)
_WORD_SEPARATORS = re.compile(r"[\s,:;!?]+")


@dataclass(frozen=True)
class Split:
    service: Service | None
    parts: tuple[str, ...] = ()  # raw field texts, in order, as typed
    by_lines: bool = False  # fields came one per line


def split_message(text: str) -> Split:
    """`text` is already normalised (NFKC, no control characters, '\\n' line ends)."""
    by_lines = _split_by_lines(text)
    if by_lines is not None:
        return by_lines
    if "#" not in text:
        return Split(None)
    prefix, *rest = text.split("#")
    first = next((i for i, part in enumerate(rest) if part.strip()), len(rest))
    rest = rest[first:]  # "##KIA#..."
    service, first_field = _keyword(rest[0]) if rest else (None, "")
    if service is not None:
        rest = [first_field, *rest[1:]] if first_field else rest[1:]
    else:
        # "KIA#3603...#..." or "Permisi min, KIA#...": the keyword ends the greeting;
        # "KIA 3603...#3603...#...": the keyword and the first field share the greeting's part.
        words = _WORD_SEPARATORS.split(prefix.strip())
        service = service_for_keyword(words[-1]) if words[-1] else None
        if service is None and len(words) >= 2 and any(ch.isdigit() for ch in words[-1]):
            service = service_for_keyword(words[-2])
            rest = [words[-1], *rest]
        if service is None:
            return Split(None)
    return Split(service, tuple(_drop_closing(_trim(rest))))


def _keyword(part: str) -> tuple[Service | None, str]:
    """The service a keyword part names, and a first field typed in the same part.

    'KIA', ' kia ', 'KTP-EL'; 'KIA anak' (words after the keyword are dropped);
    'KIA 3603035512180003' (a number after the keyword is the first field).
    """
    part = part.strip()
    service = service_for_keyword(part)
    if service is not None or not part:
        return service, ""
    separator = _WORD_SEPARATORS.search(part)
    if separator is None:
        return None, ""
    service = service_for_keyword(part[: separator.start()])
    remainder = part[separator.end() :]
    return service, remainder if service and any(ch.isdigit() for ch in remainder) else ""


def _split_by_lines(text: str) -> Split | None:
    """Fields one per line, after a line that holds only the keyword (maybe with '#')."""
    if len(text) > 20_000:
        return None  # no request is this long; the '#' path handles it without scanning lines
    lines = text.split("\n")
    for index, line in enumerate(lines):
        candidate = line.strip().strip("#").strip()
        if not candidate or "#" in candidate:
            continue
        service = service_for_keyword(candidate)
        if service is None:
            continue
        before, after = lines[:index], lines[index + 1 :]
        if any("#" in other for other in before + after):
            return None
        return Split(service, tuple(_drop_closing([ln.strip() for ln in after if ln.strip()])), by_lines=True)
    return None


def _trim(parts: list[str]) -> list[str]:
    parts = [p.strip() for p in parts]
    while parts and not parts[-1]:
        parts.pop()
    return parts


# ... or at the end of the last field ("#TIGARAKSA. Terima kasih min").
_CLOSING_TAIL = re.compile(
    r"[\s.,;!]+(terima\s*kasih|makasih|trims|tks|thanks?|thx|mohon\s+(bantuannya|dibantu)|wassalam\w*)\b.*$",
    re.IGNORECASE | re.DOTALL,
)


def _drop_closing(parts: list[str]) -> list[str]:
    while parts and _CLOSING.fullmatch(parts[-1]):
        parts.pop()
    if parts:
        parts[-1] = _CLOSING_TAIL.sub("", parts[-1]) or parts[-1]
    return parts
