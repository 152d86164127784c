"""Ages on the request date: KIA eligibility, photo and validity; the NIK's century."""

from datetime import date

import pytest

from loket.domain.nik import age_on, anniversary

from .builders import TODAY, check, codes, kia, ktp, nik, warning_codes


def kia_on(born: date, today: date = TODAY, female: bool = True):
    return check(kia(nik=nik(born, female=female)), today)


def test_a_child_whose_17th_birthday_is_today_is_not_eligible_for_a_kia():
    result = kia_on(date(2009, 11, 30))
    assert codes(result) == [("kia_age_17", "nik")]
    assert result.derived["umur"] == 17
    assert "perlu_foto" not in result.derived


def test_a_child_whose_17th_birthday_is_tomorrow_still_gets_a_kia_valid_until_today():
    result = kia_on(date(2009, 12, 1))
    assert result.ok, codes(result)
    assert result.derived["umur"] == 16
    assert result.derived["perlu_foto"] is True
    assert result.derived["kia_berlaku_sampai"] == "2026-11-30"


def test_a_fifth_birthday_today_means_a_photo_and_a_card_until_the_day_before_17():
    result = kia_on(date(2021, 11, 30))
    assert result.derived["umur"] == 5
    assert result.derived["perlu_foto"] is True
    assert result.derived["kia_berlaku_sampai"] == "2038-11-29"


def test_the_day_before_the_fifth_birthday_means_no_photo_and_a_card_until_the_fifth_birthday():
    result = kia_on(date(2021, 12, 1))
    assert result.derived["umur"] == 4
    assert result.derived["perlu_foto"] is False
    assert result.derived["kia_berlaku_sampai"] == "2026-12-01"


def test_a_baby_born_today_gets_a_kia():
    result = kia_on(TODAY, female=False)
    assert result.ok, codes(result)
    assert result.derived == {
        "tanggal_lahir": "2026-11-30",
        "jenis_kelamin": "L",
        "umur": 0,
        "perlu_foto": False,
        "kia_berlaku_sampai": "2031-11-30",
    }


def test_women_have_forty_added_to_the_day():
    assert kia_on(date(2018, 12, 15), female=True).derived["jenis_kelamin"] == "P"
    assert kia_on(date(2018, 12, 15), female=False).derived["jenis_kelamin"] == "L"
    assert kia(nik=nik(date(2018, 12, 15), female=True))[5:21] == "3603035512180001"


# --- 29 February ---------------------------------------------------------------------------

LEAP_CHILD = date(2008, 2, 29)


def test_someone_born_on_29_february_is_not_older_on_28_february_of_a_common_year():
    assert age_on(LEAP_CHILD, date(2025, 2, 28)) == 16
    assert age_on(LEAP_CHILD, date(2025, 3, 1)) == 17
    assert age_on(LEAP_CHILD, date(2024, 2, 29)) == 16
    assert anniversary(LEAP_CHILD, 17) == date(2025, 3, 1)


def test_a_29_february_child_keeps_the_kia_until_28_february_of_the_common_year_it_turns_17():
    result = kia_on(LEAP_CHILD, today=date(2025, 2, 28))
    assert result.ok, codes(result)
    assert result.derived["kia_berlaku_sampai"] == "2025-02-28"
    assert codes(kia_on(LEAP_CHILD, today=date(2025, 3, 1))) == [("kia_age_17", "nik")]


def test_a_29_february_child_needs_a_photo_from_1_march_of_the_common_year_it_turns_5():
    born = date(2020, 2, 29)
    before = kia_on(born, today=date(2025, 2, 28))
    assert before.derived["perlu_foto"] is False
    assert before.derived["kia_berlaku_sampai"] == "2025-03-01"
    assert kia_on(born, today=date(2025, 3, 1)).derived["perlu_foto"] is True


def test_29_february_needs_a_leap_year():
    # 29-02-01 is no date in 1901 nor in 2001
    assert codes(check(ktp(nik="3603032902010001"))) == [("nik_birth_date_invalid", "nik")]
    # 29-02-00 is 29 February 2000 (1900 was not a leap year)
    assert check(ktp(nik="3603032902000001")).derived["tanggal_lahir"] == "2000-02-29"


# --- the century of the two-digit year -------------------------------------------------------


@pytest.mark.parametrize(
    ("nik_number", "born"),
    [
        ("3603031203900007", "1990-03-12"),
        ("3603030101300001", "1930-01-01"),  # 2030 is still to come
        ("3603033011260001", "2026-11-30"),  # born today: in the past already
        ("3603030112260001", "1926-12-01"),  # tomorrow in 2026: so 1926
        ("3603030101000001", "2000-01-01"),
    ],
)
def test_outside_kia_the_most_recent_century_that_puts_the_birth_in_the_past(nik_number, born):
    result = check(ktp(nik=nik_number))
    assert result.derived["tanggal_lahir"] == born


def test_a_kia_child_is_always_born_in_the_2000s():
    result = check(kia(nik="3603031203990007"))
    assert codes(result) == [("nik_birth_date_future", "nik")]
    assert check(kia(nik="3603031203100007")).derived["tanggal_lahir"] == "2010-03-12"


def test_first_ktp_age_warning_boundary():
    turning_17_today = nik(date(2009, 11, 30))
    assert check(ktp(nik=turning_17_today, jenis="PEMULA")).warnings == []
    turning_17_tomorrow = nik(date(2009, 12, 1))
    assert warning_codes(check(ktp(nik=turning_17_tomorrow, jenis="PEMULA"))) == [
        ("ktp_pemula_under_17", "nik")
    ]


def test_the_request_date_defaults_to_today_in_jakarta():
    result = check(kia())
    from loket.domain.intake import parse
    from loket.domain.nik import today_in_jakarta

    assert parse(kia()).derived["umur"] == age_on(date(2018, 12, 15), today_in_jakarta())
    assert result.derived["umur"] == 7
