"""The guided conversation over WhatsApp: the menu, one question per message, the summary,
then the same case as a typed request and its documents asked for one at a time.

The questions and the checks come from the channel-neutral description
(`loket.domain.intake.guided`, derived from the one service declaration); this module asks
them with text, buttons and lists (`choices`), keeps the state on `GuidedConversation`
(in the database: a worker restart loses nothing), and ends in `intake.submit`, the typed
request's own path. See docs/guided.md.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from loket.cases import checklist
from loket.cases.models import Case, Document, Resident, State
from loket.cases.opening import file_received
from loket.channels.whatsapp.conversation import documents, intake, remind
from loket.channels.whatsapp.conversation.choices import Option, offer, pressed, session_for, typed_choice
from loket.channels.whatsapp.conversation.identity import same_person
from loket.channels.whatsapp.conversation.keywords import Applies
from loket.channels.whatsapp.conversation.shared import OnDemand, regions_of, reply
from loket.channels.whatsapp.conversation.wording import progress_lines, wrong_number_text
from loket.channels.whatsapp.models import GuidedConversation, PhoneNumber
from loket.core.rows import fetch_row
from loket.domain.calendar import parse_date
from loket.domain.intake import SERVICES, Service, canonical_message, parse
from loket.domain.intake import guided as flow
from loket.domain.intake.fields import JENIS
from loket.jobs import queue

Step = GuidedConversation.Step
EXPIRE_GUIDED = "whatsapp.expire_guided"
queue.periodic(EXPIRE_GUIDED, 300)

# Steps where a question about a request is open (they expire with a note).
ASKING = (Step.QUESTION, Step.CONFIRM_PLACE, Step.SUMMARY, Step.CHANGE)
# Steps a resident can be in that wait for a choice.
CHOOSING = (Step.MENU, Step.CONFIRM_PLACE, Step.SUMMARY, Step.CHANGE, Step.PICK_CASE, Step.REMIND_CONSENT)
# "Ingatkan saya": the birth date, then consent to reminders (conversation/remind.py).
REMINDING = (Step.REMIND_DATE, Step.REMIND_CONSENT)
# Places per list page: nine names and the "Lainnya ›" row.
PAGE = 9
MORE = "Lainnya ›"


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOKET_WA_GUIDED_IDLE_MINUTES)


# --- the state ----------------------------------------------------------------------------------


def current(resident: Resident) -> GuidedConversation | None:
    """The resident's active conversation, locked; an abandoned one is ended politely first."""
    # Asked of every text a resident types, mostly of no conversation: written out.
    row = fetch_row(
        GuidedConversation,
        "resident_id = %s AND step <> %s ORDER BY id LIMIT 1",
        [resident.pk, Step.IDLE.value],
        only=(),
    )
    if row is None:
        return None
    conv = (
        GuidedConversation.objects.select_for_update(of=("self",)).select_related("resident").get(pk=row.pk)
    )
    if conv.step == Step.IDLE:
        return None
    if conv.step == Step.DOCUMENTS:
        if conv.case is None or conv.case.state not in documents.WAITING:
            end(conv)
            return None
        return conv
    if timezone.now() - conv.asked_at > idle_limit():
        expire(conv)  # lazily: the periodic job had not come round yet
        return None
    return conv


def end(conv: GuidedConversation, *, step: str = Step.IDLE) -> None:
    """Forget the answers (personal data lives only on a case) and close the conversation.
    Files still waiting for the resident to say which request they belong to go to an officer."""
    if conv.step == Step.PICK_CASE and conv.pending.get("files"):
        _files_to_officer(conv.resident)
    conv.step, conv.key, conv.answers, conv.pending, conv.choices = step, "", {}, {}, []
    if step == Step.IDLE:
        conv.service, conv.case, conv.source = "", None, "guided"
    conv.save()


