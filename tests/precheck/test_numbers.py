"""The pure comparison rules (loket.domain.precheck): tolerant reading, never inventing."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from loket.domain.precheck import (
    PhotoQuality,
    Reading,
    check_number,
    classify,
    kind_matches,
    numbers_in,
)

NUMBER = "3201234507890123"


def reading(
    numbers: tuple[str, ...] = (), *, kind="kk", engine: str | None = "rapidocr", readable=True, photo=None
):
    return Reading(
        kind=kind, numbers=numbers, names=(), engine=engine, photo=photo, seconds=0.1, readable=readable
    )


def test_plain_and_printed_groupings():
    assert numbers_in(f"NIK : {NUMBER}") == (NUMBER,)
    assert numbers_in("No. 3201 2345 0789 0123") == (NUMBER,)
    assert numbers_in("3201.2345.0789.0123") == (NUMBER,)
    assert numbers_in("3201-2345-0789-0123") == (NUMBER,)


def test_ocr_confusions_are_read_as_digits():
    assert numbers_in("32O123450789Ol23") == (NUMBER,)  # O→0, l→1
    assert numbers_in("32O1234SO789Ol23") == ()  # five letters in sixteen: not trusted
    assert numbers_in("NIK:32012345O7B9O123") == (NUMBER,)  # three confusions at most
    assert numbers_in("32I2345678901234") == ("3212345678901234",)  # I→1
    assert numbers_in("3201234567890B23") == ("3201234567890823",)  # B→8


def test_never_invents_a_digit():
    assert numbers_in("320123450789012") == ()  # 15 digits: nothing dropped-in
    assert numbers_in("32012345078901234") == ()  # 17 digits: nothing cut off
    assert numbers_in("3201 2345 0789 0123 4") == ()  # a longer spaced number is not cut short
    assert numbers_in("SOBI SOBI SOBI SOBI") == ()  # words of confusable letters
    assert numbers_in("32OO OOOO OOOO OOOO") == ()  # mostly letters: not a number
    assert numbers_in("KARTU KELUARGA") == ()
    assert numbers_in("") == ()


def test_two_numbers_on_one_line_and_a_row_number():
    other = "3201234507890124"
    assert numbers_in(f"1 {NUMBER} {other} LAKI-LAKI") == (NUMBER, other)
    assert numbers_in(f"{NUMBER}\n{NUMBER}") == (NUMBER,)  # no repeats


@given(st.text(alphabet="0123456789 .-ABCDEFGHJKLMNPQRTUVWXY:\n", max_size=80))
def test_every_number_read_is_sixteen_digits_printed_in_order(text):
    """Whatever the text, a number read is 16 digits whose glyphs appear in the text, in order
    and without anything else between them but separators."""
    for number in numbers_in(text):
        assert re.fullmatch(r"\d{16}", number)
        glyphs = re.sub(r"[ .\-]", "", text)
        assert number in glyphs.translate(str.maketrans("OoDQIl|iSsBZzGbg", "0000111155822669"))


@given(st.text(alphabet="0123456789", min_size=16, max_size=16), st.sets(st.integers(0, 15), max_size=3))
def test_up_to_three_confusions_still_read(number, positions):
    confusable = {"0": "O", "1": "l", "5": "S", "8": "B"}
    garbled = "".join(confusable.get(d, d) if i in positions else d for i, d in enumerate(number))
    assert numbers_in(f"NIK : {garbled}") == (number,)


def test_check_number_rules():
    assert check_number(reading((NUMBER,)), NUMBER) == "match"
    assert check_number(reading(("3201234507890124",)), NUMBER) == "mismatch"
    assert check_number(reading(()), NUMBER) == "unreadable"
    assert check_number(reading((NUMBER,), readable=False), "3201234507890124") == "unreadable"
    assert check_number(reading((NUMBER,)), None) == "not_checked"
    assert check_number(reading((NUMBER,), engine=None), NUMBER) == "not_checked"


def test_no_match_without_the_exact_sixteen_digits():
    assert check_number(reading(("3201234507890124",)), NUMBER) != "match"
    assert check_number(reading((NUMBER[:15] + "9",)), NUMBER) != "match"


def test_classify_from_the_printed_words():
    assert classify("KARTU KELUARGA\nNo. 3201...\nNama Kepala Keluarga") == "kk"
    assert classify("KARTUKELUARGA No.") == "kk"  # spaces lost by the OCR
    assert classify("PROVINSI JAWA BARAT\nNIK\nGol. Darah\nBerlaku Hingga\nKewarganegaraan") == "ktp"
    assert classify("KUTIPAN AKTA KELAHIRAN\nPENCATATAN SIPIL") == "akta"
    assert classify("", face=True) == "photo"
    assert classify("", face=False) == "unknown"
    assert classify("KARTU KELUARGA", face=True) == "kk"  # text decides first
    assert classify("hello world") == "unknown"


def test_kind_matches():
    photo = PhotoQuality(face=True, colour=True, sharpness=300.0, blurred=False)
    assert kind_matches("kk", reading(kind="kk")) == "match"
    assert kind_matches("kk", reading(kind="akta")) == "mismatch"
    assert kind_matches("kk", reading(kind="unknown")) == "unreadable"
    assert kind_matches("kk", reading(kind="unknown", engine=None)) == "not_checked"
    assert kind_matches("photo", reading(kind="photo", photo=photo)) == "match"
    assert kind_matches("photo", reading(kind="kk", photo=photo)) == "mismatch"
    assert kind_matches("photo", reading(kind="photo", photo=None)) == "not_checked"
