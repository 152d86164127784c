"""The parent's or guardian's consent: the privacy notice, its question, the answer.

Consent is per person and notice version: the first request asks, later ones are covered
until the notice changes materially (a new LOKET_PRIVACY_NOTICE_VERSION). While a request's
question is open it cannot reach the officers' queue.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from loket.cases.models import OPEN_STATES, Case, IllegalTransition, Resident, State
from loket.cases.opening import note, queue_if_complete
from loket.channels.whatsapp.conversation import documents
from loket.channels.whatsapp.conversation.identity import same_person
from loket.channels.whatsapp.conversation.shared import reply
from loket.channels.whatsapp.conversation.wording import consent_thanks
from loket.channels.whatsapp.models import CaseConsent, InboundMessage
from loket.core.rows import insert_row
from loket.messaging import choices
from loket.offices.models import Office

log = logging.getLogger(__name__)

# The ids of the notice's two buttons.
CONSENT_YES, CONSENT_NO = "consent:yes", "consent:no"
# WhatsApp's limit for the body of a message with buttons.
INTERACTIVE_BODY_LIMIT = choices.BODY_MAX


def notice_version() -> str:
    """The privacy notice's version; a new one (a material change) asks residents again."""
    return settings.LOKET_PRIVACY_NOTICE_VERSION


def privacy_notice(office: Office | None = None) -> str:
    """The notice, with the retention periods the purge really applies: the office's own
    documents and messages periods when it sets them, else the settings'."""
    documents_days = (
        office.effective("LOKET_RETAIN_DOCUMENTS_DAYS") if office else settings.LOKET_RETAIN_DOCUMENTS_DAYS
    )
    messages_days = (
        office.effective("LOKET_RETAIN_MESSAGES_DAYS") if office else settings.LOKET_RETAIN_MESSAGES_DAYS
    )
    return (
        "Data ini (NIK, nama, akta, KK, KTP orang tua, foto) hanya dipakai Disdukcapil untuk "
        # The automated pre-check (loket.precheck) is named: it reads, an officer decides.
        "dokumen yang Anda minta; nomornya dicek mesin, petugas memutuskan. Berkas disimpan "
        f"{documents_days} hari sesudah permohonan selesai, pesan "
        f"{messages_days} hari. Ketik DATA SAYA: lihat, HAPUS DATA: hapus, "
        "PETUGAS: betulkan/tarik persetujuan.\n"
        "Data anak hanya dari orang tua/wali: tekan *Saya setuju* bila Anda orang tua/wali."
    )


def pending_consents(resident: Resident) -> QuerySet[CaseConsent]:
    """The person's open requests whose consent question is unanswered."""
    return CaseConsent.objects.filter(
        case__resident__in=same_person(resident),
        answered_at__isnull=True,
        case__state__in=sorted(OPEN_STATES),
    )


def question_open(resident: Resident) -> bool:
    """Whether the consent question is the one open for this person (YA/TIDAK answer it)."""
    return pending_consents(resident).exists()


def consent_for(resident: Resident, case: Case, *, created: bool) -> CaseConsent:
    """The case's consent row; a new one is already agreed when the person agreed to this notice."""
    # A case opened just now has no consent row yet: no need to look.
    consent = None if created else CaseConsent.objects.filter(case=case).first()
    if consent is None:
        version = notice_version()
        consent = CaseConsent(case=case, notice_version=version)
        insert_row(consent)  # once per new case: written out (core/rows.py)
        if resident.consent_at is not None and resident.consent_version == version:
            # Consent is per resident and notice version; it covers the new case too. A new
            # version (a material change of the notice) asks again.
            record_consent(case, consent, agreed=True, wamid="", earlier=resident.consent_at)
    return consent


def ask_consent(resident: Resident, case: Case, *, answer: str) -> None:
    """The privacy notice with its two buttons, under the `answer` to the request when both
    fit in one message: one message instead of two is easier to read on a small phone, and
    at 50 new residents a second it keeps the number under its 80 messages a second."""
    notice = privacy_notice(resident.office)
    body = f"{answer}\n\n{notice}"
    if len(body) > INTERACTIVE_BODY_LIMIT:
        reply(resident, answer, case=case)  # too long to carry the buttons: the answer first
        body = f"Nomor permohonan: {case.request_number}\n\n{notice}"
    interactive = {
        "type": "button",
        "body": {"text": body},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": CONSENT_YES, "title": "Saya setuju"}},
                {"type": "reply", "reply": {"id": CONSENT_NO, "title": "Tidak setuju"}},
            ]
        },
    }
    reply(resident, body, case=case, interactive=interactive)


def record_consent(
    case: Case, consent: CaseConsent, *, agreed: bool, wamid: str, earlier: dt.datetime | None = None
) -> None:
    now = timezone.now()
    consent.answered_at, consent.agreed, consent.answer_wamid = now, agreed, wamid
    consent.save()
    if earlier is not None:
        text = f"Persetujuan orang tua/wali sudah diberikan sebelumnya ({timezone.localtime(earlier):%d-%m-%Y %H:%M})."
    elif agreed:
        text = f"Pemohon menyatakan orang tua/wali dan menyetujui pemberitahuan privasi versi {consent.notice_version}."
    else:
        text = "Pemohon tidak menyetujui pemberitahuan privasi."
    note(case, text)


def answer_consent(resident: Resident, *, agreed: bool, message: InboundMessage) -> None:
    """YA/SETUJU or TIDAK, typed or a button: every waiting request of the person is answered."""
    pending = list(pending_consents(resident).select_related("case"))
    if not pending:
        reply(resident, "Terima kasih. Tidak ada permohonan yang menunggu persetujuan.")
        return
    if agreed:
        now = timezone.now()
        Resident.objects.filter(pk__in=same_person(resident).values("pk")).update(
            consent_at=now, consent_version=notice_version()
        )
    guided = documents.guided_case(resident)
    for consent in pending:
        case = consent.case
        record_consent(case, consent, agreed=agreed, wamid=message.wamid)
        if agreed:
            queued = queue_if_complete(case, consent_given=True)
            # A guided request: its documents are asked for by name, one at a time.
            asked = documents.prompt(case) if guided is not None and guided.pk == case.pk else None
            reply(case.resident, consent_thanks(case, queued=queued, next_document=asked), case=case)
        else:
            try:
                case.move_to(State.CANCELLED, source="channel", note="Tanpa persetujuan orang tua/wali.")
            except IllegalTransition:
                log.warning("case %s could not be cancelled after refused consent", case.pk)
            reply(
                case.resident,
                f"Baik, permohonan {case.request_number} kami batalkan dan datanya tidak kami proses. "
                "Anda tetap bisa datang langsung ke kantor Disdukcapil.",
                case=case,
            )
