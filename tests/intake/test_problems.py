"""Every problem code: when it is raised, on which field, and that it explains kindly."""

import pytest

from loket.domain.intake import OFFICER_HINT, PROBLEMS, WARNINGS
from loket.domain.intake.problems import RESIDENT_WARNINGS

from .builders import ADULT_NIK, check, codes, kia, kk, ktp, skdwni, skpwni, warning_codes

# One message per problem code, and exactly the problems it must raise.
CASES = {
    "service_unknown": ("Halo min, mau tanya syarat bikin KIA apa saja?", [("service_unknown", "service")]),
    "format_missing_fields": (
        "#KIA#SITI AMINAH#3603035512180003#TIGARAKSA",
        [("format_missing_fields", "format")],
    ),
    "format_extra_fields": (kia() + "#PEMULA", [("format_extra_fields", "format")]),
    "field_missing": (
        "#KIA#3603035512180003#3603031203150007##PASIR BOLANG#TIGARAKSA",
        [("field_missing", "nama")],
    ),
    "nik_not_number": (kia(nik="36030355121800O3"), [("nik_not_number", "nik")]),
    "nik_length": (kia(nik="360303551218003"), [("nik_length", "nik")]),
    "nik_birth_date_invalid": (kia(nik="3603033102180003"), [("nik_birth_date_invalid", "nik")]),
    "nik_birth_date_future": (kia(nik="3603031512270003"), [("nik_birth_date_future", "nik")]),
    "nik_serial_zero": (kia(nik="3603035512180000"), [("nik_serial_zero", "nik")]),
    "no_kk_not_number": (kia(no_kk="36O3031203150007"), [("no_kk_not_number", "no_kk")]),
    "no_kk_length": (kia(no_kk="36030312031500071"), [("no_kk_length", "no_kk")]),
    "no_kk_region_unknown": (kia(no_kk="3603211203150007"), [("no_kk_region_unknown", "no_kk")]),
    "no_kk_date_invalid": (kia(no_kk="3603033002150007"), [("no_kk_date_invalid", "no_kk")]),
    "no_kk_date_future": (kia(no_kk="3603030112260007"), [("no_kk_date_future", "no_kk")]),
    "no_kk_serial_zero": (kia(no_kk="3603031203150000"), [("no_kk_serial_zero", "no_kk")]),
    "kia_age_17": (kia(nik="3603037011090003"), [("kia_age_17", "nik")]),
    "nik_same_as_no_kk": (
        kia(nik="3603031203150007", no_kk="3603031203150007"),
        [("nik_same_as_no_kk", "nik")],
    ),
    "name_has_digits": (kia(nama="SITI AMINAH 2"), [("name_has_digits", "nama")]),
    "name_invalid_characters": (kia(nama="SITI, AMINAH"), [("name_invalid_characters", "nama")]),
    "name_too_short": (kk(nama="A"), [("name_too_short", "nama_kepala_keluarga")]),
    "name_too_long": (kia(nama="SITI " * 13), [("name_too_long", "nama")]),
    "kecamatan_unknown": (kia(kecamatan="TIGAMANA"), [("kecamatan_unknown", "kecamatan")]),
    "kecamatan_outside_office": (
        kia(desa="PAMULANG BARAT", kecamatan="PAMULANG"),
        [("kecamatan_outside_office", "kecamatan")],
    ),
    "kecamatan_ambiguous": (kia(kecamatan="CISAOK"), [("kecamatan_ambiguous", "kecamatan")]),
    "desa_unknown": (kia(desa="ANTAH BERANTAH"), [("desa_unknown", "desa")]),
    "desa_not_in_kecamatan": (kia(desa="CARINGIN"), [("desa_not_in_kecamatan", "desa")]),
    "desa_ambiguous": (kia(desa="PASIR"), [("desa_ambiguous", "desa")]),
    "jenis_unknown": (ktp(jenis="UBAH DATA"), [("jenis_unknown", "jenis")]),
    "alamat_too_short": (skpwni(alamat="JAKARTA"), [("alamat_too_short", "alamat_pindah")]),
    "alamat_too_long": (skpwni(alamat="JL. MELATI " * 20), [("alamat_too_long", "alamat_pindah")]),
    "no_skpwni_invalid": (skdwni(no_skpwni="belum ada suratnya"), [("no_skpwni_invalid", "no_skpwni")]),
    "keperluan_too_long": (skdwni(keperluan="pindah " * 50), [("keperluan_too_long", "keperluan")]),
}


def test_every_problem_code_has_a_case():
    assert set(CASES) == set(PROBLEMS)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_problem_is_raised_on_its_field(code):
    text, expected = CASES[code]
    result = check(text)
    assert not result.ok
    assert codes(result) == expected
    assert result.subject is None


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_problem_message_is_one_kind_line_that_tells_how_to_reach_an_officer(code):
    text, _ = CASES[code]
    problem = check(text).problems[0]
    assert "PETUGAS" in problem.message
    if code != "service_unknown":
        assert "\n" not in problem.message
        assert problem.message.endswith(OFFICER_HINT)
        assert len(problem.text) < 320