def expire(conv: GuidedConversation) -> None:
    if conv.step in ASKING and conv.service:
        service = SERVICES[conv.service]
        reply(
            conv.resident,
            f"Pengisian permohonan {service.keyword} kami hentikan karena lama tidak ada balasan; "
            "data yang belum selesai tidak kami simpan. Ketik MENU untuk mulai lagi kapan saja.",
        )
    elif conv.step == Step.PICK_CASE and conv.pending.get("files"):
        reply(
            conv.resident,
            "Berkas yang Anda kirim tetap kami simpan; petugas akan mencatatnya ke permohonan yang sesuai.",
        )
    elif conv.step in REMINDING:
        reply(
            conv.resident,
            "Pengingat belum kami catat karena lama tidak ada balasan. Ketik MENU lalu pilih "
            "Ingatkan saya untuk mengulang.",
        )
    end(conv)


@queue.handler(EXPIRE_GUIDED)
def expire_idle(payload: dict) -> None:
    """Periodic: conversations left unanswered past LOKET_WA_GUIDED_IDLE_MINUTES end politely."""
    since = timezone.now() - idle_limit()
    for pk in GuidedConversation.objects.filter(
        step__in=[*ASKING, *REMINDING, Step.MENU, Step.PICK_CASE], asked_at__lt=since
    ).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            conv = (
                GuidedConversation.objects.select_for_update(of=("self",))
                .select_related("resident")
                .filter(pk=pk, asked_at__lt=since)
                .first()
            )
            if conv is not None and conv.step not in (Step.IDLE, Step.DOCUMENTS):
                expire(conv)


def open_questions(conv: GuidedConversation | None) -> tuple[Applies, ...]:
    """The keyword table's questions this conversation has open (a yes/no question)."""
    if conv is not None and conv.step in (Step.CONFIRM_PLACE, Step.SUMMARY, Step.REMIND_CONSENT):
        return (Applies.YES_NO_QUESTION,)
    return ()


# --- the menu -----------------------------------------------------------------------------------


def show_menu(resident: Resident, number: PhoneNumber | None = None, *, intro: str = "") -> None:
    """The interactive list: the five services (those this number serves first), status,
    requirements, an officer, complaints."""
    conv = session_for(resident)
    end(conv)
    served = sorted(SERVICES.values(), key=lambda s: number is not None and not number.serves(s.keyword))
    options = [Option(f"svc:{s.keyword}", s.keyword, s.name, "Layanan") for s in served] + [
        Option("status", "Cek status", "Kabar permohonan Anda", "Lainnya"),
        Option("syarat", "Syarat & biaya", "Dokumen yang perlu disiapkan; semua gratis", "Lainnya"),
        Option("petugas", "Bicara dengan petugas", "Pesan Anda dibaca petugas", "Lainnya"),
        Option("aduan", "Pengaduan", "Sampaikan keluhan atau saran", "Lainnya"),
        Option("ingat", "Ingatkan saya", "Pengingat KIA (usia 5) dan KTP-el (usia 17) anak", "Lainnya"),
    ]
    body = (intro + "\n\n" if intro else "") + (
        "Halo, ini layanan WhatsApp Dukcapil. Mau mengurus apa? Semua layanan gratis."
    )
    offer(conv, body, options, list_button="Pilih layanan")
    conv.step = Step.MENU
    conv.save()


def requirements_text() -> str:
    """Syarat & biaya: the documents per service (the office's checklist: its configured list,
    else the national rule; `cases.checklist`) and that it is free."""
    lines = ["Semua layanan Dukcapil GRATIS, tanpa biaya. Siapkan foto dokumen ini:"]
    for service in SERVICES.values():
        base = checklist.office_keys(service.keyword, {}, {})
        extra: list[str] = []
        if not checklist.configured(service.keyword):  # the national rule's conditional items
            if service.child:
                photo = [
                    k
                    for k in checklist.office_keys(service.keyword, {}, {"perlu_foto": True})
                    if k not in base
                ]
                extra += [
                    f"{documents.lower_first(checklist.kind_label(k))} (umur 5 th ke atas)" for k in photo
                ]
            if any(spec.kind == "jenis" for spec in service.fields):
                for jenis in JENIS:
                    for key in checklist.office_keys(service.keyword, {"jenis": jenis}, {}):
                        if key not in base:
                            extra.append(
                                f"{documents.lower_first(checklist.kind_label(key))} (bila {jenis.lower()})"
                            )
        names = [checklist.kind_label(k) for k in base] + extra
        lines.append(f"• {service.keyword}: " + ", ".join(names) + ".")
    lines.append("Ketik MENU untuk memilih layanan.")
    return "\n".join(lines)


