"""What Loket answers a resident, message by message (runs in the worker).

`respond(message)` is called once per inbound message, inside the transaction that marks
it handled, so a crash leaves either everything (case, documents, replies in the outbox)
or nothing. Texts go through the intake parser; files join a case; keywords STATUS,
BATAL, PETUGAS, DATA SAYA and HAPUS DATA work on any office number; the first request asks for the parent's or
guardian's consent. Every reply goes through `outbox.enqueue`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from loket.cases import document_files
from loket.cases.models import OPEN_STATES, Case, Document, IllegalTransition, Resident, State
from loket.cases.opening import Request, missing_documents, note, open_or_update, queue_if_complete
from loket.channels.whatsapp import media, outbox
from loket.channels.whatsapp.hours import officer_time_text, turn_text
from loket.channels.whatsapp.models import CaseConsent, Conversation, InboundMessage, PhoneNumber
from loket.channels.whatsapp.sending import number_state
from loket.core.rows import db_time, read_column
from loket.domain import files
from loket.domain.checklists import KINDS, kind_from_caption
from loket.jobs import queue
from loket.privacy import rights

log = logging.getLogger(__name__)

DOWNLOAD_MEDIA = "whatsapp.download_media"
ACKNOWLEDGE_FILES = "whatsapp.acknowledge_files"
REQUEST_NUMBER = re.compile(r"\b([A-Z]{2,6}-\d{8}-\d{4})\b")
CONSENT_YES, CONSENT_NO = "consent:yes", "consent:no"
YES_WORDS = {"YA", "SETUJU", "YA SETUJU", "SAYA SETUJU"}
NO_WORDS = {"TIDAK", "TIDAK SETUJU"}
FLOOD_NOTICE_EVERY = dt.timedelta(minutes=10)
RESCHEDULE_WORD = "JADWALULANG"  # `JADWAL ULANG` in any letter case and spacing
SESSION_CHOICE = "jadwal:"  # list rows of `scheduling.rescheduling.offer_sessions`

MY_DATA_WORD = "DATASAYA"  # `DATA SAYA`: what Loket holds about me (loket.privacy.rights)
ERASE_WORD = "HAPUSDATA"  # `HAPUS DATA`: an erasure request an officer decides


def notice_version() -> str:
    """The privacy notice's version; a new one (a material change) asks residents again."""
    return settings.LOKET_PRIVACY_NOTICE_VERSION


def privacy_notice() -> str:
    """The notice, with the retention periods the purge really applies (the settings)."""
    return (
        "Data ini (NIK, nama, akta, KK, KTP orang tua, foto) hanya dipakai Disdukcapil untuk "
        f"dokumen yang Anda minta. Berkas disimpan {settings.LOKET_RETAIN_DOCUMENTS_DAYS} hari "
        f"sesudah permohonan selesai, pesan {settings.LOKET_RETAIN_MESSAGES_DAYS} hari. Ketik "
        "DATA SAYA untuk melihat, HAPUS DATA untuk menghapus, PETUGAS untuk membetulkan atau menarik "
        "persetujuan.\n"
        "Data anak hanya dari orang tua/wali: tekan *Saya setuju* bila Anda orang tua/wali dan setuju."
    )


# WhatsApp's limit for the body of a message with buttons.
INTERACTIVE_BODY_LIMIT = 1024


# --- entry point -------------------------------------------------------------------------


def respond(message: InboundMessage) -> None:
    resident = message.resident
    number, _pauses = number_state(message.phone_number_id)  # cached briefly, as for sending
    conversation = OnDemand(resident)
    if _flooded(message):
        _flood(message, conversation)
        if message.media_state == InboundMessage.Media.PENDING:
            _receive_file(message, conversation)  # kept and downloaded all the same
        return
    kind = message.type
    if message.media_state == InboundMessage.Media.PENDING:
        _receive_file(message, conversation)
    elif kind == "text":
        _text(message, resident, number, conversation)
    elif kind in ("interactive", "button"):
        _choice(message, resident, conversation)
    elif kind == "system":
        _identity_change(message, resident)
    elif "unsupported" in message.flags:
        _reply(
            resident,
            "Maaf, jenis pesan ini belum bisa kami baca. Mohon kirim sebagai teks, foto, atau PDF.",
        )
    # Stickers, reactions, locations and shared contacts are kept for officers; no reply.


