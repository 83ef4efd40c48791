"""Deadline arithmetic on the official schedules (pure: no database).

Civil Code Art. 201: the starting day is not counted. Art. 203: a period whose last day is a
rest day ends on the first working day after the rest days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from xiufu.calendar.schedule import (
    DayKind,
    DaySource,
    HolidaySchedule,
    PeriodUnit,
    days_left,
    deadline,
    working_days_left,
)

D = dt.date
CAL = PeriodUnit.CALENDAR_DAYS
WORK = PeriodUnit.WORKING_DAYS


@pytest.fixture
def schedule():
    return HolidaySchedule()


# --- 2025 National Day: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked ----------------------


def test_2025_national_day_holidays_and_makeup_days(schedule):
    for day in range(1, 9):
        info = schedule.day(D(2025, 10, day))
        assert not info.is_working_day
        assert info.kind == DayKind.HOLIDAY
        assert info.source == DaySource.LIBRARY
        assert info.confirmed
    assert schedule.day(D(2025, 10, 1)).name == "国庆节"
    assert schedule.day(D(2025, 10, 6)).name == "中秋节"  # 2025: Mid-Autumn inside the week
    for makeup in (D(2025, 9, 28), D(2025, 10, 11)):
        info = schedule.day(makeup)
        assert makeup.weekday() >= 5
        assert info.is_working_day
        assert info.kind == DayKind.MAKEUP_WORKDAY
        assert info.name == "国庆节调休上班"
    assert schedule.day(D(2025, 10, 9)).kind == DayKind.WORKDAY
    assert schedule.day(D(2025, 10, 12)).kind == DayKind.WEEKEND


def test_20_days_ending_inside_national_day_move_to_the_first_working_day(schedule):
    # given a dispute received on 2025-09-12: day 20 is 2025-10-02, inside the holiday
    # when the 20-day deadline is computed
    result = deadline(D(2025, 9, 12), 20, CAL, schedule)
    # then Art. 203 moves it to the day after the rest days end
    assert result.moved_from == D(2025, 10, 2)
    assert result.due == D(2025, 10, 9)
    assert result.confirmed
    assert result.unconfirmed_years == ()
    assert result.explanation == (
        "自2025年9月12日起算（次日开始计算），20日届满日2025年10月2日为法定休假日（国庆节），"
        "依《民法典》第二百零三条顺延至休假日结束的次日2025年10月9日。"
    )


def test_20_days_on_a_working_day_do_not_move(schedule):
    result = deadline(D(2025, 9, 30), 20, CAL, schedule)
    assert result.due == D(2025, 10, 20)
    assert result.moved_from is None
    assert result.explanation == "自2025年9月30日起算（次日开始计算），20日届满为2025年10月20日。"


def test_start_day_is_not_counted(schedule):
    # Art. 201: received on Monday 2025-09-29, one day later is Tuesday
    assert deadline(D(2025, 9, 29), 1, CAL, schedule).due == D(2025, 9, 30)
    assert deadline(D(2025, 9, 29), 1, WORK, schedule).due == D(2025, 9, 30)
    assert schedule.add_working_days(D(2025, 9, 29), 0) == D(2025, 9, 29)


def test_working_days_skip_the_holiday_and_count_the_makeup_days(schedule):
    start = D(2025, 9, 26)  # Friday
    # 09-28 (Sun, worked), 09-29, 09-30, then 10-09, 10-10, 10-11 (Sat, worked), 10-13
    expected = [
        D(2025, 9, 28),
        D(2025, 9, 29),
        D(2025, 9, 30),
        D(2025, 10, 9),
        D(2025, 10, 10),
        D(2025, 10, 11),
        D(2025, 10, 13),
    ]
    got = [deadline(start, n, WORK, schedule).due for n in range(1, 8)]
    assert got == expected
    result = deadline(start, 6, WORK, schedule)
    assert result.moved_from is None
    assert (
        result.explanation == "自2025年9月26日起算（次日开始计算），第6个工作日为2025年10月11日。"
    )
    assert schedule.working_days_between(start, D(2025, 10, 13)) == 7


# --- Spring Festival 2026 (chinese-calendar 1.11: 02-15..02-23 off; Sat 02-14, 02-28 worked) ----


def test_2026_spring_festival_schedule(schedule):
    off = [D(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)]
    assert off[-1] == D(2026, 2, 23)
    for day in off:
        assert schedule.day(day).kind == DayKind.HOLIDAY
        assert schedule.day(day).name == "春节"
    for makeup in (D(2026, 2, 14), D(2026, 2, 28)):
        assert makeup.weekday() == 5
        assert schedule.day(makeup).kind == DayKind.MAKEUP_WORKDAY
        assert schedule.day(makeup).name == "春节调休上班"
    assert schedule.day(D(2026, 2, 13)).kind == DayKind.WORKDAY
    assert schedule.day(D(2026, 2, 24)).kind == DayKind.WORKDAY


def test_deadline_landing_in_the_2026_spring_festival(schedule):
    result = deadline(D(2026, 1, 27), 20, CAL, schedule)
    assert result.moved_from == D(2026, 2, 16)
    assert result.due == D(2026, 2, 24)
    assert "春节" in result.explanation
    # ten working days from Friday 02-06: 02-09..02-13, Sat 02-14, then 02-24..02-27
    assert deadline(D(2026, 2, 6), 10, WORK, schedule).due == D(2026, 2, 27)


# --- ordinary weekends and make-up Saturdays -------------------------------------------------


def test_nominal_saturday_moves_to_monday(schedule):
    result = deadline(D(2025, 5, 25), 20, CAL, schedule)
    assert result.moved_from == D(2025, 6, 14)  # Saturday
    assert result.due == D(2025, 6, 16)  # Monday
    assert "公休日" in result.explanation


@pytest.mark.parametrize(
    ("start", "due"),
    [(D(2025, 9, 21), D(2025, 10, 11)), (D(2026, 1, 25), D(2026, 2, 14))],
)
def test_nominal_makeup_saturday_stays(schedule, start, due):
    result = deadline(start, 20, CAL, schedule)
    assert result.due == due
    assert result.moved_from is None


def test_zero_calendar_days_on_a_rest_day_still_moves(schedule):
    assert deadline(D(2025, 10, 1), 0, CAL, schedule).due == D(2025, 10, 9)
    assert deadline(D(2025, 10, 9), 0, CAL, schedule).due == D(2025, 10, 9)


def test_invalid_periods_are_refused(schedule):
    with pytest.raises(ValueError, match="negative"):
        deadline(D(2025, 1, 1), -1, CAL, schedule)
    with pytest.raises(ValueError, match="at least 1"):
        deadline(D(2025, 1, 1), 0, WORK, schedule)
    with pytest.raises(ValueError, match="unknown unit"):
        deadline(D(2025, 1, 1), 5, "months", schedule)


# --- years the library does not know ---------------------------------------------------------


def test_2027_falls_back_to_weekends_and_statutory_holidays(schedule):
    assert not schedule.is_confirmed_year(2027)
    new_year = schedule.day(D(2027, 1, 1))
    assert (new_year.kind, new_year.source, new_year.confirmed) == (
        DayKind.HOLIDAY,
        DaySource.FALLBACK,
        False,
    )
    assert new_year.name == "元旦"
    assert schedule.day(D(2027, 10, 1)).kind == DayKind.HOLIDAY
    # no make-up days are invented, and no rest days beyond the statutory ones
    assert schedule.day(D(2027, 10, 4)).kind == DayKind.WORKDAY
    assert schedule.day(D(2027, 3, 20)).kind == DayKind.WEEKEND
    assert schedule.day(D(2027, 3, 22)).kind == DayKind.WORKDAY


def test_deadline_in_2027_is_unconfirmed(schedule):
    result = deadline(D(2027, 3, 1), 20, CAL, schedule)
    assert result.due == D(2027, 3, 22)  # 03-21 is a Sunday
    assert not result.confirmed
    assert result.unconfirmed_years == (2027,)
    assert "2027年的节假日安排尚未确认" in result.explanation


def test_deadline_crossing_into_2027_is_unconfirmed(schedule):
    result = deadline(D(2026, 12, 20), 20, CAL, schedule)
    assert result.unconfirmed_years == (2027,)
    # ... but one that ends in 2026 is confirmed even if it is computed in December
    assert deadline(D(2026, 12, 1), 20, CAL, schedule).confirmed


def test_confirmed_year_with_overrides_uses_them():
    # given the (hypothetical) 2027 National Day notice entered as overrides
    overrides = {D(2027, 10, d): (False, "国庆节") for d in range(4, 8)}
    overrides[D(2027, 9, 26)] = (True, "国庆节调休上班")
    overrides[D(2027, 10, 9)] = (True, "国庆节调休上班")
    schedule = HolidaySchedule(overrides=overrides, confirmed_years={2027})
    # when a 20-day period ends on 2027-10-04
    result = deadline(D(2027, 9, 14), 20, CAL, schedule)
    # then it moves past the declared rest days and is confirmed
    assert result.due == D(2027, 10, 8)
    assert result.moved_from == D(2027, 10, 4)
    assert result.confirmed
    assert schedule.day(D(2027, 9, 26)).kind == DayKind.MAKEUP_WORKDAY
    assert schedule.day(D(2027, 9, 26)).source == DaySource.OVERRIDE
    # days the admin did not override answer from the fallback, now confirmed
    assert schedule.day(D(2027, 10, 1)).source == DaySource.FALLBACK
    assert schedule.day(D(2027, 10, 1)).confirmed
    # and a working-day count uses the make-up Sunday: 09-24 (Fri) → 09-26 (Sun) is day 1
    assert deadline(D(2027, 9, 24), 1, WORK, schedule).due == D(2027, 9, 26)


# --- overrides win ---------------------------------------------------------------------------


def test_override_declares_an_extra_rest_day():
    schedule = HolidaySchedule(overrides={D(2025, 6, 10): (False, "地方性活动放假")})
    info = schedule.day(D(2025, 6, 10))
    assert (info.is_working_day, info.kind, info.name, info.source) == (
        False,
        DayKind.HOLIDAY,
        "地方性活动放假",
        DaySource.OVERRIDE,
    )
    result = deadline(D(2025, 5, 21), 20, CAL, schedule)
    assert (result.moved_from, result.due) == (D(2025, 6, 10), D(2025, 6, 11))
    assert "地方性活动放假" in result.explanation


def test_override_turns_a_library_holiday_into_a_working_day():
    schedule = HolidaySchedule(overrides={D(2025, 10, 8): (True, "本地补班")})
    assert schedule.is_working_day(D(2025, 10, 8))
    assert schedule.day(D(2025, 10, 8)).kind == DayKind.WORKDAY
    assert deadline(D(2025, 9, 18), 20, CAL, schedule).due == D(2025, 10, 8)


# --- counting down ---------------------------------------------------------------------------


def test_days_left_and_working_days_left(schedule):
    result = deadline(D(2025, 9, 12), 20, CAL, schedule)  # due 2025-10-09
    assert days_left(result, D(2025, 9, 30)) == 9
    assert working_days_left(result, D(2025, 9, 30), schedule) == 1
    assert days_left(result, D(2025, 10, 9)) == 0
    assert working_days_left(result, D(2025, 10, 9), schedule) == 0
    assert days_left(result, D(2025, 10, 13)) == -4
    assert working_days_left(result, D(2025, 10, 13), schedule) == -3  # 10-10, 10-11, 10-13


def test_next_working_day_is_strictly_after(schedule):
    assert schedule.next_working_day(D(2025, 9, 29)) == D(2025, 9, 30)
    assert schedule.next_working_day(D(2025, 9, 30)) == D(2025, 10, 9)


def test_a_corrupt_override_table_does_not_hang():
    endless = {D(2030, 1, 1) + dt.timedelta(days=i): (False, "错误") for i in range(400)}
    schedule = HolidaySchedule(overrides=endless)
    with pytest.raises(ValueError, match="no working day"):
        schedule.next_working_day(D(2030, 1, 1))
