"""NIK and KK number rules, directly on the domain functions."""

from datetime import date

from loket.domain.nik import kk_errors, nik_facts, strip_number

TODAY = date(2026, 11, 30)


def test_separators_people_type_inside_numbers_are_dropped():
    assert strip_number("3603.1204-0519 0001") == "3603120405190001"
    assert strip_number("3603\u00a01204\u20130519_0001") == "3603120405190001"


def test_a_nik_tells_birth_date_and_sex():
    facts = nik_facts("3603035512180003", TODAY)
    assert (facts.tanggal_lahir, facts.jenis_kelamin, facts.errors) == (date(2018, 12, 15), "P", ())


def test_a_nik_day_between_32_and_40_or_above_71_is_no_date():
    for day in ("00", "32", "40", "72", "99"):
        assert "date_invalid" in nik_facts(f"360303{day}0518" + "0001", TODAY).errors


def test_a_nik_month_13_is_no_date():
    assert nik_facts("3603031213180001", TODAY).errors == ("date_invalid",)


def test_a_bad_date_and_a_zero_serial_are_both_reported():
    assert nik_facts("3603033213180000", TODAY).errors == ("date_invalid", "serial_zero")


def test_a_kk_date_has_no_forty_added():
    assert kk_errors("3603035512180003", TODAY) == ("date_invalid",)
    assert kk_errors("3603031512180003", TODAY) == ()


def test_a_kk_date_later_this_year_is_in_the_future_and_a_late_two_digit_year_is_the_1900s():
    assert kk_errors("3603030112260001", TODAY) == ("date_future",)
    assert kk_errors("3603033011260001", TODAY) == ()  # registered today
    assert kk_errors("3603031203990001", TODAY) == ()  # 1999
    assert kk_errors("3603031203150000", TODAY) == ("serial_zero",)
