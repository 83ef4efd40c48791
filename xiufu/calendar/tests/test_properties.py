"""Properties of the deadline arithmetic over the years the library knows (2004–2026)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from xiufu.calendar.schedule import HolidaySchedule, PeriodUnit, deadline

SCHEDULE = HolidaySchedule()
starts = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31))
lengths = st.integers(min_value=0, max_value=60)
working_lengths = st.integers(min_value=1, max_value=60)
fast = settings(max_examples=300, deadline=None)


@fast
@given(starts, lengths)
def test_calendar_due_is_the_first_working_day_on_or_after_the_nominal_day(start, length):
    result = deadline(start, length, PeriodUnit.CALENDAR_DAYS, SCHEDULE)
    nominal = start + dt.timedelta(days=length)
    assert result.due >= nominal
    assert SCHEDULE.is_working_day(result.due)
    # Art. 203 only skips rest days: every day from the nominal day to the due day is one
    day = nominal
    while day < result.due:
        assert not SCHEDULE.is_working_day(day)
        day += dt.timedelta(days=1)
    assert (result.moved_from is None) == (result.due == nominal)


@fast
@given(starts, working_lengths)
def test_working_due_has_exactly_length_working_days_after_start(start, length):
    result = deadline(start, length, PeriodUnit.WORKING_DAYS, SCHEDULE)
    assert SCHEDULE.is_working_day(result.due)
    count = sum(
        SCHEDULE.is_working_day(start + dt.timedelta(days=i))
        for i in range(1, (result.due - start).days + 1)
    )
    assert count == length
    assert SCHEDULE.working_days_between(start, result.due) == length


@fast
@given(starts, st.integers(min_value=1, max_value=30), lengths, st.sampled_from(PeriodUnit))
def test_a_later_start_never_gives_an_earlier_due_date(start, delay, length, unit):
    length = max(length, 1) if unit == PeriodUnit.WORKING_DAYS else length
    earlier = deadline(start, length, unit, SCHEDULE)
    later = deadline(start + dt.timedelta(days=delay), length, unit, SCHEDULE)
    assert later.due >= earlier.due


@fast
@given(starts, lengths)
def test_confirmed_exactly_when_the_library_knows_every_year_touched(start, length):
    result = deadline(start, length, PeriodUnit.CALENDAR_DAYS, SCHEDULE)
    assert result.confirmed == (result.due.year <= 2026)
    assert result.unconfirmed_years == ((2027,) if result.due.year == 2027 else ())
