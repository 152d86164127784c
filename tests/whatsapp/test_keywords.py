"""The one keyword table: every word a resident may type, where it applies, and the router's actions."""

import re

import pytest

from loket.cases.models import Case, State
from loket.channels.whatsapp.conversation import consent, documents, guided, requests, rescheduling, wording
from loket.channels.whatsapp.conversation.keywords import (
    BY_WORD,
    KEYWORDS,
    Applies,
    Word,
    candidate,
    recognise,
)
from loket.channels.whatsapp.conversation.router import ACTIONS
from loket.channels.whatsapp.models import CaseConsent, OutboundMessage
from tests.whatsapp.inbound import deliver, inbound_settings, message, office_numbers, text  # noqa: F401

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("status", Word.STATUS),
        ("  Status ", Word.STATUS),
        ("BATAL KIA-20261130-0042", Word.CANCEL),
        ("batal", Word.CANCEL),
        ("Petugas", Word.OFFICER),
        ("jadwal ulang", Word.RESCHEDULE),
        ("JADWALULANG KIA-20261130-0042", Word.RESCHEDULE),
        ("Jadwal   Ulang", Word.RESCHEDULE),
        ("data saya", Word.MY_DATA),
        ("DATASAYA", Word.MY_DATA),
        ("hapus  data", Word.ERASE),
        ("berhenti", Word.STOP),
        ("Stop", Word.STOP),
        (" mulai ", Word.START),
    ],
)
def test_keywords_that_apply_anywhere_are_recognised_in_any_case_and_spacing(typed, word):
    assert recognise(typed).word == word


@pytest.mark.parametrize("typed", ["ya", "Setuju", "ya setuju", "SAYA SETUJU", "tidak", "Tidak  setuju"])
def test_yes_and_no_are_keywords_only_while_the_consent_question_is_open(typed):
    assert recognise(typed) is None
    found = recognise(typed, open_questions=[Applies.CONSENT_QUESTION])
    assert found is not None and found.word in (Word.YES, Word.NO)
    assert found.word == (Word.NO if "TIDAK" in typed.upper() else Word.YES)


@pytest.mark.parametrize(
    "typed",
    [
        "STATUSKU",
        "PETUGAS DESA",
        "DATA SAYA DONG",
        "YA SAYA",
        "#KIA#STATUS",
        "STOP DULU",
        "MENU KIA",
        "MULAI LAGI",
        "",
    ],
)
def test_other_texts_are_not_keywords(typed):
    assert candidate(typed) is None


def test_every_keyword_of_the_table_is_acted_on():
    declared = {k.word for k in KEYWORDS if not k.acted}
    assert declared == set()  # every word of the table is acted on today
    assert set(BY_WORD[Word.STOP].aliases) == {"BERHENTI", "STOP"}
    assert all(k.meaning for k in KEYWORDS)


def test_every_acted_keyword_has_exactly_one_action():
    assert set(ACTIONS) == {k.word for k in KEYWORDS if k.acted}
    assert len(BY_WORD) == len(KEYWORDS)


def test_no_alias_belongs_to_two_keywords():
    aliases = [alias.replace(" ", "") for k in KEYWORDS for alias in k.aliases]
    assert len(aliases) == len(set(aliases))


def test_every_keyword_our_replies_tell_residents_to_type_is_in_the_table():
    import inspect

    sources = consent.privacy_notice() + "".join(
        inspect.getsource(m) for m in (wording, requests, rescheduling, guided, documents)
    )
    told = set(re.findall(r"[Kk]etik ([A-Z]{4,}(?: [A-Z]{4,})?)", sources))
    assert told >= {"STATUS", "BATAL", "JADWAL ULANG", "DATA SAYA", "MENU"}
    for word in told:
        assert candidate(word) is not None, word


# --- through the router, on the database ---------------------------------------------------------


@pytest.fixture
def numbers(db):
    office_numbers()


def _texts() -> list[str]:
    return [m.text for m in OutboundMessage.objects.order_by("pk")]


@pytest.mark.django_db
def test_a_typed_tidak_with_no_consent_question_open_is_a_request_for_the_parser(numbers):
    deliver(text("tidak"))
    assert Case.objects.count() == 0
    (answer,) = _texts()
    assert "menunggu persetujuan" not in answer and "batalkan" not in answer


@pytest.mark.django_db
def test_a_typed_tidak_refuses_consent_when_the_consent_question_is_open(numbers):
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(text("Tidak", ts=1764400060))
    case = Case.objects.get()
    assert case.state == State.CANCELLED
    assert CaseConsent.objects.get().agreed is False
    assert "kami batalkan" in _texts()[-1]


@pytest.mark.django_db
def test_a_typed_ya_setuju_agrees_when_the_consent_question_is_open(numbers):
    deliver(text(KIA_BUDI, ts=1764400000))
    deliver(text("ya setuju", ts=1764400060))
    assert CaseConsent.objects.get().agreed is True
    assert "persetujuan Anda" in _texts()[-1]


@pytest.mark.django_db
def test_mulai_is_acted_on_and_opens_no_case(numbers):
    deliver(text("MULAI"))
    assert Case.objects.count() == 0
    (answer,) = OutboundMessage.objects.all()
    assert "pengingat" in answer.text.lower()  # the outreach answer, not the menu


@pytest.mark.parametrize("typed", ["ya", "TIDAK", "ya setuju"])
def test_yes_and_no_answer_a_guided_yes_no_question_first(typed):
    assert recognise(typed, open_questions=[Applies.YES_NO_QUESTION]).word in (Word.YES, Word.NO)
    assert recognise("menu").word == Word.MENU
