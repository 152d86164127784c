"""The reply a resident gets: problems one per line, the format filled in, a way to a person."""

import pytest

from loket.domain.intake import OFFICER_HINT, SERVICES, canonical_message, filled_format, services

from .builders import CHILD_NIK, FAMILY_KK, check, kia, kk


def test_a_reply_lists_each_problem_on_its_own_line_then_the_filled_format_then_the_officer():
    result = check(kia(nik="12345", desa="CARINGIN"))
    lines = result.reply_text().split("\n")
    assert lines[0] == "Maaf, permohonan Kartu Identitas Anak (KIA) Anda belum bisa kami proses:"
    assert lines[1].startswith("- NIK harus 16 angka")
    assert lines[2].startswith("- Desa Caringin tidak ada di Kecamatan Tigaraksa")
    assert f"#KIA#NIK#{FAMILY_KK}#SITI AMINAH#DESA#TIGARAKSA" in lines
    assert lines[-1] == OFFICER_HINT
    # the hint is said once, at the end, not after every line
    assert result.reply_text().count("PETUGAS") == 1


def test_the_filled_format_is_ready_to_copy_and_parses_once_the_placeholders_are_replaced():
    result = check(kia(desa="ANTAH"))
    line = filled_format("KIA", result.fields)
    assert line == f"#KIA#{CHILD_NIK}#{FAMILY_KK}#SITI AMINAH#DESA#TIGARAKSA"
    assert check(line.replace("#DESA#", "#PASIR BOLANG#")).ok


def test_a_reply_to_a_message_naming_no_service_is_the_explanation_of_the_formats():
    result = check("halo")
    assert result.reply_text() == result.problems[0].message
    assert "Contoh: #KIA#" in result.reply_text()


def test_a_reply_to_a_good_request_confirms_it():
    assert "sudah lengkap" in check(kia()).reply_text()


def test_canonical_messages_need_every_field():
    with pytest.raises(ValueError, match="nama_kepala_keluarga"):
        canonical_message("KK", {"no_kk": FAMILY_KK})
    assert (
        canonical_message("kk", check(kk()).fields) == f"#KK#{FAMILY_KK}#AHMAD FAUZI#PASIR BOLANG#TIGARAKSA"
    )


def test_office_numbers_have_defaults_and_can_be_configured():
    assert {s.keyword: s.number for s in SERVICES.values()} == {
        "KK": "081282372016",
        "KTP": "081212492477",
        "KIA": "085694012597",
        "SKPWNI": "081338020399",
        "SKDWNI": "081338020399",
    }
    before = services.service_numbers()
    services.configure(numbers=services.parse_service_numbers("KIA=081100000001, skdwni = 081100000002,,=1"))
    try:
        assert SERVICES["KIA"].number == "081100000001"
        assert SERVICES["SKDWNI"].number == "081100000002"
        assert SERVICES["KK"].number == "081282372016"
        assert "081100000001" in check("halo").problems[0].message
    finally:
        services.configure(numbers=before)
    assert SERVICES["KIA"].number == "085694012597"


def test_a_child_who_turned_17_is_given_the_ktp_format_filled_in_and_its_number():
    reply = check(kia(nik="3603037011090003")).reply_text()
    assert "kirim pesan di bawah ini ke 081212492477" in reply
    assert (
        f"#KTP#3603037011090003#{FAMILY_KK}#SITI AMINAH#PASIR BOLANG#TIGARAKSA#PEMULA/HILANG/RUSAK" in reply
    )


def test_a_reply_names_the_placeholders_to_replace_and_none_when_all_values_are_good():
    assert (
        "ganti tulisan NIK dan DESA dengan data yang benar:" in check(kia(nik="1", desa="ANTAH")).reply_text()
    )
    assert "ganti tulisan" not in check(kia() + "#PEMULA").reply_text()
