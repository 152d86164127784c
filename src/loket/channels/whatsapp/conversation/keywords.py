"""Every word a resident can type to Loket, in one table: its meaning, aliases and where it applies.

A message is a keyword when, in capitals with its spacing normalised, it equals one of the
keyword's aliases (or starts with one, for keywords followed by a request number). The router
(`router.py`) acts on a recognised keyword; anything else is a request for the intake parser.

Every keyword in the table is acted on today; `acted=False` declares a word for a coming
issue (it then falls through like any text).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Word(enum.StrEnum):
    """What a keyword means; the router has one action per acted meaning."""

    STATUS = "status"
    CANCEL = "cancel"
    OFFICER = "officer"
    RESCHEDULE = "reschedule"
    MY_DATA = "my_data"
    ERASE = "erase"
    YES = "yes"
    NO = "no"
    MENU = "menu"
    STOP = "stop"
    START = "start"


class Applies(enum.StrEnum):
    """Where a keyword applies."""

    ANYWHERE = "anywhere"  # on every office number, at any point of a conversation
    CONSENT_QUESTION = "consent_question"  # only while the parent's consent question is open
    YES_NO_QUESTION = "yes_no_question"  # only while a guided yes/no question is open (it comes first)


@dataclass(frozen=True)
class Keyword:
    word: Word
    meaning: str  # for officers and the docs; English
    aliases: tuple[str, ...]  # as a resident types them, capitals, single spaces
    applies: Applies | tuple[Applies, ...] = Applies.ANYWHERE  # one place, or several
    prefix: bool = False  # may be followed by more words (a request number)
    spacing_free: bool = False  # `JADWALULANG`, `jadwal  ulang` and `Jadwal Ulang` alike
    acted: bool = True  # False: declared for a coming issue, not recognised yet

    @property
    def where(self) -> frozenset[Applies]:
        """Every place the keyword applies."""
        return frozenset(self.applies if isinstance(self.applies, tuple) else (self.applies,))

    @property
    def anywhere(self) -> bool:
        return Applies.ANYWHERE in self.where

    def matches(self, words: str) -> bool:
        """`words` as `normalise` returns them."""
        said = words.replace(" ", "") if self.spacing_free else words
        for alias in self.aliases:
            wanted = alias.replace(" ", "") if self.spacing_free else alias
            if said == wanted or (self.prefix and said.startswith(wanted)):
                return True
        return False


# In the order the router tries them (the first that matches wins).
KEYWORDS: tuple[Keyword, ...] = (
    Keyword(Word.STATUS, "List my open requests and those finished in the last 30 days.", ("STATUS",)),
    Keyword(Word.CANCEL, "Cancel the request whose number follows.", ("BATAL",), prefix=True),
    Keyword(Word.OFFICER, "Hand the conversation to an officer.", ("PETUGAS",)),
    Keyword(
        Word.RESCHEDULE,
        "Offer other sessions for an approved request (optionally the one whose number follows).",
        ("JADWAL ULANG",),
        prefix=True,
        spacing_free=True,
    ),
    Keyword(Word.MY_DATA, "Show what Loket holds about me.", ("DATA SAYA",), spacing_free=True),
    Keyword(
        Word.ERASE, "Ask for my data to be erased (an officer decides).", ("HAPUS DATA",), spacing_free=True
    ),
    Keyword(
        Word.YES,
        "Yes: I agree to the privacy notice as parent or guardian, or yes to the guided question open.",
        ("YA", "SETUJU", "YA SETUJU", "SAYA SETUJU"),
        applies=(Applies.YES_NO_QUESTION, Applies.CONSENT_QUESTION),
    ),
    Keyword(
        Word.NO,
        "No: to the guided yes/no question open; else I refuse the privacy notice (the waiting "
        "requests are cancelled) - only when the consent question is the open one.",
        ("TIDAK", "TIDAK SETUJU"),
        applies=(Applies.YES_NO_QUESTION, Applies.CONSENT_QUESTION),
    ),
    Keyword(Word.MENU, "Show the menu of services (leaves a guided conversation).", ("MENU",)),
    Keyword(
        Word.STOP,
        "Send me no more reminders, announcements or surveys (news about my own requests still comes).",
        ("BERHENTI", "STOP"),
    ),
    Keyword(Word.START, "Send me reminders and announcements again.", ("MULAI",)),
)

BY_WORD: dict[Word, Keyword] = {keyword.word: keyword for keyword in KEYWORDS}


def normalise(text: str) -> str:
    """Capitals, single spaces, no spaces around: how the table compares."""
    return " ".join(text.upper().split())


def recognise(text: str, open_questions: Iterable[Applies] = ()) -> Keyword | None:
    """The acted keyword `text` is, where it applies; None for anything else (a request).

    `open_questions` names the questions open for this resident (for example
    `Applies.CONSENT_QUESTION`): a keyword that applies only there is not one elsewhere.
    """
    words = normalise(text)
    where = {Applies.ANYWHERE, *open_questions}
    for keyword in KEYWORDS:
        if keyword.acted and keyword.where & where and keyword.matches(words):
            return keyword
    return None


def candidate(text: str) -> Keyword | None:
    """The acted keyword `text` would be if its question were open (no question asked yet)."""
    return recognise(text, open_questions=tuple(Applies))
