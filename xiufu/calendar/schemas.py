from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from xiufu.calendar.actions import NAME_MAX, NOTE_MAX, SOURCE_MAX
from xiufu.core.schemas import StrictSchema


class DayOut(Schema):
    date: dt.date
    weekday: int = Field(description="ISO weekday: 1 = Monday … 7 = Sunday")
    is_working_day: bool
    kind: str = Field(description="workday | weekend | holiday | makeup_workday")
    name: str
    source: str = Field(description="library | override | fallback")
    confirmed: bool


class CalendarYearOut(Schema):
    year: int
    confirmed: bool
    basis: str = Field(description="library | confirmed | fallback")
    confirmation_source: str = Field(description="the State Council notice, when confirmed here")
    days: list[DayOut]


class DeadlineOut(Schema):
    start: dt.date
    due: dt.date
    length: int
    unit: str
    confirmed: bool
    unconfirmed_years: list[int]
    moved_from: dt.date | None
    explanation: str
    today: dt.date = Field(description="today in Asia/Shanghai")
    days_left: int = Field(description="calendar days to the due day; negative once breached")
    working_days_left: int


class OverrideIn(StrictSchema):
    is_working_day: bool
    name: str = Field(max_length=NAME_MAX)
    note: str = Field(default="", max_length=NOTE_MAX)


class OverrideOut(Schema):
    date: dt.date
    is_working_day: bool
    name: str
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ConfirmYearIn(StrictSchema):
    year: int
    source: str = Field(max_length=SOURCE_MAX)


class ConfirmedYearOut(Schema):
    year: int
    source: str
    confirmed_at: dt.datetime
    confirmed_by: str = Field(description="username of the compliance admin")

    @staticmethod
    def resolve_confirmed_by(obj: Any) -> str:
        return str(obj.confirmed_by.username)
