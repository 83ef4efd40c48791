"""Working days and statutory deadline arithmetic (pure Python, no Django).

The law that dictates this module is the Civil Code's chapter on counting periods
(《中华人民共和国民法典》第十章 期间计算):

- Art. 201: a period counted in days does not count the starting day; counting starts the next day.
- Art. 203: if the last day of a period is a statutory rest day (法定休假日), the period ends on the
  day after the rest days end; the last day ends at 24:00.
- Art. 204: these rules apply unless a law provides otherwise or the parties agree otherwise.

"法定休假日" covers weekends and the official holidays; a weekend day the State Council declares
a make-up working day (调休上班) is a working day, not a rest day.

Where the answers come from, in order of precedence:

1. ``overrides``: dates an administrator entered (the State Council notice for a year the library
   does not know yet, a local extra rest day). They always win.
2. ``chinese-calendar``: the official schedules it ships (2004–2026 in version 1.11), with make-up
   working days.
3. The fallback for any other year: weekends and the ``holidays`` library's statutory holidays
   are rest days and there are no make-up working days. That is a guess, not a schedule:
   such days are ``confirmed=False`` unless an administrator confirmed the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import chinese_calendar
import holidays

ONE_DAY = dt.timedelta(days=1)
# No real schedule has more than a few weeks of rest days in a row; a longer run means the
# override table is corrupt, and looping on would hang the request.
_MAX_REST_RUN = 366


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"


class DaySource(StrEnum):
    LIBRARY = "library"
    OVERRIDE = "override"
    FALLBACK = "fallback"


class PeriodUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


# chinese-calendar names its holidays in English.
_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
WEEKEND_NAME = "公休日"
MAKEUP_SUFFIX = "调休上班"


@dataclass(frozen=True)
class DayInfo:
    """What one date is: a working day or a rest day, why, and how sure we are."""

    date: dt.date
    is_working_day: bool
    kind: str  # a DayKind value
    name: str
    source: str  # a DaySource value
    confirmed: bool


@dataclass(frozen=True)
class Deadline:
    """A statutory period computed under Civil Code Arts. 201 and 203.

    ``due`` is the last day of the period (it ends at 24:00 Asia/Shanghai). ``moved_from`` is the
    nominal last day when Art. 203 pushed the end past rest days. ``confirmed`` is False when
    any day from the day after ``start`` through ``due`` lies in a year whose official schedule
    is not known; ``unconfirmed_years`` lists those years.
    """

    start: dt.date
    due: dt.date
    length: int
    unit: str  # a PeriodUnit value
    confirmed: bool
    unconfirmed_years: tuple[int, ...]
    moved_from: dt.date | None
    explanation: str


@cache
def library_knows(year: int) -> bool:
    """Whether chinese-calendar ships the official schedule of ``year``."""
    try:
        chinese_calendar.get_holiday_detail(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _fallback_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of ``year`` by the ``holidays`` library, without weekend
    substitutes (补假) and without swapped rest days (调休): the library cannot know a year's
    make-up working days, and half of a swap is worse than none."""
    computed = holidays.China(years=year, observed=False, language="zh_CN")
    return {day: name for day, name in computed.items() if "调休" not in name}


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def _library_day(day: dt.date) -> tuple[bool, DayKind, str]:
    on_holiday, english = chinese_calendar.get_holiday_detail(day)
    name = _HOLIDAY_NAMES_ZH.get(english, english) if english else ""
    if on_holiday:
        if name:
            return False, DayKind.HOLIDAY, name
        if _is_weekend(day):
            return False, DayKind.WEEKEND, WEEKEND_NAME
        return False, DayKind.HOLIDAY, "休息日"
    if _is_weekend(day):
        return True, DayKind.MAKEUP_WORKDAY, f"{name}{MAKEUP_SUFFIX}"
    return True, DayKind.WORKDAY, ""


def _fallback_day(day: dt.date) -> tuple[bool, DayKind, str]:
    name = _fallback_holidays(day.year).get(day)
    if name:
        return False, DayKind.HOLIDAY, name
    if _is_weekend(day):
        return False, DayKind.WEEKEND, WEEKEND_NAME
    return True, DayKind.WORKDAY, ""


def _override_day(day: dt.date, working: bool, name: str) -> tuple[bool, DayKind, str]:
    if working:
        return True, DayKind.MAKEUP_WORKDAY if _is_weekend(day) else DayKind.WORKDAY, name
    if not name and _is_weekend(day):
        return False, DayKind.WEEKEND, WEEKEND_NAME
    return False, DayKind.HOLIDAY, name