class OnDemand:
    """The resident's `Conversation` row, read or created only when a path touches it.

    Most messages (a request, STATUS) never do; skipping it saves up to four round trips
    on the busiest path (a new resident's first request).
    """

    def __init__(self, resident: Resident) -> None:
        object.__setattr__(self, "_resident", resident)
        object.__setattr__(self, "_row", None)

    def _get(self) -> Conversation:
        if self._row is None:
            object.__setattr__(self, "_row", Conversation.objects.get_or_create(resident=self._resident)[0])
        return self._row

    def __getattr__(self, name: str):
        return getattr(self._get(), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._get(), name, value)


def content_of(message: InboundMessage) -> dict:
    """The type's own object ({"body": ...}, {"id": ..., "caption": ...}); {} when malformed."""
    content = message.payload.get(message.type)
    return content if isinstance(content, dict) else {}


def _reply(resident: Resident, text: str, *, case: Case | None = None, interactive: dict | None = None):
    return outbox.enqueue(resident, text=text, case=case, interactive=interactive)


# --- who is this person, across the office's numbers ----------------------------------------


def same_person(resident: Resident):
    """The resident's records on every office number (same WhatsApp id or BSUID)."""
    match = Q(pk=resident.pk)
    if resident.wa_id:
        match |= Q(wa_id=resident.wa_id)
    if resident.bsuid:
        match |= Q(bsuid=resident.bsuid)
    return Resident.objects.filter(match)


def open_cases(resident: Resident):
    return Case.objects.filter(resident__in=same_person(resident), state__in=sorted(OPEN_STATES)).order_by(
        "created_at", "pk"
    )


def display(number: str) -> str:
    """6281282372016 -> 081282372016, as residents write it."""
    return "0" + number[2:] if number.startswith("62") else number


# --- texts ------------------------------------------------------------------------------------


def _text(message, resident, number, conversation) -> None:
    body = message.payload.get("text")
    text = str(body.get("body") or "").strip() if isinstance(body, dict) else ""
    words = " ".join(text.upper().split())
    if words == "STATUS":
        _reply(resident, status_text(resident))
    elif words.startswith("BATAL"):
        _cancel(resident, words)
    elif words == "PETUGAS":
        _want_officer(resident, conversation)
    elif words.replace(" ", "").startswith(RESCHEDULE_WORD):
        _reschedule(resident, words)
    elif words.replace(" ", "") == MY_DATA_WORD:
        _reply(resident, rights.my_data_text(resident))
    elif words.replace(" ", "") == ERASE_WORD:
        _reply(resident, rights.request_erasure(resident, wamid=message.wamid))
    elif words in YES_WORDS | NO_WORDS and _pending_consents(resident).exists():
        _answer_consent(resident, agreed=words in YES_WORDS, message=message)
    else:
        _request(message, resident, number, text)


# STATUS also lists requests that ended this recently (collected, rejected, cancelled, expired).
FINISHED_DAYS = 30


def finished_cases(resident: Resident, now: dt.datetime | None = None):
    since = (now or timezone.now()) - dt.timedelta(days=FINISHED_DAYS)
    return Case.objects.filter(
        resident__in=same_person(resident),
        state__in=[State.COLLECTED, State.REJECTED, State.CANCELLED, State.EXPIRED],
        state_changed_at__gte=since,
    ).order_by("state_changed_at", "pk")


def _finished_line(case: Case) -> str:
    line = f"- {case.request_number}: {State(case.state).label} {timezone.localtime(case.state_changed_at):%d-%m-%Y}."
    if case.state == State.REJECTED and case.reject_reason:
        line += f" Alasan: {case.reject_reason.splitlines()[0]}"
    return line


