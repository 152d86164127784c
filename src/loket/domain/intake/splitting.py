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
    while rest and not rest[0].strip():
        rest.pop(0)  # "##KIA#..."
    service = _keyword(rest[0]) if rest else None
    if service is not None:
        rest = rest[1:]
    else:
        # "KIA#3603...#..." or "Permisi min, KIA#...": the keyword ends the greeting.
        words = _WORD_SEPARATORS.split(prefix.strip())
        service = service_for_keyword(words[-1]) if words[-1] else None
        if service is None:
            return Split(None)
    return Split(service, tuple(_drop_closing(_trim(rest))))


def _keyword(part: str) -> Service | None:
    """The service a keyword part names: 'KIA', ' kia ', 'KTP-EL', or 'KIA anak' (first word)."""
    part = part.strip()
    service = service_for_keyword(part)
    if service is None and part:
        service = service_for_keyword(_WORD_SEPARATORS.split(part)[0])
    return service


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


def _drop_closing(parts: list[str]) -> list[str]:
    while parts and _CLOSING.fullmatch(parts[-1]):
        parts.pop()
    return parts