def test_problems_come_one_per_field_in_the_order_of_the_format():
    result = check("#KIA#12345#3603211203150007#S1TI#ANTAH#TIGARAKSA")
    assert codes(result) == [
        ("nik_length", "nik"),
        ("no_kk_region_unknown", "no_kk"),
        ("name_has_digits", "nama"),
        ("desa_unknown", "desa"),
    ]


def test_a_missing_last_field_is_named_when_the_others_are_in_place():
    result = check("#KTP#3603031203900007#3603031203150007#AHMAD FAUZI#CARINGIN#LEGOK")
    assert codes(result) == [("field_missing", "jenis")]
    assert result.fields["kode_desa"] == "36.03.20.2002"


def test_a_keyword_alone_asks_for_the_whole_format():
    for text in ("#KIA", "KIA", "#kia#"):
        result = check(text)
        assert result.service == "KIA"
        assert codes(result) == [("format_missing_fields", "format")]


def test_a_message_naming_no_service_explains_the_five_formats_and_where_to_send_them():
    for text in (
        "",
        "Selamat pagi",
        "#KTA#3603031203900007#ABC",
        "????",
        "#3603031203900007#3603031203150007",
    ):
        result = check(text)
        assert result.service is None and not result.ok
        assert codes(result) == [("service_unknown", "service")]
        message = result.problems[0].message
        for line in (
            "#KK#NO_KK#NAMA KEPALA KELUARGA#DESA#KECAMATAN",
            "#KTP#NIK#NO_KK#NAMA#DESA#KECAMATAN#PEMULA/HILANG/RUSAK",
            "#KIA#NIK#NO_KK#NAMA#DESA#KECAMATAN",
            "#SKPWNI#NIK#NO_KK#NAMA#ALAMAT PINDAH",
            "#SKDWNI#NO_SKPWNI#KEPERLUAN",
        ):
            assert line in message
        for number in ("081282372016", "081212492477", "085694012597", "081338020399"):
            assert number in message


def test_the_kia_age_problem_says_it_is_time_for_a_ktp():
    message = check(kia(nik="3603037011090003")).problems[0].message
    assert "17 tahun" in message and "KTP-el" in message
    assert "#KTP#NIK#NO_KK#NAMA#DESA#KECAMATAN#PEMULA/HILANG/RUSAK" in message


def test_a_parents_nik_in_a_kia_request_is_pointed_out():
    result = check(kia(nik=ADULT_NIK))
    assert codes(result) == [("nik_birth_date_future", "nik")]
    assert "NIK anak" in result.problems[0].message


def test_an_unknown_kecamatan_hints_at_the_kecamatan_of_a_known_desa():
    message = check(kia(kecamatan="TIGAMANA")).problems[0].message
    assert "Desa Pasir Bolang ada di Kecamatan Tigaraksa" in message


def test_swapped_desa_and_kecamatan_are_pointed_out():
    result = check(kia(desa="TIGARAKSA", kecamatan="PASIR BOLANG"))
    assert codes(result) == [("kecamatan_unknown", "kecamatan")]
    assert "tertukar" in result.problems[0].message


def test_a_desa_in_another_kecamatan_names_the_kecamatan_where_it_lies():
    result = check(kia(desa="CARINGIN", kecamatan="TIGARAKSA"))
    message = result.problems[0].message
    assert "Caringin tidak ada di Kecamatan Tigaraksa" in message
    assert "Kecamatan Cisoka" in message and "Kecamatan Legok" in message
    # the good values stay: the reply fills them in
    assert result.fields["kecamatan"] == "Tigaraksa"


def test_a_desa_elsewhere_in_the_regency_names_its_only_kecamatan():
    message = check(kia(desa="KARET", kecamatan="TIGARAKSA")).problems[0].message
    assert "Desa Karet ada di Kecamatan Sepatan." in message


def test_an_ambiguous_kecamatan_asks_which_one_naming_both():
    message = check(kia(kecamatan="CISAOK")).problems[0].message
    assert "Cisoka atau Cisauk?" in message or "Cisauk atau Cisoka?" in message


def test_an_ambiguous_desa_asks_which_one_naming_both():
    result = check(kk(desa="KOSAMBI", kecamatan="KOSAMBI"))
    assert codes(result) == [("desa_ambiguous", "desa")]
    message = result.problems[0].message
    assert "Kelurahan Kosambi Barat atau Desa Kosambi Timur?" in message
    assert "Desa Kosambi ada di Kecamatan Sukadiri" in message


def test_a_kecamatan_of_another_regency_is_named_with_its_regency():
    message = check(kk(desa="CIPUTAT", kecamatan="CIPUTAT")).problems[0].message
    assert "Kota Tangerang Selatan" in message and "Kabupaten Tangerang" in message


# --- warnings ------------------------------------------------------------------------------


def test_every_warning_code_has_a_case():
    # desa_unverified: tests/intake/test_regions_passed.py (an office without a desa list)
    assert set(WARNINGS) == {
        "nik_region_outside_office",
        "nik_region_unknown",
        "ktp_pemula_under_17",
        "desa_unverified",
    }