def status_text(resident: Resident) -> str:
    cases = list(open_cases(resident))
    finished = list(finished_cases(resident))
    lines = []
    if not cases:
        lines.append("Saat ini tidak ada permohonan Anda yang sedang berjalan.")
    else:
        lines.append("Permohonan Anda yang sedang berjalan:")
    for n, case in enumerate(cases, 1):
        line = f"{n}. {case.request_number}: {State(case.state).label}."
        if case.state in (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION):
            missing = missing_documents(case)
            if missing:
                line += " Kurang: " + ", ".join(kind.label for kind in missing) + "."
        lines.append(line)
    if finished:
        lines.append(f"Selesai dalam {FINISHED_DAYS} hari terakhir:")
        lines += [_finished_line(case) for case in finished]
    if cases:
        lines.append("Untuk membatalkan, ketik BATAL lalu nomor permohonannya.")
    return "\n".join(lines)


def _cancel(resident: Resident, words: str) -> None:
    found = REQUEST_NUMBER.search(words)
    if not found:
        _reply(
            resident,
            "Ketik BATAL lalu nomor permohonan, contoh: BATAL KIA-20261130-0042.\n\n" + status_text(resident),
        )
        return
    number = found.group(1)
    case = Case.objects.filter(request_number=number, resident__in=same_person(resident)).first()
    if case is None:
        _reply(
            resident, f"Nomor permohonan {number} tidak kami temukan. Ketik STATUS untuk melihat nomor Anda."
        )
        return
    try:
        case.move_to(State.CANCELLED, source="channel", note="Dibatalkan pemohon lewat WhatsApp.")
    except IllegalTransition as exc:
        _reply(resident, str(exc), case=case)
        return
    _reply(resident, f"Permohonan {number} sudah dibatalkan.", case=case)


def _want_officer(resident: Resident, conversation: Conversation) -> None:
    conversation.needs_officer = True
    conversation.officer_requested_at = timezone.now()
    conversation.save(update_fields=["needs_officer", "officer_requested_at"])
    _reply(
        resident,
        "Baik, pesan Anda kami teruskan ke petugas. Petugas akan membalas "
        f"{officer_time_text(timezone.now())}. Mohon ditunggu.",
    )


def _request(message, resident: Resident, number: PhoneNumber | None, text: str) -> None:
    from loket.domain.intake import parse  # the intake capability's parser

    result = parse(text)
    if not result.ok:
        _reply(resident, result.reply_text())
        return
    service = result.service
    if number is not None and not number.serves(service):
        _reply(resident, wrong_number_text(service, number))
        return
    request = Request(
        service=service,
        subject=str(result.subject),
        fields=_jsonable(result.fields),
        derived=_jsonable(result.derived),
        warnings=_jsonable(list(result.warnings)),
        raw_text=text,
        kode_kecamatan=_code(result, "kode_kecamatan"),
        kode_desa=_code(result, "kode_desa"),
    )
    case, created = open_or_update(resident, request)
    # A case opened just now has no consent row yet: no need to look.
    consent = None if created else CaseConsent.objects.filter(case=case).first()
    if consent is None:
        version = notice_version()
        consent = CaseConsent.objects.create(case=case, notice_version=version)
        if resident.consent_at is not None and resident.consent_version == version:
            # Consent is per resident and notice version; it covers the new case too. A new
            # version (a material change of the notice) asks again.
            _record_consent(case, consent, agreed=True, wamid="", earlier=resident.consent_at)
    # The resident learns at once what we understood and what to send; while consent is
    # pending the case waits (it cannot reach the officers' queue) and the notice asks for it.
    answer = acknowledgement(case, created=created, warnings=_warning_texts(result))
    if consent.agreed:
        _reply(resident, answer, case=case)
        queue_if_complete(case, consent_given=True)
    else:
        _ask_consent(resident, case, answer=answer)


def _code(result, name: str) -> str:
    for source in (result.derived, result.fields):
        value = source.get(name) if isinstance(source, dict) else None
        if value:
            return str(value)
    return ""


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "to_dict"):
        return _jsonable(value.to_dict())
    return str(value)


def _warning_texts(result) -> list[str]:
    texts = []
    for warning in result.warnings:
        if isinstance(warning, str):
            texts.append(warning)
        elif isinstance(warning, dict):
            texts.append(str(warning.get("message") or warning.get("text") or ""))
        else:
            texts.append(str(getattr(warning, "message", warning)))
    return [t for t in texts if t]