# --- starting a service ---------------------------------------------------------------------------


def start(
    resident: Resident, number: PhoneNumber | None, service: Service, *, source: str = "", said: str = ""
) -> None:
    """Start `service`'s questions (or say which number serves it, with a click-to-chat link)."""
    conv = session_for(resident)
    if number is not None and not number.serves(service.keyword):
        start_with = flow.with_source_token(service.keyword, source) if source else service.keyword
        reply(resident, wrong_number_text(service.keyword, number, start_with=start_with))
        end(conv)
        return
    end(conv)
    conv.service, conv.source = service.keyword, source or "guided"
    conv.answers = flow.prefilled(service, said) if said else {}
    total = len(flow.questions(service))
    # One message: what happens, (a NIK given with the service word, checked), the first question.
    intro = (
        f"Baik, kita isi permohonan {service.name} bersama: {total} pertanyaan, satu per satu. "
        "Ketik BATAL untuk berhenti."
    )
    given = flow.said_number(service, said) if said else None
    if given is not None:
        key, digits = given
        checked = flow.check(service, key, digits, conv.answers, regions=regions_of(conv.resident))
        if checked.ok:
            conv.answers[key] = str(checked.value)
            conv.answers.update(checked.extra)
            label = flow.question(service, key).words.split(" (")[0]
            intro += f" {label} {checked.value} sudah kami catat."
        else:
            intro += "\n\n" + explained(checked, digits)
    ask(conv, before=intro)


def ask(conv: GuidedConversation, *, before: str = "") -> None:
    """Ask the next unanswered question, or show the summary when every answer is in."""
    service = SERVICES[conv.service]
    q = flow.next_question(service, conv.answers)
    if q is None:
        summary(conv, before=before)
        return
    conv.step, conv.key = Step.QUESTION, q.key
    questions = flow.questions(service)
    head = (before + "\n\n" if before else "") + f"{questions.index(q) + 1}/{len(questions)}."
    if q.choices:
        offer(conv, f"{head} Pilih {q.words}:", [Option(f"value:{v}", t) for v, t in q.choices])
    elif q.place and flow.places_for(q, conv.answers, regions_of(conv.resident)):
        offer_places(conv, q, head=head, page=int(conv.pending.get("page", 0)))
    else:
        # A desa question of an office without a desa list has nothing to pick: typed.
        conv.turn += 1
        conv.choices, conv.asked_at = [], timezone.now()
        reply(conv.resident, f"{head} Ketik {q.words}:")
    conv.save()