def test_every_warning_has_a_resident_wording_that_asks_nothing_of_the_office():
    # The officer's wording tells the officer what to check; the resident reads what happens.
    assert set(RESIDENT_WARNINGS) == set(WARNINGS)
    for code, text in RESIDENT_WARNINGS.items():
        assert not any(order in text for order in ("Cocokkan", "Minta ", "pastikan")), code
        assert len(text) < len(WARNINGS[code]) + 40, code  # short: it sits under the answer


def test_a_nik_from_another_regency_is_a_warning_never_a_problem():
    result = check(ktp(nik="3201011203900007"))
    assert result.ok
    assert warning_codes(result) == [("nik_region_outside_office", "nik")]
    assert "Cibinong" in result.warnings[0].message and "Kabupaten Bogor" in result.warnings[0].message


@pytest.mark.parametrize("nik", ["3603211203900007", "9903011203900007", "0000001203900007"])
def test_a_nik_with_a_code_that_is_not_current_is_a_warning_never_a_problem(nik):
    result = check(ktp(nik=nik))
    assert result.ok, codes(result)
    assert warning_codes(result) == [("nik_region_unknown", "nik")]


def test_a_first_ktp_under_17_is_a_warning_for_the_officer():
    result = check(ktp(nik="3603030505100001", jenis="PEMULA"))
    assert result.ok
    assert warning_codes(result) == [("ktp_pemula_under_17", "nik")]
    assert check(ktp(nik="3603030505100001", jenis="HILANG")).warnings == []


def test_warnings_stay_next_to_problems():
    result = check(kia(nik="3201015512180003", nama="1"))
    assert codes(result) == [("name_has_digits", "nama")]
    assert warning_codes(result) == [("nik_region_outside_office", "nik")]


def test_one_reply_names_every_problem_at_once_including_the_age():
    result = check(kia(nik="3603037011090003", desa="CARINGIN"))
    assert codes(result) == [("kia_age_17", "nik"), ("desa_not_in_kecamatan", "desa")]


def test_a_first_ktp_age_warning_is_given_even_when_something_else_is_wrong():
    result = check(ktp(nik="3603030505100001", jenis="PEMULA", desa="ANTAH"))
    assert codes(result) == [("desa_unknown", "desa")]
    assert warning_codes(result) == [("ktp_pemula_under_17", "nik")]


def test_a_near_miss_found_in_several_places_lists_each_with_its_kecamatan():
    result = check(kk(desa="PASIR BOLAN", kecamatan="BALARAJA"))
    assert codes(result) == [("desa_not_in_kecamatan", "desa")]
    assert "Desa Pasir Bolang ada di Kecamatan Tigaraksa." in result.problems[0].message


def test_a_birth_date_after_today_is_not_blamed_on_a_parents_nik_when_no_parent_could_have_it():
    result = check(kia(nik="3603031512270003"))
    assert codes(result) == [("nik_birth_date_future", "nik")]
    assert "orang tua" not in result.problems[0].message


@pytest.mark.parametrize(
    ("kecamatan", "options"),
    [("SEAPTAN", None), ("SEPATA", "Sepatan atau Sepatan Timur?")],
)
def test_a_typo_in_a_short_name_is_forgiven_but_a_cut_shared_by_two_names_is_asked(kecamatan, options):
    result = check(kk(desa="KARET", kecamatan=kecamatan))
    if options is None:
        assert result.ok and result.fields["kecamatan"] == "Sepatan"
    else:
        assert codes(result) == [("kecamatan_ambiguous", "kecamatan")]
        assert options in result.problems[0].message


def test_a_short_text_that_starts_two_names_is_asked_not_guessed():
    # BABA is one letter off Babat and the start of Babakan
    result = check(kk(desa="BABA", kecamatan="LEGOK"))
    assert codes(result) == [("desa_ambiguous", "desa")]
    assert "Babakan" in result.problems[0].message and "Babat" in result.problems[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#KIA#3603035512180003#SITI AMINAH#PASIR BOLANG#TIGARAKSA", [("field_missing", "no_kk")]),
        ("#KIA#3603035512180003#3603031203150007#PASIR BOLANG#TIGARAKSA", [("field_missing", "nama")]),
        (
            "#KIA#3603035512180003#3603031203150007#SITI AMINAH",
            [("field_missing", "desa"), ("field_missing", "kecamatan")],
        ),
        (
            "#KTP#3603031203900007#3603031203150007#AHMAD FAUZI#CARINGN#TIGARAKSA",
            [("desa_not_in_kecamatan", "desa"), ("field_missing", "jenis")],
        ),
    ],
)
def test_a_field_left_out_is_named_where_it_was_left_out(text, expected):
    assert codes(check(text)) == expected


def test_values_in_the_wrong_places_get_the_whole_format_not_confusing_problems():
    result = check("#KIA#SITI AMINAH#3603035512180003#TIGARAKSA")
    assert codes(result) == [("format_missing_fields", "format")]
    assert result.fields == {}
