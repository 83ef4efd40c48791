"""The cached schedule, the year view and the deadline selector's validation."""

from __future__ import annotations

import datetime as dt

import pytest

from xiufu.calendar import selectors
from xiufu.calendar.actions import do_set_calendar_override
from xiufu.calendar.models import CalendarOverride, ConfirmedYear
from xiufu.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

D = dt.date


def test_schedule_is_cached_until_the_calendar_changes(compliance):
    first = selectors.current_schedule()
    assert selectors.current_schedule() is first
    do_set_calendar_override(
        date=D(2026, 6, 1), is_working_day=False, name="测试", actor=compliance
    )
    second = selectors.current_schedule()
    assert second is not first
    assert not second.is_working_day(D(2026, 6, 1))


def test_writes_from_another_process_are_seen(compliance):
    # given a cached schedule
    selectors.current_schedule()
    # when another process writes the tables directly (no in-process version bump)
    CalendarOverride.objects.create(
        date=D(2026, 6, 2), is_working_day=False, name="他处录入", created_by=compliance
    )
    ConfirmedYear.objects.create(year=2028, source="测试", confirmed_by=compliance)
    # then the next call sees them
    schedule = selectors.current_schedule()
    assert not schedule.is_working_day(D(2026, 6, 2))
    assert schedule.is_confirmed_year(2028)


def test_year_view_of_a_library_year():
    days = selectors.calendar_year(2024)
    assert len(days) == 366
    assert days[0].date == D(2024, 1, 1)
    assert days[0].name == "元旦"
    assert all(day.confirmed and day.source == "library" for day in days)
    assert selectors.year_status(2024) == ("library", "")
    assert selectors.year_status(2030) == ("fallback", "")


@pytest.mark.parametrize("year", [1999, 2101])
def test_year_view_out_of_range(year):
    with pytest.raises(InvalidInput) as exc:
        selectors.calendar_year(year)
    assert exc.value.code == "year_out_of_range"


@pytest.mark.parametrize(
    ("length", "unit", "field"),
    [
        (-1, "calendar_days", "length"),
        (0, "working_days", "length"),
        (3661, "calendar_days", "length"),
        (5, "months", "unit"),
    ],
)
def test_deadline_selector_refuses_bad_periods(length, unit, field):
    with pytest.raises(InvalidInput) as exc:
        selectors.deadline_for(D(2025, 1, 6), length, unit)
    assert exc.value.code == "invalid_period"
    assert exc.value.details["field"] == field
