"""The survey as a short conversation: nine list questions (U1-U9, answered 1-4 with the
regulation's labels), an optional profile (sex, age band, education, occupation; never a
name or NIK) and an optional suggestion. Every question can be skipped ("Lewati pertanyaan")
and the whole survey stopped ("Berhenti survei").

The channel hands us the options the resident picks (ids `skm:<survey>:<step>:<value>`) and
typed text while a survey is being answered (`port.answer_text`). A picked option is only
accepted for the survey of the resident who picks it (their keyed hash), while it is open,
and for the question asked now: a duplicate or an older question's option changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from loket.core.rows import fetch_row
from loket.domain.skm import UNSUR
from loket.messaging import port
from loket.survey.invitations import DECLINE, START, key_of
from loket.survey.models import OPEN, Status, Survey

PREFIX = "skm:"
SKIP, STOP = "-", "stop"
SUGGESTION = "saran"
SUGGESTION_MAX = 1000
# Typed answers the survey understands while it is being answered (its own words, not keywords).
SKIP_WORDS = frozenset({"LEWATI", "LEWATI PERTANYAAN", "TIDAK ADA", "TIDAK ADA SARAN"})
STOP_WORDS = frozenset({"BERHENTI", "STOP", "BERHENTI SURVEI"})


@dataclass(frozen=True)
class Question:
    step: str  # u1..u9, or a profile field's name
    section: str  # ≤ 24 characters
    text: str
    options: tuple[tuple[str, str, str], ...]  # (value, title ≤ 24, description)


# A label too long for a row title keeps its full wording in the description.
SHORT = {"Ada tetapi tidak berfungsi": "Ada, tidak berfungsi", "Berfungsi kurang maksimal": "Kurang maksimal"}


def _element_question(number: int) -> Question:
    element = UNSUR[number - 1]
    options = tuple(
        (
            str(value),
            SHORT.get(label, label),
            f"Nilai {value}: {label}" if label in SHORT else f"Nilai {value}",
        )
        for value, label in enumerate(element.labels, start=1)
    )
    text = f"Pertanyaan {number} dari 9 ({element.name}).\n{element.question}\nPilih jawaban, atau ketik angka 1-4."
    return Question(element.key, f"U{number} {element.name}"[:24], text, options)


PROFILE: tuple[Question, ...] = (
    Question(
        "sex",
        "Jenis kelamin",
        "Sedikit tentang Anda (boleh dilewati). Jenis kelamin Anda?",
        (("L", "Laki-laki", ""), ("P", "Perempuan", "")),
    ),
    Question(
        "age_band",
        "Usia",
        "Usia Anda?",
        (
            ("<20", "Di bawah 20 tahun", ""),
            ("20-29", "20-29 tahun", ""),
            ("30-39", "30-39 tahun", ""),
            ("40-49", "40-49 tahun", ""),
            ("50-59", "50-59 tahun", ""),
            ("60+", "60 tahun ke atas", ""),
        ),
    ),
    Question(
        "education",
        "Pendidikan terakhir",
        "Pendidikan terakhir Anda?",
        (
            ("sd", "SD ke bawah", ""),
            ("smp", "SMP", ""),
            ("sma", "SMA/SMK", ""),
            ("diploma", "D1-D3", ""),
            ("s1", "D4/S1", ""),
            ("s2", "S2/S3", ""),
        ),
    ),
    Question(
        "occupation",
        "Pekerjaan",
        "Pekerjaan utama Anda?",
        (
            ("pns", "PNS/TNI/Polri", ""),
            ("swasta", "Pegawai swasta", ""),
            ("wiraswasta", "Wiraswasta", ""),
            ("pelajar", "Pelajar/Mahasiswa", ""),
            ("irt", "Ibu rumah tangga", ""),
            ("lainnya", "Lainnya", ""),
        ),
    ),
)
QUESTIONS: tuple[Question, ...] = tuple(_element_question(n) for n in range(1, 10)) + PROFILE
BY_STEP = {q.step: q for q in QUESTIONS}
STEPS: tuple[str, ...] = (*(q.step for q in QUESTIONS), SUGGESTION)
LABELS = {q.step: {value: title for value, title, _ in q.options} for q in PROFILE}

CLOSED_TEXT = "Survei ini sudah ditutup. Terima kasih atas perhatian Anda."
THANKS = "Terima kasih! Jawaban Anda sudah kami terima dan akan dipakai untuk memperbaiki layanan kami."
DECLINED = "Baik, tidak apa-apa. Terima kasih, semoga layanan kami bermanfaat."
STOPPED = (
    "Baik, survei dihentikan. Jawaban yang sudah Anda berikan tetap kami pakai tanpa nama. Terima kasih."
)
ALREADY = "Jawaban untuk pertanyaan itu sudah tercatat. Silakan jawab pertanyaan berikut."
UNKNOWN = "Maaf, jawaban itu tidak ada dalam pilihan. Mohon pilih dari daftar berikut."


def choices_for(survey: Survey, question: Question) -> port.Choices:
    options = [port.Option(f"{PREFIX}{survey.pk}:{question.step}:{v}", t, d) for v, t, d in question.options]
    options += [
        port.Option(f"{PREFIX}{survey.pk}:{question.step}:{SKIP}", "Lewati pertanyaan"),
        port.Option(f"{PREFIX}{survey.pk}:{STOP}", "Berhenti survei", "Jawaban yang sudah ada tetap dipakai"),
    ]
    return port.list_choices(question.text, button="Pilih jawaban", section=question.section, options=options)


def _ask(resident: Any, survey: Survey) -> None:
    if survey.step == SUGGESTION:
        text = (
            "Terakhir: ada saran untuk layanan kami? Tulis dalam satu pesan (tanpa nama atau NIK), "
            "atau tekan Tidak ada saran."
        )
        choices = port.button_choices(
            text, [port.Option(f"{PREFIX}{survey.pk}:{SUGGESTION}:{SKIP}", "Tidak ada saran")]
        )
    else:
        choices = choices_for(survey, BY_STEP[survey.step])
    port.tell(resident, text=choices["body"]["text"], purpose=port.Purpose.SURVEY, choices=choices)


def _close(survey: Survey, status: Status, now: dt.datetime) -> None:
    survey.status, survey.closed_at, survey.resident_key, survey.step = status, now, "", ""
    survey.save(update_fields=["status", "closed_at", "resident_key", "step"])


_OPEN_SURVEY = f"resident_key = %s AND status IN ({', '.join(['%s'] * len(OPEN))})"


def _open_survey(resident: Any, now: dt.datetime, pk: int | None = None) -> Survey | None:
    """The resident's open survey (locked), closing it first when it has expired."""
    # Asked of every text a resident types, mostly of no survey: written out (core/rows.py).
    where = _OPEN_SURVEY
    params: list[Any] = [key_of("resident", resident.pk), *(s.value for s in OPEN)]
    if pk is not None:
        where, params = f"id = %s AND {where}", [pk, *params]
    survey = fetch_row(Survey, f"{where} ORDER BY invited_at DESC LIMIT 1", params, lock=True)
    if survey is not None and survey.expires_at <= now:
        _close(survey, Status.EXPIRED, now)
        return None
    return survey


