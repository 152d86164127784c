"""What a person would forgive in a request message, the intake forgives too."""

import pytest

from .builders import CHILD_NIK, FAMILY_KK, check, codes, kia, kk, ktp, skdwni

CANONICAL = kia()


def fields_of(text: str) -> dict:
    result = check(text)
    assert result.ok, codes(result)
    return result.fields


@pytest.mark.parametrize(
    "text",
    [
        "#kia#3603035512180003#3603031203150007#siti aminah#pasir bolang#tigaraksa",
        "#Kia#3603035512180003#3603031203150007#Siti Aminah#Pasir Bolang#Tigaraksa",
        "# KIA # 3603035512180003 #3603031203150007 #  SITI AMINAH  # PASIR BOLANG #TIGARAKSA ",
        CANONICAL + "#",
        CANONICAL + "##",
        CANONICAL[1:],  # no leading '#': "KIA#3603...#..."
        "Permisi min, " + CANONICAL,
        "Assalamualaikum min, mau daftar KIA anak saya\n" + CANONICAL,
        "Selamat pagi, KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA",
        CANONICAL.replace("#", "＃"),  # full-width, as some phone keyboards type it
        "#ＫＩＡ#３６０３０３５５１２１８０００３#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA",
        "#KIA\n#3603035512180003\n#3603031203150007\n#SITI AMINAH\n#PASIR BOLANG\n#TIGARAKSA",
        CANONICAL + "\nTerima kasih",
        CANONICAL + "#Terima kasih min 🙏",
        "#KIA#3603035512180003##3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA",
        "\u200b" + CANONICAL + "\r\n",
    ],
)
def test_spelling_spacing_and_hashes_people_use_read_the_same(text):
    assert fields_of(text) == fields_of(CANONICAL)


@pytest.mark.parametrize(
    "text",
    [
        "KIA\n3603035512180003\n3603031203150007\nSITI AMINAH\nPASIR BOLANG\nTIGARAKSA",
        "kia\n\n3603035512180003\n3603031203150007\nSiti Aminah\nPasir Bolang\nTigaraksa\n",
        "#KIA#\n3603035512180003\n3603031203150007\nSITI AMINAH\nPASIR BOLANG\nTIGARAKSA",
        "Selamat siang\nKIA\n3603035512180003\n3603031203150007\nSITI AMINAH\nPASIR BOLANG\nTIGARAKSA",
    ],
)
def test_line_breaks_stand_for_hashes_when_a_line_holds_only_the_keyword(text):
    assert fields_of(text) == fields_of(CANONICAL)


def test_without_a_keyword_line_line_breaks_are_not_a_format():
    result = check("3603035512180003\n3603031203150007\nSITI AMINAH\nPASIR BOLANG\nTIGARAKSA")
    assert result.service is None
    assert codes(result) == [("service_unknown", "service")]


@pytest.mark.parametrize(
    "number",
    [
        "3603.0355.1218.0003",
        "3603 0355 1218 0003",
        "3603-0355-1218-0003",
        "360303 551218 0003",
        "3603035512180003 ",
    ],
)
def test_dots_spaces_and_dashes_inside_numbers_are_forgiven(number):
    assert fields_of(kia(nik=number))["nik"] == CHILD_NIK


def test_the_family_card_number_is_forgiven_the_same_way():
    assert fields_of(kia(no_kk="3603.0312.0315.0007"))["no_kk"] == FAMILY_KK


@pytest.mark.parametrize("keyword", ["KTP", "ktp", "KTPEL", "KTP-EL", "ktp-el", "KTP EL", "Ktpel"])
def test_ktp_aliases(keyword):
    result = check(ktp().replace("#KTP#", f"#{keyword}#"))
    assert result.ok, codes(result)
    assert result.service == "KTP"


@pytest.mark.parametrize("keyword", ["SKDWNI", "SKDWN", "skdwn"])
def test_skdwni_aliases(keyword):
    result = check(skdwni().replace("#SKDWNI#", f"#{keyword}#"))
    assert result.ok, codes(result)
    assert result.service == "SKDWNI"


@pytest.mark.parametrize(
    ("typed", "official"),
    [
        ("PASARKEMIS", "Pasar Kemis"),
        ("PASAR KEMIS", "Pasar Kemis"),
        ("SINDANGJAYA", "Sindang Jaya"),
        ("TELUK NAGA", "Teluknaga"),
        ("KELAPADUA", "Kelapa Dua"),
        ("SEPATAN TIMU", "Sepatan Timur"),  # truncated
        ("SEPATAN TIMR", "Sepatan Timur"),  # misspelt
        ("GUNUNG KALE", "Gunung Kaler"),
        ("CIKUPAA", "Cikupa"),
        ("TIGRAKSA", "Tigaraksa"),
        ("Kec. Tigaraksa", "Tigaraksa"),
        ("kecamatan legok", "Legok"),
    ],
)
def test_kecamatan_spelling_variants_resolve_to_the_official_name(typed, official):
    result = check(kk(desa="X", kecamatan=typed))
    assert result.fields["kecamatan"] == official


def test_sepatan_is_sepatan_not_sepatan_timur():
    result = check(kk(desa="KARET", kecamatan="SEPATAN"))
    assert result.ok, codes(result)
    assert (result.fields["kecamatan"], result.fields["kode_kecamatan"]) == ("Sepatan", "36.03.16")


