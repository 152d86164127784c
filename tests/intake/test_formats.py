"""The five request formats, each read into the JSON keys of the contract."""

from loket.domain.intake import SERVICES, canonical_message

from .builders import ADULT_NIK, CHILD_NIK, FAMILY_KK, check, codes, kia, kk, ktp, skdwni, skpwni


def test_a_kia_request_gives_normalised_fields_with_region_codes():
    result = check(kia())
    assert result.ok, codes(result)
    assert result.service == "KIA"
    assert result.fields == {
        "nik": CHILD_NIK,
        "no_kk": FAMILY_KK,
        "nama": "SITI AMINAH",
        "desa": "Pasir Bolang",
        "kecamatan": "Tigaraksa",
        "kode_desa": "36.03.03.2002",
        "kode_kecamatan": "36.03.03",
    }
    assert result.subject == CHILD_NIK


def test_a_kia_request_derives_birth_sex_age_photo_and_validity():
    result = check(kia())
    assert result.derived == {
        "tanggal_lahir": "2018-12-15",
        "jenis_kelamin": "P",
        "umur": 7,
        "perlu_foto": True,
        "kia_berlaku_sampai": "2035-12-14",
    }


def test_a_ktp_request_names_its_kind():
    result = check(ktp(jenis="rusak"))
    assert result.ok, codes(result)
    assert result.service == "KTP"
    assert result.fields["jenis"] == "RUSAK"
    assert result.fields["desa"] == "Caringin"
    assert result.fields["kode_desa"] == "36.03.20.2002"
    assert result.derived == {"tanggal_lahir": "1990-03-12", "jenis_kelamin": "L", "umur": 36}
    assert result.subject == ADULT_NIK


def test_a_kk_request_is_about_the_family_card_number():
    result = check(kk(nama="h. ahmad fauzi"))
    assert result.ok, codes(result)
    assert result.service == "KK"
    assert result.fields["nama_kepala_keluarga"] == "H. AHMAD FAUZI"
    assert result.subject == FAMILY_KK
    assert result.derived == {}


def test_a_skpwni_request_keeps_the_new_address_as_written():
    result = check(skpwni())
    assert result.ok, codes(result)
    assert (
        result.fields["alamat_pindah"]
        == "JL. MELATI NO. 5 RT 02/03, KEL. CIBUBUR, KEC. CIRACAS, JAKARTA TIMUR"
    )
    assert result.subject == ADULT_NIK


def test_a_skdwni_request_is_about_the_moving_letter():
    result = check(skdwni(no_skpwni="skpwni / 3506 / 22032021 / 0101"))
    assert result.ok, codes(result)
    assert result.service == "SKDWNI"
    assert result.fields == {"no_skpwni": "SKPWNI/3506/22032021/0101", "keperluan": "Pindah ikut suami"}
    assert result.subject == "SKPWNI/3506/22032021/0101"


def test_the_json_contract_has_exactly_its_keys():
    data = check(kia()).to_dict()
    assert list(data) == ["ok", "service", "fields", "derived", "problems", "warnings"]
    bad = check(kia(nama="S1TI")).to_dict()
    assert bad["ok"] is False
    assert bad["problems"] == [
        {"code": "name_has_digits", "field": "nama", "message": bad["problems"][0]["message"]}
    ]


def test_every_service_declares_keyword_name_and_format():
    assert list(SERVICES) == ["KK", "KTP", "KIA", "SKPWNI", "SKDWNI"]
    assert SERVICES["KIA"].name == "Kartu Identitas Anak (KIA)"
    assert SERVICES["KIA"].format == "#KIA#NIK#NO_KK#NAMA#DESA#KECAMATAN"
    assert SERVICES["KTP"].format == "#KTP#NIK#NO_KK#NAMA#DESA#KECAMATAN#PEMULA/HILANG/RUSAK"
    assert SERVICES["SKDWNI"].format == "#SKDWNI#NO_SKPWNI#KEPERLUAN"


def test_a_valid_request_renders_back_to_its_canonical_message():
    result = check(kia(nama="siti  aminah", desa="pasirbolang", kecamatan="tigaraksa "))
    message = canonical_message(result.service, result.fields)
    assert message == f"#KIA#{CHILD_NIK}#{FAMILY_KK}#SITI AMINAH#PASIR BOLANG#TIGARAKSA"
    assert check(message).fields == result.fields


def test_every_problem_and_warning_code_is_documented():
    from pathlib import Path

    from loket.domain.intake import PROBLEMS, WARNINGS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "intake.md").read_text()
    for code in [*PROBLEMS, *WARNINGS, "input_not_json", "input_no_text", "input_bad_date", "internal_error"]:
        assert f"`{code}`" in docs, code


def test_the_intake_runs_without_django():
    import subprocess
    import sys

    code = (
        "import sys; from loket.domain.intake import parse; "
        "r = parse('#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA'); "
        "r.reply_text(); r.to_dict(); "
        "assert r.ok and not any(m.split('.')[0] == 'django' for m in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