class HolidaySchedule:
    """The working-day calendar: the library's official schedules, the administrators' overrides
    and the years they confirmed. Immutable once built; answers are memoised."""

    def __init__(
        self,
        overrides: Mapping[dt.date, tuple[bool, str]] | None = None,
        confirmed_years: Iterable[int] = (),
    ) -> None:
        self._overrides = dict(overrides or {})
        self._confirmed_years = frozenset(confirmed_years)
        self._days: dict[dt.date, DayInfo] = {}

    @property
    def overrides(self) -> Mapping[dt.date, tuple[bool, str]]:
        return dict(self._overrides)

    @property
    def confirmed_years(self) -> frozenset[int]:
        return self._confirmed_years

    def is_confirmed_year(self, year: int) -> bool:
        """A year's schedule is confirmed when the library ships it or an administrator entered
        and confirmed the State Council notice for it."""
        return year in self._confirmed_years or library_knows(year)

    def day(self, day: dt.date) -> DayInfo:
        cached = self._days.get(day)
        if cached is None:
            cached = self._days[day] = self._compute(day)
        return cached

    def _compute(self, day: dt.date) -> DayInfo:
        if day in self._overrides:
            working, name = self._overrides[day]
            answer, source = _override_day(day, working, name), DaySource.OVERRIDE
        elif library_knows(day.year):
            answer, source = _library_day(day), DaySource.LIBRARY
        else:
            answer, source = _fallback_day(day), DaySource.FALLBACK
        working, kind, name = answer
        confirmed = self.is_confirmed_year(day.year)
        return DayInfo(day, working, kind.value, name, source.value, confirmed)

    def is_working_day(self, day: dt.date) -> bool:
        return self.day(day).is_working_day

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        candidate = day + ONE_DAY
        for _ in range(_MAX_REST_RUN):
            if self.is_working_day(candidate):
                return candidate
            candidate += ONE_DAY
        raise ValueError(f"no working day within {_MAX_REST_RUN} days after {day}")

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start``; ``start`` itself is not counted
        (民法典 Art. 201). ``n == 0`` gives ``start``."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """The number of working days in (a, b]; negative (minus those in (b, a]) when b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a + ONE_DAY
        while day <= b:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count


def format_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def deadline(start: dt.date, length: int, unit: str, schedule: HolidaySchedule) -> Deadline:
    """The last day of a period of ``length`` days or working days starting on ``start``.

    民法典 Art. 201: the starting day is not counted. Calendar days: the nominal last day is
    ``start + length`` days; if it is a rest day, Art. 203 ends the period on the first working
    day after the rest days. Working days ("N 个工作日"): the ``length``-th working day after
    ``start`` on the official schedule, which is a working day by construction.
    """
    if length < 0:
        raise ValueError("length must not be negative")
    moved_from: dt.date | None = None
    if unit == PeriodUnit.CALENDAR_DAYS:
        nominal = start + dt.timedelta(days=length)
        due = nominal if schedule.is_working_day(nominal) else schedule.next_working_day(nominal)
        moved_from = nominal if due != nominal else None
    elif unit == PeriodUnit.WORKING_DAYS:
        if length < 1:
            raise ValueError("a period in working days must be at least 1 working day")
        due = schedule.add_working_days(start, length)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    first = start + ONE_DAY if length else start
    unconfirmed = tuple(
        year for year in range(first.year, due.year + 1) if not schedule.is_confirmed_year(year)
    )
    return Deadline(
        start=start,
        due=due,
        length=length,
        unit=PeriodUnit(unit).value,
        confirmed=not unconfirmed,
        unconfirmed_years=unconfirmed,
        moved_from=moved_from,
        explanation=_explain(start, length, unit, due, moved_from, unconfirmed, schedule),
    )


def _explain(
    start: dt.date,
    length: int,
    unit: str,
    due: dt.date,
    moved_from: dt.date | None,
    unconfirmed: tuple[int, ...],
    schedule: HolidaySchedule,
) -> str:
    text = f"自{format_date(start)}起算（次日开始计算），"
    if unit == PeriodUnit.WORKING_DAYS:
        text += f"第{length}个工作日为{format_date(due)}"
    elif moved_from is None:
        text += f"{length}日届满为{format_date(due)}"
    else:
        rest = schedule.day(moved_from).name or "休息日"
        text += (
            f"{length}日届满日{format_date(moved_from)}为法定休假日（{rest}），"
            f"依《民法典》第二百零三条顺延至休假日结束的次日{format_date(due)}"
        )
    text += "。"
    if unconfirmed:
        years = "、".join(f"{year}年" for year in unconfirmed)
        text += f"注意：{years}的节假日安排尚未确认，本期限按周末和法定节日推算，确认后可能变化。"
    return text


def days_left(deadline: Deadline, today: dt.date) -> int:
    """Calendar days from ``today`` to the due day: 0 on the due day (the period runs to 24:00),
    negative once the period has been breached."""
    return (deadline.due - today).days


def working_days_left(deadline: Deadline, today: dt.date, schedule: HolidaySchedule) -> int:
    """Working days in (today, due]; after the due day, minus the working days in (due, today].

    A breach is decided by ``days_left < 0``: the Saturday after a Friday due day is breached
    although no working day has passed since.
    """
    return schedule.working_days_between(today, deadline.due)
