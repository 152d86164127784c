"""What a machine read on a document, and how it compares with the request (issue 18).

The pre-check only FLAGS for the officer; it never decides. So the comparisons here lean
one way: a `match` needs the exact 16 digits read off the image, and anything the reader
is unsure of is `unreadable`, never a match. A `mismatch` is reported only when numbers
were read and the requested one is not among them (the officer sees both side by side).

Pure Python: no Django, no environment. The reading itself (OCR, face detection, blur)
lives in `loket.precheck`; this module holds the vocabulary and the rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

Kind = Literal["kk", "ktp", "akta", "photo", "unknown"]
Check = Literal["match", "mismatch", "unreadable", "not_checked"]
KINDS: tuple[Kind, ...] = ("kk", "ktp", "akta", "photo", "unknown")
CHECKS: tuple[Check, ...] = ("match", "mismatch", "unreadable", "not_checked")

NUMBER_LENGTH = 16
# Letters OCR engines put where a digit was printed, and the digit they stand for. Only
# these: a confusion maps one printed glyph to one digit, it never adds or drops a digit.
_CONFUSIONS = {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1"}
_CONFUSIONS.update({"S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6", "g": "9"})
_TRANSLATE = str.maketrans(_CONFUSIONS)
_GLYPH = "0-9" + re.escape("".join(_CONFUSIONS))
# A run of digit-like glyphs, possibly split by single separators (a space, a dot, a dash)
# the way numbers are printed or the OCR spaced them. Letters around it end the run.
_RUN = re.compile(rf"(?<![A-Za-z0-9])[{_GLYPH}]+(?:[ .\-]{{1,2}}[{_GLYPH}]+)*(?![A-Za-z0-9])")
_SEPARATOR = re.compile(r"[ .\-]+")
# Of the 16 glyphs of a candidate, at most this many may be letters standing for digits:
# a word made of confusable letters ("SOBI") is not a number.
MAX_CONFUSED = 3


@dataclass(frozen=True)
class PhotoQuality:
    """What the child's photo looks like: a face on it, in colour, sharp enough."""

    face: bool
    colour: bool
    sharpness: float  # variance of the Laplacian of the downscaled grey image
    blurred: bool


@dataclass(frozen=True)
class Reading:
    """What was read off one document (a photo or the first pages of a PDF)."""

    kind: Kind
    numbers: tuple[str, ...]  # 16-digit numbers read (NIK, KK), in reading order, no repeats
    names: tuple[str, ...]
    engine: str | None  # the OCR engine that read it; None when none is available
    photo: PhotoQuality | None
    seconds: float
    readable: bool  # the engine found text it was confident about


def _digits(piece: str) -> tuple[str, int] | None:
    """The digits a run stands for and how many glyphs were confusions; None when a piece
    has more letters than digits (then it is a word, not part of a number)."""
    letters = sum(1 for ch in piece if not ch.isdigit())
    if letters and letters * 2 >= len(piece):
        return None
    return piece.translate(_TRANSLATE), letters


def numbers_in(text: str) -> tuple[str, ...]:
    """The 16-digit numbers (NIK/KK candidates) in OCR text, in order, without repeats.

    Tolerant of the usual confusions (O→0, I/l→1, S→5, B→8, ...) and of spaces, dots or dashes
    inside a number, but never inventing: a candidate is exactly 16 printed glyphs, each
    standing for one digit, with at most `MAX_CONFUSED` letters among them. A run of 15 or 17
    digits yields nothing (no digit is dropped or guessed).
    """
    found: list[str] = []
    for match in _RUN.finditer(text):
        pieces = [p for p in _SEPARATOR.split(match.group()) if p]
        # The whole run when it is one number ("3201 2345 6789 0123"), else any single piece
        # of 16 glyphs (a number next to a row number or to another number). Never a part of
        # a longer run of short groups: that could be a 17-digit number cut short.
        for candidate in ([match.group()] if len(pieces) > 1 else []) + pieces:
            converted = (
                _digits(_SEPARATOR.sub("", candidate)) if candidate == match.group() else _digits(candidate)
            )
            if converted is None:
                continue
            number, confused = converted
            if len(number) == NUMBER_LENGTH and confused <= MAX_CONFUSED and number not in found:
                found.append(number)
    return tuple(found)


# Words printed on each kind of document, as the OCR tends to render them (upper case,
# spaces possibly lost). Each hit counts; the kind with the most hits wins.
_KIND_WORDS: dict[Kind, tuple[str, ...]] = {
    "kk": ("KARTU KELUARGA", "KEPALA KELUARGA", "NO. KK", "HUBUNGAN DALAM KELUARGA", "STATUS PERKAWINAN"),
    "ktp": ("KARTU TANDA PENDUDUK", "GOL. DARAH", "BERLAKU HINGGA", "RT/RW", "KEL/DESA", "KEWARGANEGARAAN"),
    "akta": ("AKTA KELAHIRAN", "KUTIPAN AKTA", "PENCATATAN SIPIL", "TELAH LAHIR", "ANAK KE"),
}
_FUZZY_THRESHOLD = 85


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9/.]+", "", text.upper())


def classify(text: str, *, face: bool = False, numbers: int = 0) -> Kind:
    """The document kind from its text (and whether a face fills the photo).

    A document with a face on it (a KTP-el) is still a document: the text decides first. A
    face with little text and no 16-digit number is the child's photo.
    """
    squashed = _squash(text)
    scores: dict[Kind, int] = {}
    for kind, words in _KIND_WORDS.items():
        score = 0
        for word in words:
            key = _squash(word)
            if key in squashed or (
                len(squashed) >= len(key) and fuzz.partial_ratio(key, squashed) >= _FUZZY_THRESHOLD
            ):
                score += 1
        scores[kind] = score
    best = max(scores.values())
    if best > 0:
        winners = [kind for kind, score in scores.items() if score == best]
        if len(winners) == 1:
            return winners[0]
    if face and numbers == 0 and len(squashed) < 40:
        return "photo"
    return "unknown"


def check_number(reading: Reading, expected: str | None) -> Check:
    """Is the requested number among those read? `match` only on the exact 16 digits."""
    if expected is None or reading.engine is None:
        return "not_checked"
    if expected in reading.numbers:
        return "match"
    if not reading.readable or not reading.numbers:
        return "unreadable"
    return "mismatch"


def kind_matches(expected_kind: Kind, reading: Reading) -> Check:
    """Is the document the kind of the checklist item it was filed under?"""
    if expected_kind == "unknown":
        return "not_checked"
    if expected_kind == "photo":
        # The photo check needs no OCR: a face, and no document text around it.
        if reading.photo is None:
            return "not_checked"
        return "match" if reading.kind == "photo" else "mismatch"
    if reading.engine is None:
        return "not_checked"
    if reading.kind == expected_kind:
        return "match"
    if reading.kind == "unknown":
        return "unreadable"
    return "mismatch"