def _advance(resident: Any, survey: Survey, now: dt.datetime) -> None:
    survey.step = STEPS[STEPS.index(survey.step) + 1]
    survey.save()
    _ask(resident, survey)


def _finish(resident: Any, survey: Survey, now: dt.datetime, text: str = THANKS) -> None:
    _close(survey, Status.COMPLETED if survey.answered_any() else Status.DECLINED, now)
    port.tell(resident, text=text, purpose=port.Purpose.SURVEY)


def on_choice(resident: Any, option_id: str) -> bool:
    """A picked option of ours (always taken: an unusable one is answered, never ignored)."""
    parts = option_id.split(":")
    if len(parts) < 3 or not parts[1].isdigit():
        port.tell(resident, text=CLOSED_TEXT, purpose=port.Purpose.SURVEY)
        return True
    now = timezone.now()
    with transaction.atomic():
        survey = _open_survey(resident, now, int(parts[1]))
        if survey is None:
            port.tell(resident, text=CLOSED_TEXT, purpose=port.Purpose.SURVEY)
            return True
        action, value = parts[2], (parts[3] if len(parts) > 3 else "")
        if action == DECLINE and survey.status == Status.INVITED:
            _close(survey, Status.DECLINED, now)
            port.tell(resident, text=DECLINED, purpose=port.Purpose.SURVEY)
        elif action == START or (action == DECLINE and survey.status == Status.ANSWERING):
            if survey.status == Status.INVITED:
                survey.status, survey.step = Status.ANSWERING, STEPS[0]
                survey.save(update_fields=["status", "step"])
            _ask(resident, survey)  # pressed again: the question now open, once more
        elif action == STOP:
            _finish(resident, survey, now, STOPPED)
        elif survey.status == Status.INVITED or action not in STEPS:
            port.tell(resident, text=UNKNOWN, purpose=port.Purpose.SURVEY)
        else:
            _answer(resident, survey, action, value, now)
    return True