def wrong_number_text(service: str, here: PhoneNumber) -> str:
    right = [n for n in PhoneNumber.objects.filter(active=True) if n.serves(service)]
    served = ", ".join(here.services) or "-"
    if not right:
        return f"Nomor ini melayani {served}. Permohonan {service} belum dapat dilayani lewat WhatsApp."
    where = " atau ".join(display(n.display_number) for n in right)
    return (
        f"Nomor ini melayani {served}. Untuk permohonan {service}, mohon kirim pesan yang sama ke "
        f"WhatsApp {where}. Terima kasih."
    )


def understood_lines(service: str, fields: dict) -> list[str]:
    """'• NIK: 3603...' for each field as the intake declaration names it."""
    from loket.domain.intake import SERVICES

    declaration = SERVICES.get(service)
    words = {f.key: f.words for f in declaration.fields} if declaration else {}
    lines = []
    for key, value in fields.items():
        if key.startswith("kode_") or value in (None, "", [], {}) or isinstance(value, dict | list):
            continue
        lines.append(f"• {words.get(key, key.replace('_', ' ').capitalize())}: {value}")
    return lines


def acknowledgement(case: Case, *, created: bool, warnings: list[str] = ()) -> str:
    head = "Permohonan Anda kami terima." if created else "Permohonan Anda kami perbarui."
    lines = [head, f"Nomor permohonan: *{case.request_number}*", ""]
    understood = understood_lines(case.service, case.fields)
    if understood:
        lines += ["Yang kami catat:", *understood, ""]
    lines += [f"Catatan: {w}" for w in warnings]
    missing = missing_documents(case, [] if created else None)  # a new case has no files yet
    if missing:
        lines.append("Mohon kirim foto/PDF dokumen ini, masing-masing dengan keterangan:")
        lines += [f"{n}. {kind.label} (ketik: {kind.captions[0]})" for n, kind in enumerate(missing, 1)]
    else:
        lines.append("Dokumen sudah lengkap.")
    lines += [
        "",
        turn_text(case, timezone.now()),
        "Ketik STATUS untuk melihat kabar.",
    ]
    return "\n".join(lines).replace("\n\n\n", "\n\n")


# --- consent -----------------------------------------------------------------------------------


def _pending_consents(resident: Resident):
    return CaseConsent.objects.filter(
        case__resident__in=same_person(resident),
        answered_at__isnull=True,
        case__state__in=sorted(OPEN_STATES),
    )


def consent_thanks(case: Case, *, queued: bool) -> str:
    lines = [f"Terima kasih, persetujuan Anda untuk permohonan {case.request_number} sudah kami catat."]
    missing = missing_documents(case)
    if queued:
        lines.append("Dokumen sudah lengkap. Permohonan masuk antrean pemeriksaan petugas.")
    elif missing:
        lines.append(
            "Silakan kirim foto/PDF: " + ", ".join(f"{k.label} ({k.captions[0]})" for k in missing) + "."
        )
    return "\n".join(lines)


def _ask_consent(resident: Resident, case: Case, *, answer: str) -> None:
    """The privacy notice with its two buttons, under the `answer` to the request when both
    fit in one message: one message instead of two is easier to read on a small phone, and
    at 50 new residents a second it keeps the number under its 80 messages a second."""
    notice = privacy_notice()
    body = f"{answer}\n\n{notice}"
    if len(body) > INTERACTIVE_BODY_LIMIT:
        _reply(resident, answer, case=case)  # too long to carry the buttons: the answer first
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
    _reply(resident, body, case=case, interactive=interactive)


def _record_consent(case, consent, *, agreed: bool, wamid: str, earlier=None) -> None:
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


