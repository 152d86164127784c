"""The guided conversation, through the signed webhook and the fake Graph API (docs/guided.md).

A "phone" reads Loket's last message as a resident would: it recognises the field a
question names, picks list rows by title, presses the button titled "Benar"/"Ya", or types.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from loket.cases.models import Case, State
from loket.channels.whatsapp.conversation import choices as choice_limits
from loket.channels.whatsapp.conversation import guided
from loket.channels.whatsapp.models import Conversation, GuidedConversation, OutboundMessage, PhoneNumber
from loket.domain.intake import SERVICES, parse
from loket.domain.intake import guided as flow
from tests.whatsapp.inbound import (  # noqa: F401
    KIA_NUMBER,
    KK_NUMBER,
    PDF,
    SITI,
    deliver,
    envelope,
    inbound_settings,
    jpeg,
    message,
    office_numbers,
    photo,
    post,
    text,
    work,
)

pytestmark = pytest.mark.django_db

# One good request per service, typed; the guided conversation must end with the same fields.
TYPED = {
    "KIA": "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA",
    "KK": "#KK#3603031203150007#AHMAD FAUZI#PASIR BOLANG#TIGARAKSA",
    "KTP": "#KTP#3603031203900007#3603031203150007#AHMAD FAUZI#PASIR BOLANG#TIGARAKSA#HILANG",
    "SKPWNI": "#SKPWNI#3603031203900007#3603031203150007#AHMAD FAUZI#JL MAWAR NO 5 RT 01 RW 02 KOTA BANDUNG",
    "SKDWNI": "#SKDWNI#SKPWNI/3506/22032021/0101#BEKERJA DI TANGERANG",
}
REQUEST = re.compile(r"\b(KIA|KK|KTP|SKPWNI|SKDWNI)-\d{8}-\d{4}\b")
_clock = iter(range(1764400000, 1764400000 + 10**6, 7))


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def serve_everything() -> None:
    PhoneNumber.objects.filter(phone_number_id=KIA_NUMBER).update(services=list(SERVICES))


def say(body: str) -> None:
    deliver(text(body, ts=next(_clock)))


def last() -> OutboundMessage:
    return OutboundMessage.objects.order_by("pk").last()


def texts() -> list[str]:
    return [m.text for m in OutboundMessage.objects.order_by("pk")]


def options(out: OutboundMessage) -> list[tuple[str, str]]:
    """(id, title) of the buttons or list rows of a message."""
    interactive = out.interactive or {}
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    return [(r["id"], r["title"]) for s in action.get("sections", []) for r in s["rows"]]


def press(title: str, out: OutboundMessage | None = None, **kw) -> None:
    out = out or last()
    found = [(cid, t) for cid, t in options(out) if t == title or t.startswith(title)]
    assert found, (title, options(out))
    cid, shown = found[0]
    kind = "button_reply" if out.interactive["type"] == "button" else "list_reply"
    deliver(message("interactive", type=kind, **{kind: {"id": cid, "title": shown}}, ts=next(_clock), **kw))


def assert_within_whatsapp_limits(out: OutboundMessage) -> None:
    interactive = out.interactive
    assert len(interactive["body"]["text"]) <= 1024
    if interactive["type"] == "button":
        buttons = interactive["action"]["buttons"]
        assert 1 <= len(buttons) <= 3 and all(len(b["reply"]["title"]) <= 20 for b in buttons)
        return
    action = interactive["action"]
    rows = [r for s in action["sections"] for r in s["rows"]]
    assert 1 <= len(rows) <= 10 and len(action["button"]) <= 20
    assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)
    assert all(len(s.get("title", "")) <= 24 for s in action["sections"])
    assert len({r["id"] for r in rows}) == len(rows)
    # the text fallback: every choice numbered in the body
    for n, row in enumerate(rows, 1):
        assert f"{n}. {row['title'][:20]}" in interactive["body"]["text"]


FIELD_WORDS = [  # how the checker recognises the field a question names
    ("nik", r"\bNIK\b"),
    ("no_kk", r"Kartu Keluarga"),
    ("no_skpwni", r"surat pindah"),
    ("keperluan", r"Keperluan"),
    ("alamat_pindah", r"Alamat"),
    ("jenis", r"Jenis"),
    ("desa", r"Desa/Kelurahan"),
    ("kecamatan", r"Kecamatan"),
    ("nama", r"\bNama\b"),
]


def field_asked(body: str) -> str:
    asked = re.search(r"^\d+/\d+\. (.*)$", body, re.MULTILINE)
    question = asked.group(1) if asked else body
    for key, pattern in FIELD_WORDS:
        if re.search(pattern, question, re.IGNORECASE):
            return key
    raise AssertionError(f"no field named in {body!r}")


def fill_in(service: str, *, typed_places: bool = False) -> str:
    """Answer every question as the acceptance checker does; returns the request number."""
    values = parse(TYPED[service]).fields
    for _ in range(40):
        out = last()
        found = REQUEST.search(out.text)
        if found and "Nomor permohonan" in out.text:
            return found.group(0)
        if out.interactive:
            assert_within_whatsapp_limits(out)
        titles = [t for _, t in options(out)]
        yes = next((t for t in titles if t in ("Benar", "Ya, benar", "Ya")), None)
        if yes:
            press(yes)
            continue
        key = field_asked(out.text)
        wanted = values.get("nama_kepala_keluarga") if key == "nama" and service == "KK" else values.get(key)
        wanted = str(wanted)
        if key in ("desa", "kecamatan") and not typed_places:
            if any(t == wanted for t in titles):
                press(wanted)
            else:
                press("Lainnya ›")
        elif key == "jenis":
            press(next(t for t in titles if t.upper().startswith(wanted)))
        else:
            say(wanted)
    raise AssertionError("the conversation did not end: " + "\n---\n".join(texts()[-4:]))


def case_show(number: str) -> dict:
    out = io.StringIO()
    call_command("case", "show", number, "--json", stdout=out)
    return json.loads(out.getvalue())


# --- the menu -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said", ["MENU", "menu", "halo", "Assalamualaikum", "selamat pagi", "P", "mau tanya min", "#3603#halo"]
)
def test_menu_a_greeting_or_a_message_naming_no_service_gets_the_list(said):
    say(said)
    out = last()
    assert out.interactive["type"] == "list"
    assert_within_whatsapp_limits(out)
    rows = options(out)
    titles = [t for _, t in rows]
    for keyword in SERVICES:
        assert keyword in titles
    described = {
        r["title"]: r.get("description", "") for s in out.interactive["action"]["sections"] for r in s["rows"]
    }
    assert (
        described["KIA"] == "Kartu Identitas Anak (KIA)"
        and described["SKDWNI"] == "Surat Pindah Datang (SKDWNI)"
    )
    assert {"Cek status", "Syarat & biaya", "Bicara dengan petugas", "Pengaduan"} <= set(titles)
    assert len(out.text) < 400
    assert Case.objects.count() == 0


def test_the_menu_row_and_its_number_both_start_the_service():
    say("MENU")
    press("KIA")
    assert "1/5. Ketik NIK anak (16 angka)" in last().text
    say("menu")
    say("1")  # the text fallback: the number of the row
    assert "NIK anak" in last().text


def test_syarat_says_what_to_prepare_and_that_it_is_free():
    say("halo")
    press("Syarat & biaya")
    answer = last().text
    assert "GRATIS" in answer and "Akta kelahiran anak" in answer and "surat keterangan kehilangan" in answer
    for keyword in SERVICES:
        assert f"• {keyword}:" in answer


def test_officer_and_complaint_rows_reach_the_officer_inbox():
    say("menu")
    press("Pengaduan")
    assert Conversation.objects.get().needs_officer and "pengaduan" in last().text
    say("menu")
    press("Bicara dengan petugas")
    assert "petugas" in last().text


def test_choosing_a_service_another_number_serves_answers_with_that_number_and_a_wa_me_link():
    say("MENU")
    press("KK")
    answer = last().text
    assert "081282372016" in answer and "https://wa.me/6281282372016?text=KK" in answer
    assert GuidedConversation.objects.get().step == ""


# --- starting directly --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "service"), [("KIA", "KIA"), ("kartu anak", "KIA"), ("mau bikin kartu anak", "KIA")]
)
def test_a_bare_service_word_starts_its_conversation(said, service):
    say(said)
    assert "NIK anak (16 angka)" in last().text and "1/5" in last().text
    assert GuidedConversation.objects.get().service == service


def test_ktp_hilang_starts_ktp_with_the_reason_already_answered():
    serve_everything()
    say("KTP hilang")
    conv = GuidedConversation.objects.get()
    assert conv.service == "KTP" and conv.answers == {"jenis": "HILANG"}


def test_a_service_named_with_a_wrong_format_keeps_the_precise_explanation():
    say("#KIA#36030111052000#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA")
    out = last()
    assert out.interactive is None and "NIK harus 16 angka" in out.text and "#KIA#" in out.text
    assert not GuidedConversation.objects.exclude(step="").exists()


# --- every service, every step ------------------------------------------------------------------


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_service_ends_in_the_same_case_as_its_typed_request(service):
    serve_everything()
    say(service)
    number = fill_in(service)
    case = Case.objects.get(request_number=number)
    shown = case_show(number)
    assert shown["fields"] == parse(TYPED[service]).fields
    assert (shown["service"], shown["source"], shown["state"]) == (service, "guided", "waiting_documents")
    # the consent question comes with the request number, as for a typed request
    assert last().interactive["type"] == "button" and "consent:yes" in [i for i, _ in options(last())]
    assert (
        GuidedConversation.objects.get().step == "documents"
        and GuidedConversation.objects.get().answers == {}
    )
    assert case.consent.agreed is None


@pytest.mark.parametrize("service", ["KIA", "KK", "KTP"])
def test_places_typed_with_a_slip_are_confirmed_against_the_closest_name(service):
    serve_everything()
    say(service)
    values = parse(TYPED[service]).fields
    for _ in range(10):
        key = field_asked(last().text)
        if key == "kecamatan":
            break
        wanted = values.get("nama_kepala_keluarga") if key == "nama" and service == "KK" else values[key]
        say(str(wanted))
    say(str(values["kecamatan"])[:-1] + "x")  # "Tigaraksx"
    out = last()
    assert values["kecamatan"] in out.text and [t for _, t in options(out)] == ["Ya, benar", "Bukan"]
    say("ya")  # typed YA answers the open yes/no question
    assert "Desa/Kelurahan" in last().text
    number = fill_in(service, typed_places=True)
    assert case_show(number)["fields"] == parse(TYPED[service]).fields


def test_the_place_lists_are_paged_with_a_lainnya_row():
    say("KIA")
    for value in ("3603011105200003", "3603012208170006", "BUDI SANTOSO"):
        say(value)
    first = last()
    assert first.interactive["type"] == "list" and options(first)[-1][1] == "Lainnya ›"
    assert_within_whatsapp_limits(first)
    press("Lainnya ›")
    second = last()
    assert options(second)[0][1] != options(first)[0][1]
    assert_within_whatsapp_limits(second)


def test_a_wrong_nik_is_explained_in_the_very_next_message_which_asks_for_the_nik_again():
    say("KIA")
    say("36030111052000")
    out = last()
    assert "NIK harus 16 angka, yang Anda tulis 14 angka" in out.text
    assert out.text.rstrip().endswith("Ketik NIK anak (16 angka):")
    say("3603011105090003")  # born 11 May 2009: 17 now, KIA is for under 17
    assert "KIA hanya untuk anak di bawah 17 tahun" in last().text and "NIK anak" in last().text
    say("3603011105200003")
    assert "Nomor Kartu Keluarga" in last().text


@pytest.mark.parametrize(
    ("value", "problem"), [("BUDI 2", "tidak boleh berisi angka"), ("B", "terlalu pendek")]
)
def test_a_wrong_name_is_explained_with_the_typed_rules(value, problem):
    say("KIA")
    say("3603011105200003")
    say("3603012208170006")
    say(value)
    assert problem in last().text and "Nama anak" in last().text


def test_an_unknown_kecamatan_is_explained_and_the_list_offered_again():
    say("KIA")
    for value in ("3603011105200003", "3603012208170006", "BUDI SANTOSO", "Ciputat"):
        say(value)
    out = last()
    assert "Ciputat" in out.text and out.interactive["type"] == "list"


def test_ubah_changes_one_answer_and_comes_back_to_the_summary():
    say("KIA")
    for value in ("3603011105200003", "3603012208170006", "BUDI SANTOSO"):
        say(value)
    press("Balaraja")
    press("Sentul")
    assert "Sudah benar?" in last().text
    press("Ubah")
    press("Nama anak")
    assert "Nama anak" in last().text
    say("BUDI SANTOSA")
    assert "Sudah benar?" in last().text and "BUDI SANTOSA" in last().text
    say("tidak")  # typed TIDAK answers the open yes/no question: Ubah
    assert GuidedConversation.objects.get().step == "change"
    assert Case.objects.count() == 0


# --- escapes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["BATAL", "batal", "MENU"])
def test_batal_or_menu_leaves_the_conversation_and_forgets_the_answers(escape):
    say("KIA")
    say("3603011105200003")
    say(escape)
    conv = GuidedConversation.objects.get()
    assert conv.answers == {}
    if escape.upper() == "MENU":
        assert last().interactive["type"] == "list" and conv.step == "menu"
    else:
        assert "kami hentikan" in last().text and conv.step == ""
    assert Case.objects.count() == 0


def test_a_full_typed_request_mid_way_is_understood_as_typed():
    say("KIA")
    say("3603011105200003")
    say(TYPED["KIA"])
    case = Case.objects.get()
    assert case.source == "typed" and "Nomor permohonan" in last().text
    assert GuidedConversation.objects.get().step == ""


def test_an_abandoned_conversation_expires_politely_by_the_periodic_job(settings):
    say("KIA")
    say("3603011105200003")
    GuidedConversation.objects.update(asked_at=timezone.now() - dt.timedelta(minutes=121))
    guided.expire_idle({})
    assert "lama tidak ada balasan" in last().text
    conv = GuidedConversation.objects.get()
    assert conv.step == "" and conv.answers == {}
    count = OutboundMessage.objects.count()
    guided.expire_idle({})  # once
    assert OutboundMessage.objects.count() == count


def test_an_abandoned_conversation_expires_lazily_when_the_resident_comes_back():
    say("KIA")
    say("3603011105200003")
    GuidedConversation.objects.update(asked_at=timezone.now() - dt.timedelta(hours=3))
    say("BUDI SANTOSO")  # no longer an answer: the note, then the message read afresh
    notes = texts()[-2:]
    assert "lama tidak ada balasan" in notes[0]
    assert Case.objects.count() == 0


def test_the_state_lives_in_the_database_and_survives_a_worker_restart():
    say("KIA")
    say("3603011105200003")
    # A new worker process knows nothing but the database.
    from loket.channels.whatsapp import sending

    sending.forget_state()
    say("3603012208170006")
    assert GuidedConversation.objects.get().answers["no_kk"] == "3603012208170006"
    assert "Nama anak" in last().text


def test_a_redelivered_answer_does_not_advance_twice():
    say("KIA")
    answer = text("3603011105200003", ts=next(_clock))
    deliver(answer)
    turn = GuidedConversation.objects.get().turn
    sent = OutboundMessage.objects.count()
    deliver(answer)  # Meta delivers the same message again (same wamid)
    assert GuidedConversation.objects.get().turn == turn and OutboundMessage.objects.count() == sent
    assert "Nomor Kartu Keluarga" in last().text


def test_a_button_pressed_twice_does_not_advance_twice():
    say("KIA")
    for value in ("3603011105200003", "3603012208170006", "BUDI SANTOSO"):
        say(value)
    press("Balaraja")
    press("Sentul")
    summary = last()
    press("Benar", summary)
    press("Benar", summary)  # a second tap (a new wamid) on the same old button
    assert Case.objects.count() == 1
    assert "sudah kami catat" in last().text


# --- yes/no, consent and documents -----------------------------------------------------------------


def test_tidak_refuses_consent_only_when_the_consent_question_is_the_open_one():
    number = _kia_until_consent()
    say("KK")  # another service starts (answers wiped); no yes/no question is open
    say("menu")
    say("TIDAK")  # no guided yes/no open: the consent question is the open one
    case = Case.objects.get(request_number=number)
    assert case.state == State.CANCELLED


def test_tidak_at_the_summary_does_not_touch_a_waiting_consent():
    first = _kia_until_consent()
    say("KIA")
    for value in ("3603035512180003", "3603031203150007", "SITI AMINAH"):
        say(value)
    press("Tigaraksa") if any(t == "Tigaraksa" for _, t in options(last())) else say("Tigaraksa")
    say("Pasir Bolang")
    assert "Sudah benar?" in last().text
    say("TIDAK")
    assert Case.objects.get(request_number=first).state == State.WAITING_DOCUMENTS
    assert GuidedConversation.objects.get().step == "change"


def _kia_until_consent() -> str:
    say("KIA")
    return fill_in("KIA")


def test_after_consent_each_document_is_asked_for_by_name_and_files_need_no_caption(fake_graph):
    number = _kia_until_consent()
    press("Saya setuju")
    assert "Kirim foto akta kelahiran anak (1 dari 5)" in last().text
    deliver(photo(fake_graph, jpeg(), ts=next(_clock)))
    case = Case.objects.get(request_number=number)
    assert [d.label for d in case.documents.all()] == ["akta_kelahiran"]
    assert "Berikutnya: Kirim foto KTP-el ayah (2 dari 5)" in last().text
    for color in ((1, 2, 3), (4, 5, 6), (7, 8, 9), (9, 9, 9)):
        deliver(photo(fake_graph, jpeg(color), ts=next(_clock)))
    case.refresh_from_db()
    assert sorted(d.label for d in case.documents.all()) == sorted(
        ["akta_kelahiran", "ktp_ayah", "ktp_ibu", "kk", "pas_foto"]
    )
    assert case.state == State.QUEUED
    assert "Dokumen sudah lengkap" in last().text
    say("halo")  # the documents step is over: the menu again
    assert last().interactive["type"] == "list"


def test_text_while_documents_are_asked_names_the_one_we_wait_for():
    _kia_until_consent()
    press("Saya setuju")
    say("sudah saya kirim")
    assert "Kami masih menunggu dokumen" in last().text and "akta kelahiran" in last().text


# --- poster token, voice note, several requests ------------------------------------------------


def test_a_poster_token_is_stripped_and_becomes_the_case_source():
    say("KIA (kode: POSY-3603031)")
    assert "NIK anak" in last().text and "kode" not in last().text.lower()
    number = fill_in("KIA")
    shown = case_show(number)
    assert shown["source"] == "POSY-3603031" and shown["fields"] == parse(TYPED["KIA"]).fields


def test_a_poster_token_on_a_typed_request_is_its_source_too():
    say(TYPED["KIA"] + " (kode: SKLH-3603011)")
    case = Case.objects.get()
    assert case.source == "SKLH-3603011" and case.fields == parse(TYPED["KIA"]).fields


def test_the_token_pattern_is_one_and_round_trips():
    token_text = flow.with_source_token("KIA", "posy-3603031")
    assert flow.split_source_token(token_text) == ("KIA", "POSY-3603031")
    assert flow.split_source_token("KIA kode POSY") == ("KIA kode POSY", "")


def test_a_voice_note_gets_a_kind_reply_and_goes_to_the_officer_inbox(fake_graph):
    item = photo(fake_graph, b"OggS" + b"\0" * 100, kind="audio", mime="audio/ogg", ts=next(_clock))
    item["audio"]["voice"] = True
    deliver(item)
    assert Conversation.objects.get().needs_officer
    (answer,) = texts()
    assert "pesan suara" in answer and "petugas" in answer


def test_status_asks_which_request_when_there_are_several():
    say(TYPED["KIA"])
    press("Saya setuju")
    say("#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA")
    say("STATUS")
    out = last()
    assert out.interactive["type"] in ("button", "list")  # two requests: two buttons
    assert_within_whatsapp_limits(out)
    numbers = [t for _, t in options(out)]
    assert len(numbers) == 2 and all(REQUEST.fullmatch(n) for n in numbers)
    say("2")
    assert numbers[1] in last().text and "Masih kurang" in last().text


def test_one_open_request_gets_the_status_text_directly():
    say(TYPED["KIA"])
    say("STATUS")
    assert last().interactive is None and "Permohonan Anda yang sedang berjalan" in last().text


def test_limits_are_declared_once():
    assert (choice_limits.ROWS_MAX, choice_limits.ROW_TITLE_MAX, choice_limits.ROW_DESCRIPTION_MAX) == (
        10,
        24,
        72,
    )


def test_every_service_has_questions_derived_from_its_declaration():
    for service in SERVICES.values():
        asked = flow.questions(service)
        assert {q.key for q in asked} == set(service.keys)
        assert all(q.words for q in asked)
    kia = [q.words for q in flow.questions(SERVICES["KIA"])]
    assert kia == [
        "NIK anak (16 angka)",
        "Nomor Kartu Keluarga (16 angka)",
        "Nama anak",
        "Kecamatan",
        "Desa/Kelurahan",
    ]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_three_workers_on_redelivered_answers_advance_each_conversation_once():
    import threading

    from django.db import connection

    from loket.channels.whatsapp import ingest
    from loket.jobs import queue

    office_numbers()
    residents = [f"62813100{n:05d}" for n in range(5)]
    for n, wa in enumerate(residents):
        deliver(text("KIA", frm=wa, ts=1764400000 + n), wa_id=wa, bsuid=f"ID.{wa}")
    asked = OutboundMessage.objects.count()
    for _round in range(2):  # every answer arrives twice, as Meta redelivers
        for n, wa in enumerate(residents):
            post(
                envelope(
                    text("3603011105200003", wamid=f"wamid.GUIDED-{n}", frm=wa, ts=1764400100 + n),
                    wa_id=wa,
                    bsuid=f"ID.{wa}",
                )
            )
    errors = []

    def worker(name):
        try:
            for _ in range(100):
                split = ingest.dispatch_pending()
                ran = queue.run_pending(
                    name, names=["whatsapp.dispatch_deliveries", "whatsapp.handle_message"]
                )
                if not split and not ran.done and not ran.retried:
                    break
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = list(GuidedConversation.objects.all())
    assert len(rows) == 5
    assert all(r.answers == {"nik": "3603011105200003"} and r.key == "no_kk" for r in rows)
    assert OutboundMessage.objects.count() == asked + 5  # one question each, never two


def test_another_name_instead_of_ya_or_bukan_answers_the_place_again():
    say("KIA")
    for value in ("3603011105200003", "3603012208170006", "BUDI SANTOSO", "Balarajx"):
        say(value)
    assert [t for _, t in options(last())] == ["Ya, benar", "Bukan"]
    say("Balaraja")
    assert "Desa/Kelurahan" in last().text
    assert GuidedConversation.objects.get().answers["kecamatan"] == "Balaraja"


def test_bukan_asks_the_place_again_and_a_wrong_number_choice_is_explained():
    say("KIA")
    for value in ("3603011105200003", "3603012208170006", "BUDI SANTOSO", "Balarajx"):
        say(value)
    press("Bukan")
    assert "Pilih Kecamatan" in last().text
    say("12")  # only ten rows
    assert "pilihan itu tidak ada" in last().text.lower() or "Kecamatan" in last().text


def test_a_button_of_an_expired_menu_is_answered_kindly():
    say("MENU")
    menu = last()
    GuidedConversation.objects.update(asked_at=timezone.now() - dt.timedelta(hours=5))
    guided.expire_idle({})
    press("KIA", menu)
    assert "sudah tidak berlaku" in last().text and "MENU" in last().text


@pytest.mark.parametrize("how", ["typed", "menu"])
def test_after_petugas_free_text_is_for_the_officer_not_the_menu(how):
    if how == "typed":
        say("PETUGAS")
    else:
        say("menu")
        press("Pengaduan")
    Conversation.objects.update(needs_officer=False)
    say("anak saya belum dapat kartu padahal sudah 2 bulan")
    assert "diteruskan ke petugas" in last().text or "teruskan ke petugas" in last().text
    assert last().interactive is None and Conversation.objects.get().needs_officer
    say("KIA")  # a service named still starts it
    assert "NIK anak" in last().text


def test_answers_left_behind_are_purged_by_retention_and_by_an_erasure():
    from loket.privacy import retention

    say("KIA")
    say("3603011105200003")
    conv = GuidedConversation.objects.get()
    import dataclasses

    erasure = dataclasses.replace(retention.cutoffs(), residents=[conv.resident_id])
    assert retention.purge(erasure, dry_run=True).counts["guided"] == 1
    assert retention.purge(retention.cutoffs(), dry_run=True).counts["guided"] == 0  # fresh: kept
    later = retention.cutoffs(timezone.now() + dt.timedelta(days=2))
    retention.purge(later)
    conv.refresh_from_db()
    assert conv.answers == {} and conv.step == ""
