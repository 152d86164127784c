"""Inviting a resident to the survey: once per request, after a hand-over or (tagged apart) a
rejection, voluntary, and only through `invite` (the one door every invitation goes through).

A closed request's event (`CaseEvent` into COLLECTED or REJECTED) records a keyed job in
the same transaction; the job invites. The job runs after the transaction that handed the
card over, so the invitation always follows the hand-over message.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac

from loket.cases.models import Case, CaseEvent, State
from loket.domain.intake.services import SERVICES
from loket.jobs import queue
from loket.messaging import port
from loket.outreach import preferences
from loket.survey.models import OPEN, Outcome, Survey

log = logging.getLogger(__name__)

INVITE_JOB = "survey.invite"
START, DECLINE = "mulai", "lewati"
# The template for an invitation outside the 24-hour window (docs/skm.md gives its text). UTILITY:
# it follows up the resident's own request and names it ({{1}} request number, {{2}} service);
# two quick-reply buttons whose payloads are set at sending. Its declaration (category UTILITY,
# body from `invitation_body`) is with every other template in channels/whatsapp/templates.py.
TEMPLATE = "loket_undangan_survei"
BUTTONS = ("Isi survei", "Lewati")

OUTCOME_OF: dict[str, Outcome] = {State.COLLECTED: Outcome.SERVED, State.REJECTED: Outcome.REJECTED}


def key_of(kind: str, pk: int) -> str:
    """A keyed hash: the same person or request gives the same key, which leads nowhere without the secret."""
    return salted_hmac(f"loket.survey.{kind}", str(pk)).hexdigest()


@receiver(post_save, sender=CaseEvent, dispatch_uid="survey-invite-on-close")
def _on_event(sender, instance: CaseEvent, created: bool, **kwargs) -> None:
    outcome = OUTCOME_OF.get(instance.to_state)
    if created and outcome and settings.LOKET_SKM_ENABLED:
        queue.enqueue(
            INVITE_JOB,
            {"case": instance.case_id, "outcome": str(outcome)},
            key=f"{INVITE_JOB}:{instance.case_id}",
            run_after=timezone.now() + dt.timedelta(minutes=settings.LOKET_SKM_INVITE_DELAY_MINUTES),
        )


@queue.handler(INVITE_JOB)
def _invite_job(payload: queue.Payload) -> None:
    case = Case.objects.select_related("resident").filter(pk=int(payload["case"])).first()
    if case is None:
        return
    invite(case, Outcome(payload.get("outcome", Outcome.SERVED)))


def invite(case: Case, outcome: Outcome, now: dt.datetime | None = None) -> Survey | None:
    """Invite the resident of `case` once; None when they are not invited (and why is logged)."""
    now = now or timezone.now()
    resident = case.resident
    # --- the opt-out check (BERHENTI, loket.outreach): every invitation passes here ---------
    if not preferences.allows(resident, "survey"):
        log.info("survey: case %s not invited (opted out)", case.pk)
        return None
    if case.purged_at or getattr(resident, "purged_at", None):
        return None
    resident_key = key_of("resident", resident.pk)
    if Survey.objects.filter(resident_key=resident_key, status__in=OPEN, expires_at__gt=now).exists():
        log.info("survey: case %s not invited (another survey is open)", case.pk)
        return None
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                case_key=key_of("case", case.pk),
                resident_key=resident_key,
                office_id=case.office_id,
                outcome=outcome,
                service=case.service,
                kode_kecamatan=case.kode_kecamatan or "",
                served_on=timezone.localdate(case.state_changed_at or now),
                invited_at=now,
                expires_at=now + dt.timedelta(hours=settings.LOKET_SKM_EXPIRE_HOURS),
            )
            _send_invitation(resident, case, survey, now)
    except IntegrityError:
        return None  # invited before (a retried or duplicated job): never twice
    return survey


def service_name(case: Case) -> str:
    return SERVICES[case.service].name if case.service in SERVICES else case.service


def invitation_body(request_number: str, service: str) -> str:
    """The invitation's words; also the body of the declared template (with {{1}}, {{2}})."""
    return (
        f"Terima kasih telah menggunakan layanan {service}, permohonan {request_number}. "
        "Bantu kami menjadi lebih baik: "
        "maukah Anda mengisi survei kepuasan singkat (9 pertanyaan, sekitar 2 menit)? "
        "Survei ini sukarela dan tidak menanyakan nama atau NIK."
    )


def invitation_text(case: Case) -> str:
    return invitation_body(case.request_number, service_name(case))


def _send_invitation(resident: Any, case: Case, survey: Survey, now: dt.datetime) -> None:
    start, decline = f"skm:{survey.pk}:{START}", f"skm:{survey.pk}:{DECLINE}"
    text = invitation_text(case)
    if port.reply_window(resident, now).open:
        choices = port.button_choices(
            text, [port.Option(start, BUTTONS[0]), port.Option(decline, BUTTONS[1])]
        )
        port.tell(resident, text=text, purpose=port.Purpose.SURVEY, choices=choices)
        return
    body = [{"type": "text", "text": case.request_number}, {"type": "text", "text": service_name(case)}]
    components = [
        {"type": "body", "parameters": body},
        *(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
            for index, payload in enumerate((start, decline))
        ),
    ]
    port.tell(
        resident, text=text, purpose=port.Purpose.SURVEY, template_name=TEMPLATE, template_params=components
    )
