"""A resident who wrote to the KIA number, whose card was approved, printed and handed over."""

from __future__ import annotations

import itertools

from loket.cases.models import Case, State
from loket.cases.workflow import reject
from loket.channels.whatsapp.models import OutboundMessage
from loket.console.models import Role
from loket.scheduling import printing
from loket.scheduling.approval import approve_case
from loket.scheduling.counter import hand_over
from loket.scheduling.models import HandOver
from loket.survey.models import Survey
from tests import approvable
from tests.console.builders import make_staff
from tests.whatsapp.inbound import deliver, message, text, work

KIA_SITI = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"
KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
_ts = itertools.count(1764400000, 10)


def ts() -> int:
    return next(_ts)


def requested(body: str = KIA_SITI, **kw) -> Case:
    deliver(text(body, ts=ts()), **kw)
    return Case.objects.order_by("-pk").first()


def in_review(body: str = KIA_SITI, **kw) -> Case:
    case = requested(body, **kw)
    Case.objects.filter(pk=case.pk).update(state=State.IN_REVIEW)
    case.refresh_from_db()
    return case


def handed_over(body: str = KIA_SITI, **kw) -> Case:
    case = in_review(body, **kw)
    approvable.make_complete(case)
    approve_case(case)
    booking = case.bookings.get(status="active")
    printing.mark_printed(booking.day, [booking.pk])
    receipt = booking.receipts.get(revoked_at__isnull=True)
    counter = make_staff(f"loket{case.pk}", Role.COUNTER)
    hand_over(
        receipt,
        officer=counter,
        relation=HandOver.Relation.PARENT,
        recipient_name="Siti Aminah",
        identity_document="KTP-el",
    )
    work()  # the worker: the invitation job, the sends
    case.refresh_from_db()
    assert case.state == State.COLLECTED
    return case


def rejected(body: str = KIA_SITI, **kw) -> Case:
    case = in_review(body, **kw)
    reject(case, reason="Akta kelahiran tidak terbaca", instead="Kirim ulang foto akta yang jelas")
    work()
    return case


def _as(frm: str | None) -> tuple[dict, dict]:
    """Message and envelope arguments for another resident (`frm` a wa_id), or Siti."""
    if frm is None:
        return {}, {}
    return {"frm": frm}, {"wa_id": frm, "bsuid": f"ID.{frm}"}


def press(option_id: str, frm: str | None = None) -> None:
    """A reply button pressed (an interactive button_reply)."""
    mine, envelope = _as(frm)
    reply = {"id": option_id, "title": "x"}
    deliver(message("interactive", type="button_reply", button_reply=reply, ts=ts(), **mine), **envelope)


def pick(option_id: str, frm: str | None = None) -> None:
    """A list row picked."""
    mine, envelope = _as(frm)
    row = {"id": option_id, "title": "x"}
    deliver(message("interactive", type="list_reply", list_reply=row, ts=ts(), **mine), **envelope)


def say(body: str, frm: str | None = None) -> None:
    mine, envelope = _as(frm)
    deliver(text(body, ts=ts(), **mine), **envelope)


def survey_messages() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(kind=OutboundMessage.Kind.SURVEY).order_by("pk"))


def last_survey_message() -> OutboundMessage:
    return survey_messages()[-1]


def the_survey() -> Survey:
    return Survey.objects.get()
