"""Guided conversation additions (issues 13 and 14), through the signed webhook and the fake
Graph API: "Ingatkan saya" (a child's birth date, consent, `register_child`), a NIK given with
the service word, a file without caption while several requests wait, and "Syarat & biaya"
from the office's configured checklist. See docs/guided.md.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loket.cases import checklist
from loket.cases.models import Case, Document, Resident, State
from loket.channels.whatsapp.conversation import guided
from loket.channels.whatsapp.models import Conversation, GuidedConversation, OutboundMessage
from loket.domain.calendar import MONTH_NAMES, long_date, parse_date
from loket.domain.intake import parse
from loket.domain.intake.reply import help_text
from loket.outreach import preferences
from loket.outreach.models import Child, ConsentEvent
from tests.whatsapp.inbound import (  # noqa: F401
    inbound_settings,
    jpeg,
    office_numbers,
    photo,
    text,
)
from tests.whatsapp.test_guided import (
    TYPED,
    _clock,
    assert_within_whatsapp_limits,
    deliver,
    fill_in,
    last,
    options,
    press,
    say,
    texts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def today() -> dt.date:
    return timezone.localdate()


def years_ago(years: int, days: int = 0) -> dt.date:
    now = today()
    return now.replace(year=now.year - years, day=min(now.day, 28)) - dt.timedelta(days=days)


def ingatkan() -> None:
    say("menu")
    press("Ingatkan saya")


def children() -> list[dt.date]:
    return [c.birth_date for c in Child.objects.order_by("pk")]


# --- "Ingatkan saya" ------------------------------------------------------------------------------


def test_the_menu_has_an_ingatkan_saya_row_within_whatsapps_limits():
    say("menu")
    out = last()
    assert_within_whatsapp_limits(out)
    titles = [t for _, t in options(out)]
    assert "Ingatkan saya" in titles and len(titles) <= 10
    assert {"KIA", "KK", "KTP", "SKPWNI", "SKDWNI", "Cek status", "Syarat & biaya", "Pengaduan"} <= set(
        titles
    )


def test_ingatkan_saya_asks_the_birth_date_then_consent_then_registers_the_child():
    ingatkan()
    assert "tanggal lahir anak" in last().text and last().interactive is None
    born = years_ago(3)
    say(f"{born.day} {MONTH_NAMES[born.month - 1]} {born.year}")  # "5 Maret 2023"
    question = last()
    assert question.interactive["type"] == "button" and long_date(born, weekday=False) in question.text
    assert_within_whatsapp_limits(question)
    assert children() == []  # nothing kept before the yes
    assert not preferences.allows(Resident.objects.get(), "reminder")
    press("Ya, ingatkan")
    answer = last().text
    assert "Baik, kami akan mengingatkan Anda" in answer and "BERHENTI" in answer
    kia_day = born.replace(year=born.year + 5)
    assert long_date(kia_day, weekday=False) in answer
    assert children() == [born]
    resident = Child.objects.get().resident
    assert preferences.allows(resident, "reminder")
    actions = set(ConsentEvent.objects.filter(resident=resident).values_list("action", flat=True))
    assert {"opt_in", "child_added"} <= actions
    assert GuidedConversation.objects.get().step == ""


@pytest.mark.parametrize("form", ["%d-%m-%Y", "{d}/{m}/%Y", "{d} {bulan} %Y", "{d} {bulan_kecil} %Y"])
def test_the_birth_date_in_each_way_a_resident_writes_it(form):
    say("MULAI")  # already said yes to reminders: no consent question
    born = years_ago(2, days=40)
    typed = born.strftime(
        form.format(
            d=born.day,
            m=born.month,
            bulan=MONTH_NAMES[born.month - 1],
            bulan_kecil=MONTH_NAMES[born.month - 1].lower(),
        )
    )
    ingatkan()
    say(typed)
    assert "Baik, kami akan mengingatkan Anda" in last().text
    assert children() == [born]


@pytest.mark.parametrize(
    ("said", "explained"),
    [
        ("kemarin", "belum bisa kami baca"),
        ("31-02-2021", "belum bisa kami baca"),
        ("2021-03-05", "belum bisa kami baca"),
        ("future", "belum lewat"),
        ("seventeen", "17 tahun atau lebih"),
        ("forty", "17 tahun atau lebih"),
    ],
)
def test_a_wrong_birth_date_is_explained_and_asked_again(said, explained):
    said = {
        "future": (today() + dt.timedelta(days=3)).strftime("%d-%m-%Y"),
        "seventeen": years_ago(17).strftime("%d-%m-%Y") if today().day <= 28 else "01-01-1990",
        "forty": "01-01-1986",
    }.get(said, said)
    ingatkan()
    say(said)
    answer = last().text
    assert explained in answer and "Ketik tanggal lahir anak" in answer
    assert GuidedConversation.objects.get().step == "remind_date"
    assert children() == []
    born = years_ago(16)  # a 16-year-old still has the KTP-el reminder ahead
    say(born.strftime("%d-%m-%Y"))
    press("Ya, ingatkan")
    assert children() == [born]


def test_tidak_at_the_consent_question_registers_nothing():
    ingatkan()
    say(years_ago(1).strftime("%d-%m-%Y"))
    say("TIDAK")  # typed: the open yes/no question of the keyword table
    assert "tidak ada pengingat" in last().text
    assert children() == [] and not ConsentEvent.objects.filter(action="opt_in").exists()


def test_after_berhenti_ingatkan_saya_says_how_to_mulai_and_registers_nothing():
    say("BERHENTI")
    ingatkan()
    answer = last().text
    assert "MULAI" in answer and "berhenti" in answer and last().interactive is None
    assert GuidedConversation.objects.get().step == ""
    say("01-01-2022")  # a date now is just a text: the menu, nothing registered
    assert children() == []
    resident = Resident.objects.get()
    assert preferences.stopped_at(resident) is not None


def test_berhenti_while_the_consent_question_is_open_wins():
    ingatkan()
    say(years_ago(1).strftime("%d-%m-%Y"))
    consent_question = last()
    say("BERHENTI")
    press("Ya, ingatkan", consent_question)
    assert children() == []
    assert preferences.stopped_at(Resident.objects.get()) is not None


def test_a_redelivered_birth_date_and_a_double_tap_register_once():
    say("MULAI")
    ingatkan()
    answer = text(years_ago(4).strftime("%d-%m-%Y"), ts=next(_clock))
    deliver(answer)
    sent = OutboundMessage.objects.count()
    deliver(answer)  # Meta delivers the same message again (same wamid)
    assert OutboundMessage.objects.count() == sent and len(children()) == 1
    say("menu")
    press("Ingatkan saya")
    ingatkan_again = years_ago(4).strftime("%d/%m/%Y")
    say(ingatkan_again)  # the same child asked again: still one
    assert len(children()) == 1
    assert sum("Baik, kami akan mengingatkan Anda" in t for t in texts()) == 2


def test_the_consent_button_pressed_twice_registers_once():
    ingatkan()
    say(years_ago(1).strftime("%d-%m-%Y"))
    question = last()
    press("Ya, ingatkan", question)
    press("Ya, ingatkan", question)  # a second tap (a new wamid) on the same old button
    assert len(children()) == 1
    assert ConsentEvent.objects.filter(action="child_added").count() == 1
    assert "sudah kami catat" in last().text or "tidak berlaku" in last().text


def test_batal_leaves_the_birth_date_question_and_it_expires_politely(settings):
    ingatkan()
    say("BATAL")
    assert "hentikan" in last().text and GuidedConversation.objects.get().step == ""
    ingatkan()
    GuidedConversation.objects.update(asked_at=timezone.now() - dt.timedelta(hours=5))
    guided.expire_idle({})
    assert "Pengingat belum kami catat" in last().text
    assert GuidedConversation.objects.get().step == ""


def test_the_date_parser_is_the_calendars_one():
    assert parse_date("5 Maret 2021") == dt.date(2021, 3, 5)
    assert parse_date("05-03-2021") == parse_date("5/3/2021") == parse_date("5.3.2021") == dt.date(2021, 3, 5)
    assert parse_date("5 agu 2020") == dt.date(2020, 8, 5)
    assert parse_date("29-02-2023") is None and parse_date("5 Maretz 2021") is None and parse_date("") is None


# --- a NIK given with the service word --------------------------------------------------------------


def test_kia_with_a_nik_starts_kia_with_the_nik_prefilled_and_asks_the_next_field():
    say("KIA 3603011105200003")
    out = last()
    assert "3603011105200003 sudah kami catat" in out.text and "Nomor Kartu Keluarga" in out.text
    conv = GuidedConversation.objects.get()
    assert conv.service == "KIA" and conv.answers["nik"] == "3603011105200003"
    number = fill_in("KIA")
    assert Case.objects.get(request_number=number).fields == parse(TYPED["KIA"]).fields


@pytest.mark.parametrize(
    ("said", "explained"),
    [
        ("KIA 360301110520000", "NIK harus 16 angka"),
        ("kia 36O3011105200003", "NIK hanya berisi angka"),
        ("KIA 3603014505080003", "17 tahun"),  # born in 2008: old enough for a KTP-el
    ],
)
def test_a_wrong_nik_with_the_service_word_is_explained_and_the_nik_asked(said, explained):
    say(said)
    out = last()
    assert explained in out.text and "Ketik NIK anak (16 angka)" in out.text
    assert GuidedConversation.objects.get().answers.get("nik") is None


def test_a_whole_request_typed_without_hash_keeps_the_precise_explanation():
    say("KIA 3603011105200003 3603012208170006 BUDI SANTOSO SENTUL BALARAJA")
    out = last()
    assert out.interactive is None and out.text == help_text()  # the parser's own explanation
    assert not GuidedConversation.objects.exclude(step="").exists() and Case.objects.count() == 0


# --- a file without caption while several requests wait ---------------------------------------------


def two_waiting() -> list[Case]:
    say(TYPED["KIA"])
    press("Saya setuju")
    say("#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA")
    cases = list(Case.objects.order_by("pk"))
    assert [c.state for c in cases] == [State.WAITING_DOCUMENTS] * 2
    return cases


def test_a_file_without_caption_with_several_requests_waiting_asks_which(fake_graph):
    first, second = two_waiting()
    deliver(photo(fake_graph, jpeg(), ts=next(_clock)), photo(fake_graph, jpeg((1, 2, 3)), ts=next(_clock)))
    questions = [
        m for m in OutboundMessage.objects.order_by("pk") if m.interactive and "untuk yang mana" in m.text
    ]
    assert len(questions) == 1  # one question for the files sent together
    assert_within_whatsapp_limits(questions[0])
    assert {t for _, t in options(questions[0])} == {first.request_number, second.request_number}
    assert not first.documents.exists() and not second.documents.exists()
    assert "pilih untuk permohonan yang mana" in last().text  # the files' acknowledgement
    press(first.request_number, questions[0])
    assert first.documents.count() == 2 and not second.documents.exists()
    assert f"2 berkas kami catat untuk permohonan {first.request_number}" in last().text
    assert not Conversation.objects.get().needs_officer


def test_the_number_of_the_choice_works_and_a_caption_naming_a_request_is_not_asked(fake_graph):
    first, second = two_waiting()
    deliver(photo(fake_graph, jpeg(), caption=f"akta {second.request_number}", ts=next(_clock)))
    assert second.documents.count() == 1 and not any("untuk yang mana" in t for t in texts())
    deliver(photo(fake_graph, jpeg((5, 5, 5)), ts=next(_clock)))
    say("2")
    picked = [c for c in (first, second) if c.documents.filter(caption="").exists()]
    assert len(picked) == 1 and "berkas kami catat" in last().text


def test_a_file_not_assigned_goes_to_the_officer_and_is_never_lost(fake_graph):
    two_waiting()
    deliver(photo(fake_graph, jpeg(), ts=next(_clock)))
    say("MENU")  # the question is left unanswered
    document = Document.objects.get()
    assert document.case is None and Conversation.objects.get().needs_officer


def test_one_waiting_request_takes_the_file_as_before(fake_graph):
    say(TYPED["KIA"])
    press("Saya setuju")
    deliver(photo(fake_graph, jpeg(), ts=next(_clock)))
    assert Case.objects.get().documents.count() == 1
    assert not any("untuk yang mana" in t for t in texts())


def test_a_file_mid_way_through_questions_does_not_wipe_the_answers(fake_graph):
    two_waiting()
    say("KIA")
    say("3603011105200003")
    deliver(photo(fake_graph, jpeg(), ts=next(_clock)))
    conv = GuidedConversation.objects.get()
    assert conv.step == "question" and conv.answers.get("nik") == "3603011105200003"
    assert not any("untuk yang mana" in t for t in texts())


# --- Syarat & biaya from the office's checklist -------------------------------------------------------


def test_syarat_shows_the_offices_configured_checklist(settings):
    settings.LOKET_CHECKLIST_OVERRIDES = {"KIA": ["akta_kelahiran", "kk"]}
    say("menu")
    press("Syarat & biaya")
    answer = last().text
    kia = next(line for line in answer.splitlines() if line.startswith("• KIA:"))
    assert kia == f"• KIA: {checklist.kind_label('akta_kelahiran')}, {checklist.kind_label('kk')}."
    assert "KTP-el ayah" not in kia and "umur 5" not in kia
    ktp = next(line for line in answer.splitlines() if line.startswith("• KTP:"))
    assert "bila hilang" in ktp  # a service the office did not configure: the national rule
    assert "GRATIS" in answer


def test_syarat_without_configuration_is_the_national_checklist(settings):
    settings.LOKET_CHECKLIST_OVERRIDES = {}
    say("menu")
    press("Syarat & biaya")
    kia = next(line for line in last().text.splitlines() if line.startswith("• KIA:"))
    assert "KTP-el ayah" in kia and "umur 5" in kia


# --- the kecamatan list starts with the KK's kecamatan -------------------------------------------


def test_the_kecamatan_of_the_kk_number_is_the_first_row():
    say("KIA")
    say("3603011105200003")
    say("3603172208170006")  # a KK issued in 36.03.17
    say("BUDI SANTOSO")
    rows = last().interactive["action"]["sections"][0]["rows"]
    from loket.domain.regions import office_regions

    wanted = next(p for p in office_regions().kecamatan if p.digits == "360317")
    assert rows[0]["title"] == wanted.nama and rows[0]["description"] == "Sesuai nomor KK/NIK Anda"
    # then the NIK's (Balaraja, 36.03.01), then the rest in alphabetical order
    assert rows[1]["title"] == "Balaraja" and rows[1]["description"] == "Sesuai nomor KK/NIK Anda"
    assert [r["title"] for r in rows[2:-1]] == sorted(r["title"] for r in rows[2:-1])
    assert "description" not in rows[2]  # "Kecamatan" on every row said nothing the question did not
    press(wanted.nama)
    assert "Desa/Kelurahan" in last().text


def test_the_kk_number_given_as_the_nik_is_caught_before_the_request_is_made():
    say("KIA")
    say("3603012208170006")  # the KK number, typed for the NIK (a valid-looking NIK)
    say("3603012208170006")
    say("BUDI SANTOSO")
    press("Balaraja")
    press("Sentul")
    press("Benar")
    out = last()
    assert "NIK dan Nomor KK yang Anda tulis sama" in out.text and "Ketik NIK anak" in out.text
    assert Case.objects.count() == 0
    say("3603011105200003")
    press("Benar")
    assert Case.objects.get().fields == parse(TYPED["KIA"]).fields


def test_the_guided_acknowledgement_does_not_repeat_the_data_just_confirmed():
    say("KIA")
    number = fill_in("KIA")
    ack = next(t for t in texts() if number in t and "Nomor permohonan" in t)
    assert "Yang kami catat" not in ack and "satu per satu" in ack
    say("#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA")
    assert "Yang kami catat" in last().text  # typed: what we read is said back


def test_a_wrong_answer_is_explained_with_what_was_received():
    say("KIA")
    say("36030111052000")
    out = last().text
    assert "Yang kami terima: 36030111052000." in out and "NIK harus 16 angka" in out
    assert out.rstrip().endswith("Ketik NIK anak (16 angka):")
    say("BATAL")
    say("KIA 360301110520000")  # a new start with the service word: the same
    assert "Yang kami terima: 360301110520000." in last().text


def test_a_service_word_instead_of_a_birth_date_starts_that_service():
    ingatkan()
    say("KIA")
    assert "NIK anak" in last().text and GuidedConversation.objects.get().service == "KIA"
    assert children() == []


def test_an_unanswered_which_request_question_expires_to_the_officer(fake_graph):
    two_waiting()
    deliver(photo(fake_graph, jpeg(), ts=next(_clock)))
    GuidedConversation.objects.update(asked_at=timezone.now() - dt.timedelta(hours=5))
    guided.expire_idle({})
    assert "tetap kami simpan" in last().text
    assert Document.objects.get().case is None and Conversation.objects.get().needs_officer
    assert GuidedConversation.objects.get().step == ""
