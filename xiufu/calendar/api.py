"""The working-day calendar API: a year for display, deadline arithmetic, and the compliance
admin's overrides and year confirmations."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router, Status

from xiufu.calendar import actions, selectors
from xiufu.calendar.schedule import days_left, working_days_left
from xiufu.calendar.schemas import (
    CalendarYearOut,
    ConfirmedYearOut,
    ConfirmYearIn,
    DeadlineOut,
    OverrideIn,
    OverrideOut,
)
from xiufu.core.api import actor
from xiufu.core.schemas import ErrorBody

router = Router(tags=["calendar"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody}


@router.get("/calendar/deadline", response={200: DeadlineOut, **ERRORS})
def get_deadline(
    request: HttpRequest,
    start: dt.date,
    length: int,
    unit: str = "calendar_days",
) -> object:
    """The last day of a period (民法典 Arts. 201, 203), flagged when the calendar of a year it
    touches is not confirmed."""
    selectors.require_staff(actor(request))
    schedule = selectors.current_schedule()
    result = selectors.deadline_for(start, length, unit, schedule)
    today = selectors.local_today()
    return {
        **asdict(result),
        "today": today,
        "days_left": days_left(result, today),
        "working_days_left": working_days_left(result, today, schedule),
    }


@router.get("/calendar/overrides", response={200: list[OverrideOut], **ERRORS})
def list_overrides(request: HttpRequest, year: int | None = None) -> object:
    selectors.require_staff(actor(request))
    return list(selectors.overrides(year))


@router.put("/calendar/overrides/{date}", response={200: OverrideOut, **ERRORS})
def set_override(request: HttpRequest, date: dt.date, payload: OverrideIn) -> object:
    return actions.do_set_calendar_override(date=date, **payload.dict(), actor=actor(request))


@router.delete("/calendar/overrides/{date}", response={204: None, **ERRORS})
def remove_override(request: HttpRequest, date: dt.date) -> Status:
    actions.do_remove_calendar_override(date=date, actor=actor(request))
    return Status(204, None)


@router.get("/calendar/years", response={200: list[ConfirmedYearOut], **ERRORS})
def list_confirmed_years(request: HttpRequest) -> object:
    selectors.require_staff(actor(request))
    return list(selectors.confirmed_years())


@router.post("/calendar/years", response={201: ConfirmedYearOut, **ERRORS})
def confirm_year(request: HttpRequest, payload: ConfirmYearIn) -> Status:
    confirmed = actions.do_confirm_calendar_year(**payload.dict(), actor=actor(request))
    return Status(201, confirmed)


@router.get("/calendar/{int:year}", response={200: CalendarYearOut, **ERRORS})
def get_year(request: HttpRequest, year: int) -> object:
    """Every day of the year with its kind and name; ``confirmed`` is False for a year whose
    official schedule is neither in the library nor confirmed by a compliance admin."""
    selectors.require_staff(actor(request))
    days = selectors.calendar_year(year)
    basis, source = selectors.year_status(year)
    return {
        "year": year,
        "confirmed": basis != "fallback",
        "basis": basis,
        "confirmation_source": source,
        "days": [{**asdict(day), "weekday": day.date.isoweekday()} for day in days],
    }
