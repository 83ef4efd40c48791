"""Reads of the working-day calendar: the current schedule (cached per process), a year for
display, deadlines, and the override and confirmed-year tables."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from xiufu.calendar.clock import local_today, to_local_date
from xiufu.calendar.errors import MAX_PERIOD_LENGTH, MAX_YEAR, MIN_YEAR, CalendarErrorCode
from xiufu.calendar.models import CalendarOverride, ConfirmedYear
from xiufu.calendar.schedule import (
    ONE_DAY,
    DayInfo,
    Deadline,
    HolidaySchedule,
    PeriodUnit,
    deadline,
    library_knows,
)
from xiufu.core.errors import ErrorCode, InvalidInput, PermissionDenied

__all__ = [
    "calendar_year",
    "check_year",
    "confirmed_years",
    "current_schedule",
    "deadline_for",
    "invalidate_schedule_cache",
    "local_today",
    "overrides",
    "require_staff",
    "to_local_date",
    "year_status",
]

# The schedule is rebuilt when its fingerprint changes: a counter the actions bump (so a write in
# this process is seen at once, even one later rolled back) plus the row count and latest write
# time of both tables (so writes by other processes are seen on their next call).
_version = 0
_cached: tuple[tuple[Any, ...], HolidaySchedule] | None = None
_lock = threading.Lock()


# Other apps register here what must follow a change of the schedule (the cases app recomputes
# the due dates that depend on the changed years). Called inside the calendar action's transaction.
SCHEDULE_CHANGE_HOOKS: list[Callable[[frozenset[int]], object]] = []


def schedule_changed(years: Iterable[int]) -> None:
    """Invalidate the cached schedule and run the registered hooks for ``years``."""
    invalidate_schedule_cache()
    changed = frozenset(years)
    for hook in SCHEDULE_CHANGE_HOOKS:
        hook(changed)


def invalidate_schedule_cache() -> None:
    """Called by every calendar action, before its transaction commits."""
    global _version
    with _lock:
        _version += 1


def _fingerprint() -> tuple[Any, ...]:
    version = _version
    o = CalendarOverride.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    y = ConfirmedYear.objects.aggregate(n=Count("pk"), last=Max("confirmed_at"))
    return (version, o["n"], o["last"], y["n"], y["last"])


def current_schedule() -> HolidaySchedule:
    """The schedule as the administrators left it: library + overrides + confirmed years.

    Costs two aggregate queries when nothing changed; cheap enough to call per request.
    """
    global _cached
    key = _fingerprint()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    schedule = HolidaySchedule(
        overrides={
            o.date: (o.is_working_day, o.name)
            for o in CalendarOverride.objects.only("date", "is_working_day", "name")
        },
        confirmed_years=ConfirmedYear.objects.values_list("year", flat=True),
    )
    _cached = (key, schedule)
    return schedule


def require_staff(user: Any) -> None:
    """The calendar is a staff tool: enterprise users see their deadlines on their cases."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff_user", False):
        raise PermissionDenied(_("工作日历仅供工作人员查看。"), code=ErrorCode.PERMISSION_DENIED)


def check_year(year: int, field: str = "year") -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            CalendarErrorCode.YEAR_OUT_OF_RANGE,
            _("年份应在%(min)s年至%(max)s年之间。") % {"min": MIN_YEAR, "max": MAX_YEAR},
            details={"field": field, "min": MIN_YEAR, "max": MAX_YEAR},
        )
    return year


def calendar_year(year: int, schedule: HolidaySchedule | None = None) -> list[DayInfo]:
    """Every day of ``year``, for display."""
    check_year(year)
    schedule = schedule or current_schedule()
    day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = []
    while day <= end:
        days.append(schedule.day(day))
        day += ONE_DAY
    return days


def deadline_for(
    start: dt.date, length: int, unit: str, schedule: HolidaySchedule | None = None
) -> Deadline:
    """The deadline of a statutory period on the current schedule (民法典 Arts. 201, 203)."""
    check_year(start.year, "start")
    if unit not in {u.value for u in PeriodUnit}:
        raise InvalidInput(
            CalendarErrorCode.INVALID_PERIOD,
            _("期间单位应为 calendar_days（日）或 working_days（工作日）。"),
            details={"field": "unit", "choices": [u.value for u in PeriodUnit]},
        )
    # "N 个工作日" of zero makes no sense: the due day would be the (possibly rest) start day.
    minimum = 1 if unit == PeriodUnit.WORKING_DAYS else 0
    if not minimum <= length <= MAX_PERIOD_LENGTH:
        raise InvalidInput(
            CalendarErrorCode.INVALID_PERIOD,
            _("期间长度应在%(min)s至%(max)s之间。") % {"min": minimum, "max": MAX_PERIOD_LENGTH},
            details={"field": "length", "min": minimum, "max": MAX_PERIOD_LENGTH},
        )
    try:
        return deadline(start, length, unit, schedule or current_schedule())
    except ValueError as exc:  # e.g. a run of rest days longer than a year in the overrides
        raise InvalidInput(
            CalendarErrorCode.INVALID_PERIOD,
            _("无法计算该期间的届满日。"),
            details={"reason": str(exc)},
        ) from None


def year_status(year: int) -> tuple[str, str]:
    """Why ``year``'s schedule is (or is not) trusted: ``("library" | "confirmed" | "fallback",
    the State Council notice an administrator cited when confirming it, or "")``."""
    confirmation = ConfirmedYear.objects.filter(year=year).first()
    source = confirmation.source if confirmation else ""
    if library_knows(year):
        return "library", source
    return ("confirmed" if confirmation else "fallback"), source


def confirmed_years() -> QuerySet[ConfirmedYear]:
    return ConfirmedYear.objects.select_related("confirmed_by")


def overrides(year: int | None = None) -> QuerySet[CalendarOverride]:
    qs = CalendarOverride.objects.select_related("created_by")
    if year is not None:
        qs = qs.filter(date__year=check_year(year))
    return qs