def _answer_consent(resident: Resident, *, agreed: bool, message: InboundMessage) -> None:
    pending = list(_pending_consents(resident).select_related("case"))
    if not pending:
        _reply(resident, "Terima kasih. Tidak ada permohonan yang menunggu persetujuan.")
        return
    if agreed:
        now = timezone.now()
        Resident.objects.filter(pk__in=same_person(resident).values("pk")).update(
            consent_at=now, consent_version=notice_version()
        )
    for consent in pending:
        case = consent.case
        _record_consent(case, consent, agreed=agreed, wamid=message.wamid)
        if agreed:
            queued = queue_if_complete(case, consent_given=True)
            _reply(case.resident, consent_thanks(case, queued=queued), case=case)
        else:
            try:
                case.move_to(State.CANCELLED, source="channel", note="Tanpa persetujuan orang tua/wali.")
            except IllegalTransition:
                log.warning("case %s could not be cancelled after refused consent", case.pk)
            _reply(
                case.resident,
                f"Baik, permohonan {case.request_number} kami batalkan dan datanya tidak kami proses. "
                "Anda tetap bisa datang langsung ke kantor Disdukcapil.",
                case=case,
            )


def _choice(message: InboundMessage, resident: Resident, conversation: Conversation) -> None:
    body = content_of(message)
    if message.type == "button":
        choice = str(body.get("payload") or "")
    else:
        reply = body.get(str(body.get("type", ""))) or {}
        choice = str(reply.get("id") or "") if isinstance(reply, dict) else ""
    if choice in (CONSENT_YES, CONSENT_NO):
        _answer_consent(resident, agreed=choice == CONSENT_YES, message=message)
        return
    if choice.startswith(SESSION_CHOICE):
        _choose_session(resident, choice)
        return
    # A form, list or template button we do not act on by ourselves: an officer reads it.
    conversation.needs_officer = True
    conversation.save(update_fields=["needs_officer"])


# --- rescheduling (the scheduling capability decides; the channel routes) ----------------------


def reschedulable_cases(resident: Resident) -> list[Case]:
    """The person's approved requests that have a session to move, most recently approved first.

    Requests on the number written to come before those on the office's other numbers.
    """
    from loket.scheduling.models import Booking

    cases = (
        Case.objects.filter(
            resident__in=same_person(resident),
            state__in=[State.APPROVED, State.READY_FOR_PICKUP],
            bookings__status=Booking.Status.ACTIVE,
        )
        .select_related("resident")
        .distinct()
    )
    return sorted(cases, key=lambda c: (c.resident_id == resident.pk, c.state_changed_at, c.pk), reverse=True)


def _reschedule(resident: Resident, words: str) -> None:
    from loket.scheduling.rescheduling import offer_sessions

    cases = reschedulable_cases(resident)
    named = REQUEST_NUMBER.search(words)
    if named:
        cases = [c for c in cases if c.request_number == named.group(1)]
        if not cases:
            _reply(
                resident,
                f"Permohonan {named.group(1)} tidak punya jadwal yang bisa diganti. "
                "Ketik STATUS untuk melihat permohonan Anda.",
            )
            return
    if not cases:
        _reply(
            resident,
            "Belum ada permohonan Anda yang disetujui dan punya jadwal, jadi belum ada jadwal yang bisa "
            "diganti. Ketik STATUS untuk melihat permohonan Anda.",
        )
        return
    chosen = cases[0]
    if len(cases) > 1:
        others = ", ".join(c.request_number for c in cases[1:])
        _reply(
            chosen.resident,
            f"Anda punya {len(cases)} permohonan dengan jadwal. Pilihan di bawah ini untuk permohonan "
            f"terbaru, {chosen.request_number}. Untuk permohonan lain ({others}), ketik JADWAL ULANG "
            "lalu nomornya, contoh: JADWAL ULANG " + cases[1].request_number + ".",
            case=chosen,
        )
    offer_sessions(chosen)


def _choose_session(resident: Resident, choice: str) -> None:
    from loket.scheduling.models import Booking
    from loket.scheduling.rescheduling import choose_session

    booking_id = choice[len(SESSION_CHOICE) :].split(":", 1)[0]
    booking = (
        Booking.objects.filter(pk=int(booking_id), case__resident__in=same_person(resident))
        .select_related("case__resident")
        .first()
        if booking_id.isdigit()
        else None
    )
    if booking is None:
        _reply(resident, "Pilihan jadwal tidak dikenali. Ketik JADWAL ULANG untuk melihat pilihan lagi.")
        return
    choose_session(booking.case, choice)