def offer_places(
    conv: GuidedConversation, q: flow.Question, *, head: str, page: int = 0, places: list | None = None
) -> None:
    everything = places is None
    places = flow.places_for(q, conv.answers, regions_of(conv.resident)) if places is None else places
    pages = max(1, -(-len(places) // PAGE))
    page = page % pages
    shown = places[page * PAGE : (page + 1) * PAGE] if len(places) > PAGE + 1 else places[: PAGE + 1]
    hinted = flow.kecamatan_hinted(conv.answers) if q.kind == "kecamatan" else ()
    options = [
        Option(
            f"place:{p.kode}",
            p.nama,
            "Sesuai nomor KK/NIK Anda"
            if p.digits in hinted
            # The question names the kecamatan already; a desa list tells desa from kelurahan.
            else ("" if p.level == "kecamatan" else "Kelurahan" if p.level == "kelurahan" else "Desa"),
        )
        for p in shown
    ]
    if len(places) > PAGE + 1:
        options.append(Option("more", MORE, f"Halaman {page % pages + 1} dari {pages}"))
    elif not everything:
        options.append(Option("all", "Lihat semua", "Daftar lengkap"))
    conv.pending = {"page": page}
    button = "Pilih desa/kelurahan" if q.kind == "desa" else "Pilih kecamatan"
    offer(conv, f"{head} Pilih {q.words}, atau ketik namanya:", options, list_button=button)


def summary(conv: GuidedConversation, *, before: str = "") -> None:
    service = SERVICES[conv.service]
    lines = [before, ""] if before else []
    lines += [f"Mohon periksa data permohonan {service.keyword}:", *flow.summary_lines(service, conv.answers)]
    lines.append("Sudah benar?")
    offer(conv, "\n".join(lines), [Option("yes", "Benar"), Option("no", "Ubah")])
    conv.step, conv.key = Step.SUMMARY, ""
    conv.save()


# --- answers --------------------------------------------------------------------------------------


def answer_text(conv: GuidedConversation, text: str, resident: Resident, number: PhoneNumber | None) -> None:
    """A typed message while a conversation is open (keywords and `#…#` already routed)."""
    if conv.step == Step.REMIND_DATE:
        if parse_date(text) is None and flow.services_named(text):
            # Not a date but a service ("KIA"): the resident changed their mind.
            end(conv)
            begin(resident, number, text, source="")
            return
        remind.answer_date(conv, text)
        return
    if conv.step == Step.QUESTION:
        service = SERVICES[conv.service]
        q = flow.question(service, conv.key)
        if q.choices:
            value = typed_choice(conv, text) or flow.choice_value(q, text)
            if value is not None:
                choose(
                    conv,
                    value.removeprefix("value:") if value.startswith("value:") else value,
                    resident,
                    number,
                )
                return
            _not_a_choice(conv, text, resident, number)
            return
        if q.place:
            value = typed_choice(conv, text) if text.strip().rstrip(".").isdigit() else None
            if value is not None:
                choose(conv, value, resident, number)
                return
        _typed_answer(conv, q, text)
        return
    value = typed_choice(conv, text)
    if value is not None:
        choose(conv, value, resident, number)
        return
    if conv.step == Step.CONFIRM_PLACE:
        # Neither yes nor no but another name: the place question answered again.
        conv.step, conv.pending = Step.QUESTION, {}
        _typed_answer(conv, flow.question(SERVICES[conv.service], conv.key), text)
        return
    _not_a_choice(conv, text, resident, number)


def _not_a_choice(
    conv: GuidedConversation, text: str, resident: Resident, number: PhoneNumber | None
) -> None:
    named = flow.services_named(text)
    if conv.step in (Step.MENU, Step.PICK_CASE) or (len(named) == 1 and conv.step != Step.QUESTION):
        # Not an answer to the list: a message like any other (a service named, or the menu).
        end(conv)
        begin(resident, number, text, source="")
        return
    lines = "\n".join(f"{n}. {title}" for n, (_cid, _v, title) in enumerate(conv.choices, 1))
    reply(resident, f"Maaf, pilihan itu tidak ada. Balas dengan angka pilihan:\n{lines}")


def answer_yes_no(
    conv: GuidedConversation, yes: bool, resident: Resident, number: PhoneNumber | None
) -> None:
    """A typed YA/TIDAK while a yes/no question is open."""
    choose(conv, "yes" if yes else "no", resident, number)


def answer_choice(
    conv: GuidedConversation | None, choice_id: str, resident: Resident, number: PhoneNumber | None
) -> None:
    """A pressed button or list row (`g<turn>:<n>`)."""
    value = pressed(conv, choice_id) if conv is not None else None
    if conv is None:
        reply(resident, "Pilihan itu sudah tidak berlaku. Ketik MENU untuk melihat pilihan lagi.")
        return
    if value is None:
        # From an earlier question (already answered), pressed twice or late: nothing moves.
        reply(
            resident,
            "Pilihan itu sudah kami catat sebelumnya. Silakan lanjutkan dari pesan terakhir kami, atau ketik MENU.",
        )
        return
    choose(conv, value, resident, number)


def choose(conv: GuidedConversation, value: str, resident: Resident, number: PhoneNumber | None) -> None:
    """One value chosen for the open question."""
    value = value.removeprefix("value:")
    if conv.step == Step.MENU:
        _menu_choice(conv, value, resident, number)
    elif conv.step == Step.PICK_CASE:
        from loket.channels.whatsapp.conversation.requests import case_status

        files = conv.pending.pop("files", None)
        end(conv)
        case = Case.objects.filter(
            pk=int(value.removeprefix("case:")), resident__in=same_person(resident)
        ).first()
        if files:
            file_to(case, files, resident)
            return
        reply(
            resident,
            case_status(case) if case else "Permohonan itu tidak kami temukan. Ketik STATUS.",
            case=case,
        )
    elif conv.step == Step.SUMMARY:
        submit(conv, resident) if value == "yes" else _offer_changes(conv)
    elif conv.step == Step.REMIND_CONSENT:
        remind.answer_consent(conv, value == "yes")
    elif conv.step == Step.CHANGE:
        key = value.removeprefix("edit:")
        conv.answers.pop(key, None)
        if key == "kecamatan":
            for dependent in ("desa", "kode_desa", "kode_kecamatan"):
                conv.answers.pop(dependent, None)
        conv.pending = {}
        ask(conv)
    elif conv.step == Step.CONFIRM_PLACE:
        if value == "yes":
            _accept(conv, conv.key, conv.pending["value"], conv.pending.get("extra", {}))
        else:
            conv.pending = {}
            ask(conv, before="Baik, silakan pilih dari daftar atau ketik lagi namanya.")
    elif conv.step == Step.QUESTION:
        q = flow.question(SERVICES[conv.service], conv.key)
        if value == "more":
            conv.pending = {"page": int(conv.pending.get("page", 0)) + 1}
            ask(conv)
        elif value == "all":
            conv.pending = {}
            ask(conv)
        elif value.startswith("place:"):
            place = next(
                (
                    p
                    for p in flow.places_for(q, conv.answers, regions_of(conv.resident))
                    if p.kode == value[6:]
                ),
                None,
            )
            if place is None:
                ask(conv)
            else:
                _typed_answer(conv, q, place.nama, chosen=True)
        else:
            _typed_answer(conv, q, value, chosen=True)


def _menu_choice(
    conv: GuidedConversation, value: str, resident: Resident, number: PhoneNumber | None
) -> None:
    from loket.channels.whatsapp.conversation import requests

    source = conv.source if conv.source != "guided" else ""
    end(conv)
    if value.startswith("svc:"):
        start(resident, number, SERVICES[value[4:]], source=source)
    elif value == "status":
        requests.status(resident)
    elif value == "syarat":
        reply(resident, requirements_text())
    elif value == "petugas":
        requests.want_officer(resident, OnDemand(resident))
        wait_for_officer(conv)
    elif value == "ingat":
        remind.begin(conv)
    elif value == "aduan":
        talk = _conversation(resident)
        talk.needs_officer, talk.officer_requested_at = True, timezone.now()
        talk.save(update_fields=["needs_officer", "officer_requested_at"])
        reply(
            resident,
            "Silakan tulis pengaduan atau saran Anda dalam satu pesan. Pesan ini kami teruskan ke petugas "
            "pengaduan dan akan dibalas. Terima kasih sudah menyampaikannya.",
        )
        wait_for_officer(conv)


def wait_for_officer(conv: GuidedConversation) -> None:
    """After PETUGAS or Pengaduan the resident writes to a person: free text is for the officer
    (acknowledged, no menu) until the conversation goes idle."""
    end(conv, step=Step.OFFICER)
    conv.asked_at = timezone.now()
    conv.save(update_fields=["asked_at"])


def for_officer(conv: GuidedConversation) -> None:
    """A free text while the resident waits for an officer: kept for the inbox, acknowledged."""
    talk = _conversation(conv.resident)
    talk.needs_officer = True
    talk.save(update_fields=["needs_officer"])
    reply(
        conv.resident,
        "Terima kasih, pesan Anda sudah kami teruskan ke petugas. Ketik MENU untuk layanan lain.",
    )


def _conversation(resident: Resident):
    from loket.channels.whatsapp.models import Conversation

    return Conversation.objects.get_or_create(resident=resident)[0]


def _typed_answer(conv: GuidedConversation, q: flow.Question, text: str, *, chosen: bool = False) -> None:
    service = SERVICES[conv.service]
    checked = flow.check(service, q.key, text, conv.answers, regions=regions_of(conv.resident))
    if checked.ok and checked.needs_confirming and not chosen:
        conv.step, conv.pending = Step.CONFIRM_PLACE, {"value": checked.value, "extra": checked.extra}
        offer(
            conv,
            f"Maksud Anda {q.words} *{checked.value}*?",
            [Option("yes", "Ya, benar"), Option("no", "Bukan")],
        )
        conv.save()
        return
    if checked.ok:
        _accept(conv, q.key, str(checked.value), checked.extra)
        return
    explanation = explained(checked, text)
    if q.place and len(checked.candidates) > 1:
        questions = flow.questions(service)
        offer_places(
            conv,
            q,
            head=f"{explanation}\n\n{questions.index(q) + 1}/{len(questions)}.",
            places=list(checked.candidates),
        )
        conv.step = Step.QUESTION
        conv.save()
        return
    conv.pending = {}
    ask(conv, before=explanation)


def explained(checked: flow.Checked, said: str) -> str:
    """The problems of an answer, with what was received when the text does not quote it."""
    text = " ".join(p.text for p in checked.problems)
    said = " ".join(said.split())
    if said and said.upper() not in text.upper():
        shown = said if len(said) <= 40 else said[:39] + "…"
        text = f"Yang kami terima: {shown}. {text}"
    return text


def _accept(conv: GuidedConversation, key: str, value: str, extra: dict) -> None:
    if key == "kecamatan" and conv.answers.get("kecamatan") != value:
        conv.answers.pop("desa", None)
        conv.answers.pop("kode_desa", None)
    conv.answers[key] = value
    conv.answers.update(extra)
    conv.pending = {}
    ask(conv)


def _offer_changes(conv: GuidedConversation) -> None:
    service = SERVICES[conv.service]
    options = [
        Option(f"edit:{q.key}", q.words.split(" (")[0], str(conv.answers.get(q.key) or ""))
        for q in flow.questions(service)
    ]
    offer(conv, "Data mana yang ingin diubah?", options, list_button="Pilih data")
    conv.step = Step.CHANGE
    conv.save()


# --- the end: the same case as a typed request ----------------------------------------------------


def submit(conv: GuidedConversation, resident: Resident) -> None:
    service = SERVICES[conv.service]
    fields = {q.key: conv.answers.get(q.key) for q in flow.questions(service)}
    message = canonical_message(service, fields)
    result = parse(message, regions=regions_of(resident))
    if not result.ok:
        # A rule across fields the single answers could not see: ask that field again.
        problem = result.problems[0]
        conv.answers.pop(problem.field, None)
        ask(conv, before=problem.text)
        return
    case, agreed = intake.submit(resident, result, raw_text=message, case_source=conv.source, one_by_one=True)
    end(conv, step=Step.DOCUMENTS)
    conv.case, conv.service = case, service.keyword
    conv.save()
    if agreed:
        ask_next_document(case)


def ask_next_document(case: Case) -> None:
    text = documents.prompt(case)
    if text:
        reply(case.resident, text, case=case)


# --- several requests ---------------------------------------------------------------------------


def pick_case(resident: Resident, cases: list[Case], body: str, *, files: list[int] | None = None) -> None:
    """Ask which request: one row per open request (WhatsApp allows ten). With `files`: which
    request these documents (ids) belong to."""
    conv = session_for(resident)
    end(conv)
    if files:
        conv.pending = {"files": files}
    options = [
        Option(
            f"case:{c.pk}",
            c.request_number,
            f"{(c.fields or {}).get('nama') or c.service} · {State(c.state).label}",
        )
        for c in cases[:10]
    ]
    offer(conv, body, options, list_button="Pilih permohonan")
    conv.step = Step.PICK_CASE
    conv.save()


def may_ask_which(resident: Resident) -> bool:
    """Whether a file may be answered with "which request?": not while the resident is in the
    middle of a request's questions or of another question (those answers would be lost)."""
    step = GuidedConversation.objects.filter(resident=resident).values_list("step", flat=True).first()
    return step in (None, Step.IDLE, Step.MENU, Step.PICK_CASE, Step.OFFICER)


def which_request_for_file(resident: Resident, cases: list[Case], document: Document) -> None:
    """A file with no caption naming a request while several wait (and no document is being
    asked for): ask which request, once for the files sent together."""
    conv = session_for(resident)
    if conv.step == Step.PICK_CASE and conv.pending.get("files"):
        conv.pending = {"files": [*conv.pending["files"], document.pk]}
        conv.save(update_fields=["pending"])
        return
    pick_case(
        resident,
        cases,
        "Berkas Anda kami terima. Ada beberapa permohonan yang menunggu dokumen: berkas ini untuk yang mana?",
        files=[document.pk],
    )


def file_to(case: Case | None, files: list[int], resident: Resident) -> None:
    """The files the resident assigned to `case` (a request still waiting for documents) join it."""
    if case is None or case.state not in documents.WAITING:
        _files_to_officer(resident)
        reply(
            resident,
            "Permohonan itu tidak sedang menunggu dokumen. Berkas Anda tetap kami simpan; petugas akan "
            "mencatatnya. Ketik STATUS untuk melihat permohonan Anda.",
        )
        return
    joined = 0
    for document in Document.objects.filter(
        pk__in=files, case__isnull=True, resident__in=same_person(resident)
    ):
        document.case = case
        document.save(update_fields=["case"])
        joined += 1
        if checklist.document_counts(document):
            file_received(document)  # downloaded already: the completeness rule decides now
    case.refresh_from_db()
    lines = [
        f"Baik, {joined} berkas kami catat untuk permohonan {case.request_number}.",
        *progress_lines(case),
    ]
    reply(resident, "\n".join(lines), case=case)


def _files_to_officer(resident: Resident) -> None:
    talk = _conversation(resident)
    if not talk.needs_officer:
        talk.needs_officer = True
        talk.save(update_fields=["needs_officer"])


# --- where a message starts ----------------------------------------------------------------------


def begin(resident: Resident, number: PhoneNumber | None, text: str, *, source: str) -> None:
    """A message that is no keyword and no typed request: a named service starts, else the menu."""
    named = flow.services_named(text)
    if len(named) == 1:
        start(resident, number, named[0], source=source, said=text)
        return
    conv = session_for(resident)
    show_menu(resident, number)
    if source:
        conv.refresh_from_db()
        conv.source = source
        conv.save(update_fields=["source"])


# --- leaving ---------------------------------------------------------------------------------------


def leave(conv: GuidedConversation) -> None:
    """A bare BATAL: the conversation ends; a request already sent stays."""
    if conv.step == Step.DOCUMENTS and conv.case is not None:
        number = conv.case.request_number
        end(conv)
        reply(
            conv.resident,
            f"Baik. Permohonan {number} tetap tersimpan; dokumennya bisa Anda kirim kapan saja dengan "
            f"keterangan. Untuk membatalkan permohonan, ketik BATAL {number}.",
        )
        return
    what = f"permohonan {conv.service} " if conv.service else ""
    end(conv)
    reply(
        conv.resident,
        f"Baik, pengisian {what}kami hentikan; data yang belum selesai tidak kami simpan. "
        "Ketik MENU untuk mulai lagi.",
    )


def remind_documents(conv: GuidedConversation) -> None:
    """A text while documents are asked for: which one we wait for."""
    case = conv.case
    text = documents.prompt(case) if case is not None else None
    if text is None:
        end(conv)
        show_menu(conv.resident)
        return
    reply(conv.resident, f"Kami masih menunggu dokumen. {text}\nKetik MENU untuk layanan lain.", case=case)