@pytest.mark.parametrize(
    ("desa", "kecamatan", "official", "kode"),
    [
        ("PASIRBOLANG", "TIGARAKSA", "Pasir Bolang", "36.03.03.2002"),
        ("Desa Pasir Bolang", "TIGARAKSA", "Pasir Bolang", "36.03.03.2002"),
        ("Ds. Pasir Bolank", "TIGARAKSA", "Pasir Bolang", "36.03.03.2002"),
        ("KAMPUNG MELAYU TIMUR", "TELUKNAGA", "Kmp Melayu Tim", "36.03.13.2006"),
        ("KMP MELAYU BRT", "TELUK NAGA", "Kmp Melayu Brt", "36.03.13.2007"),
        ("BONASARI", "PAKUHAJI", "Bonisari", "36.03.15.2003"),  # the older edition's spelling
        ("RANGA RENGAS", "KOSAMBI", "Rawa Rengas", "36.03.14.2005"),
        ("KOSAMBI", "SUKADIRI", "Kosambi", "36.03.10.2006"),  # the desa, not the kecamatan
        ("SUKAMULYA", "CIKUPA", "Sukamulya", "36.03.18.1001"),  # a kelurahan of Cikupa ...
        ("SUKAMULYA", "SUKAMULYA", "Sukamulya", "36.03.27.2002"),  # ... and a desa of Sukamulya
    ],
)
def test_desa_spelling_variants_and_aliases_resolve_within_their_kecamatan(desa, kecamatan, official, kode):
    result = check(kk(desa=desa, kecamatan=kecamatan))
    assert result.ok, codes(result)
    assert (result.fields["desa"], result.fields["kode_desa"]) == (official, kode)


@pytest.mark.parametrize(("kecamatan", "kode"), [("CISOKA", "36.03.05.2002"), ("LEGOK", "36.03.20.2002")])
def test_a_desa_name_shared_by_two_kecamatan_resolves_through_the_kecamatan(kecamatan, kode):
    result = check(kk(desa="CARINGIN", kecamatan=kecamatan))
    assert result.ok, codes(result)
    assert result.fields["kode_desa"] == kode
    assert result.fields["kode_kecamatan"] == kode[:8]


@pytest.mark.parametrize(
    "jenis", ["pemula", "Hilang", " RUSAK ", "PEMULAH", "HILAN", "Hilang KTP", "rusak berat"]
)
def test_the_ktp_kind_forgives_case_and_a_small_slip(jenis):
    result = check(ktp(jenis=jenis))
    assert result.ok, codes(result)
    assert result.fields["jenis"] in ("PEMULA", "HILANG", "RUSAK")


def test_curly_apostrophes_in_names_are_plain_apostrophes():
    assert fields_of(kia(nama="Nur\u2019aini"))["nama"] == "NUR'AINI"


@pytest.mark.parametrize(
    "text",
    [
        "#KIA\nNIK: 3603035512180003\nNO KK: 3603031203150007\nNAMA: SITI AMINAH\nDESA: PASIR BOLANG\nKECAMATAN: TIGARAKSA",
        "#KIA#NIK : 3603035512180003#No. KK: 3603031203150007#Nama= SITI AMINAH#Desa/Kelurahan: PASIR BOLANG#Kec: TIGARAKSA",
        "KIA 3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA",
        "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA. Terima kasih min",
        "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG RT 02/03#TIGARAKSA KAB. TANGERANG",
        "#KIA anak#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA",
        "#KIA 3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA",
        "#KIA: 3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA",
    ],
)
def test_labels_closing_words_and_address_tails_are_forgiven(text):
    assert fields_of(text) == fields_of(CANONICAL)


def test_an_address_typed_over_several_lines_is_one_field():
    text = "SKPWNI\n3603031203900007\n3603031203150007\nAHMAD FAUZI\nJL. MAWAR NO 3\nRT 01/02 BEKASI TIMUR"
    assert fields_of(text)["alamat_pindah"] == "JL. MAWAR NO 3 RT 01/02 BEKASI TIMUR"


def test_a_hash_inside_the_last_free_text_field_is_part_of_it():
    text = "#SKPWNI#3603031203900007#3603031203150007#AHMAD FAUZI#JL. MAWAR #3 RT 01/02, BEKASI"
    assert fields_of(text)["alamat_pindah"] == "JL. MAWAR 3 RT 01/02, BEKASI"


def _alias_rows():
    import csv

    from loket.domain.regions import PACKAGED_ALIAS_FILE

    with open(PACKAGED_ALIAS_FILE, encoding="utf-8") as fh:
        return [(row["kode"], row["alias"]) for row in csv.DictReader(fh)]


@pytest.mark.parametrize(("kode", "alias"), _alias_rows())
def test_every_alias_in_the_alias_file_resolves_to_its_official_place(kode, alias):
    from loket.domain.regions import office_regions

    place = office_regions().by_code[kode]
    if place.level == "kecamatan":
        result = check(kk(desa="X", kecamatan=alias))
        assert result.fields["kode_kecamatan"] == kode
    else:
        result = check(kk(desa=alias.upper(), kecamatan=place.nama_kecamatan))
        assert result.ok, codes(result)
        assert result.fields["kode_desa"] == kode