def _identity_change(message: InboundMessage, resident: Resident) -> None:
    system = content_of(message)
    new_wa_id = str(system.get("wa_id") or "")
    if system.get("type") == "user_changed_number" and new_wa_id:
        Resident.objects.filter(pk=resident.pk).update(wa_id=new_wa_id, phone=new_wa_id)


# --- flood control --------------------------------------------------------------------------------


_RECENT_MESSAGES = (
    f"SELECT COUNT(*) FROM {InboundMessage._meta.db_table} "  # noqa: S608 - our table
    "WHERE resident_id = %s AND sent_at > %s AND sent_at <= %s"
)


def _flooded(message: InboundMessage) -> bool:
    # Asked for every message: written out rather than built by the ORM each time.
    since = message.sent_at - dt.timedelta(seconds=60)
    (recent,) = read_column(_RECENT_MESSAGES, [message.resident_id, db_time(since), db_time(message.sent_at)])
    return recent > settings.LOKET_WA_FLOOD_PER_MINUTE


def _flood(message: InboundMessage, conversation: Conversation) -> None:
    message.flags = [*message.flags, "flood"]
    now = timezone.now()
    if conversation.flood_notice_at is None or now - conversation.flood_notice_at > FLOOD_NOTICE_EVERY:
        conversation.flood_notice_at = now
        conversation.needs_officer = True
        conversation.save(update_fields=["flood_notice_at", "needs_officer"])
        _reply(
            message.resident,
            "Pesan Anda banyak sekali dalam waktu singkat. Semua pesan tetap kami simpan dan akan "
            "dibaca petugas. Mohon tunggu sebentar sebelum mengirim lagi.",
        )


# --- files --------------------------------------------------------------------------------------------


def case_for_file(message: InboundMessage, resident: Resident, caption: str) -> Case | None:
    """The case a file belongs to: named in the caption, the quoted reply, else the latest waiting."""
    mine = Case.objects.filter(resident__in=same_person(resident))
    named = REQUEST_NUMBER.search(caption.upper())
    if named:
        case = mine.filter(request_number=named.group(1), state__in=sorted(OPEN_STATES)).first()
        if case:
            return case
    quoted = (message.payload.get("context") or {}).get("id")
    if quoted:
        case = _case_of_quoted(quoted, mine)
        if case:
            return case
    return (
        mine.filter(resident=resident, state__in=[State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION])
        .order_by("-updated_at", "-pk")
        .first()
    )


def _case_of_quoted(wamid: str, mine) -> Case | None:
    """The case of our message the resident replied to (WhatsApp's quoted-message context)."""
    from loket.channels.whatsapp.models import OutboundMessage

    sent = OutboundMessage.objects.filter(wamid=wamid, case__isnull=False).first()
    if sent and mine.filter(pk=sent.case_id, state__in=sorted(OPEN_STATES)).exists():
        return sent.case
    return None


def _receive_file(message: InboundMessage, conversation: Conversation) -> None:
    resident = message.resident
    body = content_of(message)
    caption = str(body.get("caption") or "")
    if message.type in ("image", "document"):
        case = case_for_file(message, resident, caption)
        kind = kind_from_caption(caption) or kind_from_caption(str(body.get("filename") or ""))
        if case is None:
            # No case to join: an officer files it.
            conversation.needs_officer = True
            conversation.save(update_fields=["needs_officer"])
    else:
        # Voice notes and videos are kept for an officer, not filed as a required document.
        case, kind = None, None
        conversation.needs_officer = True
        conversation.save(update_fields=["needs_officer"])
    document = Document.objects.create(
        resident=resident,
        case=case,
        label=kind.key if kind else "",
        caption=caption[:500],
        mime_type=str(body.get("mime_type") or "")[:100],
        source_message_id=message.wamid[:128],
    )
    message.document = document
    queue.enqueue(
        DOWNLOAD_MEDIA, {"message_id": message.pk}, key=f"wa-media:{message.wamid}"[:200], priority=4
    )


