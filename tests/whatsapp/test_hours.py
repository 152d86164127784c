"""When an officer will look: the office's default working hours (WIB)."""

import datetime as dt

from loket.channels.whatsapp.hours import WIB, next_officer_time, officer_time_text


def wib(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def test_inside_working_hours_an_officer_looks_today():
    assert next_officer_time(wib(30, 10)) == wib(30, 10)  # Monday morning
    assert next_officer_time(wib(27, 16, 15)) == wib(27, 16, 15)  # Friday until 16:30
    assert officer_time_text(wib(30, 10)) == "hari ini, pada jam kerja"


def test_before_opening_it_is_this_morning_and_after_closing_the_next_working_day():
    assert next_officer_time(wib(30, 6)) == wib(30, 7, 30)
    assert officer_time_text(wib(30, 6)) == "hari ini mulai pukul 07.30 WIB"
    assert next_officer_time(wib(26, 16, 5)) == wib(27, 7, 30)  # Thursday closes at 16:00
    assert next_officer_time(wib(27, 16, 45)) == wib(30, 7, 30)  # Friday evening -> Monday
    assert officer_time_text(wib(28, 12)) == "Senin, 30 November 2026 mulai pukul 07.30 WIB"


def test_any_time_zone_is_read_as_wib():
    utc = dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC)  # Monday 06:00 WIB
    assert next_officer_time(utc) == wib(30, 7, 30)