def _answer(resident: Any, survey: Survey, step: str, value: str, now: dt.datetime) -> None:
    current = STEPS.index(survey.step)
    if STEPS.index(step) < current:
        port.tell(resident, text=ALREADY, purpose=port.Purpose.SURVEY)  # a duplicate or an older list
        return
    if STEPS.index(step) > current:
        port.tell(resident, text=UNKNOWN, purpose=port.Purpose.SURVEY)
        _ask(resident, survey)
        return
    if step == SUGGESTION:
        _finish(resident, survey, now)
        return
    if value != SKIP:
        allowed = {v for v, _, _ in BY_STEP[step].options}
        if value not in allowed:
            port.tell(resident, text=UNKNOWN, purpose=port.Purpose.SURVEY)
            _ask(resident, survey)
            return
        setattr(survey, step, int(value) if step.startswith("u") else value)
    _advance(resident, survey, now)


def on_text(resident: Any, text: str) -> bool:
    """Typed text while the resident answers a survey; False leaves it to the request parser."""
    words = " ".join(text.upper().split())
    now = timezone.now()
    # Asked of every text a resident types: no savepoint of its own inside the message's
    # transaction (nothing here catches an error to go on; an error rolls back the message).
    with transaction.atomic(savepoint=False):
        survey = _open_survey(resident, now)
        if survey is None or survey.status != Status.ANSWERING:
            return False
        if words in STOP_WORDS:
            _finish(resident, survey, now, STOPPED)
            return True
        if survey.step == SUGGESTION:
            if words in SKIP_WORDS:
                _finish(resident, survey, now)
                return True
            if text.lstrip().startswith("#"):
                return False  # a request in the usual format, not a suggestion
            survey.suggestion = text.strip()[:SUGGESTION_MAX]
            survey.save(update_fields=["suggestion"])
            _finish(resident, survey, now)
            return True
        if words in SKIP_WORDS:
            _advance(resident, survey, now)
            return True
        if words.isdigit() and len(words) <= 2:
            if survey.step.startswith("u") and words in {"1", "2", "3", "4"}:
                setattr(survey, survey.step, int(words))
                _advance(resident, survey, now)
            else:
                port.tell(resident, text=UNKNOWN, purpose=port.Purpose.SURVEY)
                _ask(resident, survey)
            return True
    return False


def close_for_resident(resident: Any, status: Status = Status.DECLINED) -> int:
    """Close the resident's open surveys at once (BERHENTI, an erasure); returns how many."""
    now = timezone.now()
    return Survey.objects.filter(resident_key=key_of("resident", resident.pk), status__in=OPEN).update(
        status=status, closed_at=now, resident_key="", step=""
    )


def expire(now: dt.datetime | None = None) -> int:
    """Close every open survey past its time (nobody is told: the resident chose not to answer)."""
    now = now or timezone.now()
    return Survey.objects.filter(status__in=OPEN, expires_at__lte=now).update(
        status=Status.EXPIRED, closed_at=now, resident_key="", step=""
    )