def schedule_acknowledgement(resident: Resident) -> None:
    """One acknowledgement for files sent together: a delayed job, at most one waiting per resident."""
    conversation, _ = Conversation.objects.get_or_create(resident=resident)
    conversation = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
    if conversation.ack_job_key:
        return
    now = timezone.now()
    key = f"wa-ack:{resident.pk}:{now.timestamp():.6f}"
    queue.enqueue(
        ACKNOWLEDGE_FILES,
        {"resident_id": resident.pk},
        key=key,
        run_after=now + dt.timedelta(seconds=settings.LOKET_WA_ACK_DELAY_SECONDS),
        priority=2,
    )
    conversation.ack_job_key = key
    conversation.save(update_fields=["ack_job_key"])


def _refused(message: InboundMessage) -> bool:
    """A photo or document the file check refused (wrong type, broken, over a limit)."""
    return (
        message.type in media.DOCUMENT_KINDS
        and message.document is not None
        and message.document.status == Document.Status.REFUSED
    )


def file_name(message: InboundMessage) -> str:
    """How the resident recognises one of their files: its caption, its name, else when it came."""
    body = content_of(message)
    for named in (body.get("caption"), body.get("filename")):
        if named and str(named).strip():
            return f'"{str(named).strip()[:60]}"'
    what = "foto" if message.type == "image" else "dokumen"
    return f"{what} yang Anda kirim pukul {timezone.localtime(message.sent_at):%H:%M}"


def files_acknowledgement(messages: list[InboundMessage]) -> tuple[str, Case | None]:
    """The one reply for a batch of files: what arrived where, what was refused and why,
    what failed, what is still missing."""
    refused = [m for m in messages if _refused(m)]
    stored = [m for m in messages if m.media_state == InboundMessage.Media.STORED and m not in refused]
    failed = [m for m in messages if m.media_state == InboundMessage.Media.UNAVAILABLE and m not in refused]
    lines: list[str] = []
    by_case: dict[int | None, list[InboundMessage]] = {}
    for m in stored:
        by_case.setdefault(m.document.case_id if m.document else None, []).append(m)
    last_case = None
    for case_id, group in by_case.items():
        if case_id is None:
            lines.append(f"Kami terima {len(group)} berkas. Petugas akan memeriksa dan mencatatnya.")
            continue
        case = Case.objects.get(pk=case_id)
        last_case = case
        labels = [KINDS[m.document.label].label for m in group if m.document.label in KINDS]
        unlabelled = len(group) - len(labels)
        line = f"Kami terima {len(group)} berkas untuk permohonan {case.request_number}"
        line += (": " + ", ".join(labels) + ".") if labels else "."
        lines.append(line)
        if unlabelled:
            lines.append(
                f"{unlabelled} berkas tanpa keterangan; petugas akan mencatatnya, atau kirim ulang dengan "
                "keterangan seperti AKTA, KK, KTP AYAH, KTP IBU."
            )
        lines.extend(_progress(case))
    for m in refused:
        limits = document_files.limits(max_bytes=media.size_limit(m.type))
        lines.append(files.refusal_message(file_name(m), m.document.refusal, limits))
    for case_id in dict.fromkeys(m.document.case_id for m in refused):
        if case_id is not None and case_id not in by_case:
            # Only refused files for this case: say what it still needs.
            last_case = Case.objects.get(pk=case_id)
            lines.extend(_progress(last_case))
    if failed:
        lines.append(
            f"Maaf, {len(failed)} berkas tidak berhasil kami terima. Mohon kirim ulang berkas tersebut "
            "(foto JPG/PNG atau PDF)."
        )
    return "\n".join(lines), last_case


def _progress(case: Case) -> list[str]:
    if case.state == State.QUEUED:
        return ["Dokumen sudah lengkap. Permohonan masuk antrean pemeriksaan petugas."]
    if case.state in (State.WAITING_DOCUMENTS, State.NEEDS_CORRECTION):
        missing = missing_documents(case)
        if missing:
            return ["Masih kurang: " + ", ".join(kind.label for kind in missing) + "."]
    return []
