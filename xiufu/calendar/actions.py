"""Writes on the working-day calendar: overrides and year confirmation.

Each action checks permission, validates, writes, records its audit event and invalidates the
cached schedule, in one transaction. Changing the calendar moves deadlines, so only the
compliance admin (``Perm.MANAGE_CALENDAR``) may do it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiufu.accounts.permissions import Perm, require
from xiufu.audit.actions import record_event
from xiufu.calendar import events
from xiufu.calendar.errors import CalendarErrorCode
from xiufu.calendar.models import CalendarOverride, ConfirmedYear
from xiufu.calendar.selectors import check_year, schedule_changed
from xiufu.core.errors import Conflict, ErrorCode, InvalidInput, NotFound

NAME_MAX = 60
NOTE_MAX = 200
SOURCE_MAX = 500


def _text(value: str, field: str, limit: int, *, required: str = "", code: str = "") -> str:
    """Strip ``value`` and check its length; ``required`` is the message when it is empty."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(code, required, details={"field": field})
    if len(value) > limit:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            ngettext("长度不得超过%(limit)s个字符。", "长度不得超过%(limit)s个字符。", limit)
            % {"limit": limit},
            details={"field": field, "max": limit},
        )
    return value


def _describe(override: CalendarOverride) -> dict[str, Any]:
    return {"is_working_day": override.is_working_day, "name": override.name}


def do_set_calendar_override(
    *, date: dt.date, is_working_day: bool, name: str, note: str = "", actor: Any
) -> CalendarOverride:
    """Declare ``date`` a working day or a rest day, whatever the library says (e.g. a make-up
    working day of a year the library does not know, or a local extra rest day).

    Setting a date again replaces the earlier override; the audit event keeps the old value.
    """
    require(actor, Perm.MANAGE_CALENDAR)
    check_year(date.year, "date")
    name = _text(
        name,
        "name",
        NAME_MAX,
        required=_("请填写名称，如“2027年春节调休上班”。"),
        code=CalendarErrorCode.NAME_REQUIRED,
    )
    note = _text(note, "note", NOTE_MAX)
    try:
        with transaction.atomic():
            override = CalendarOverride.objects.select_for_update().filter(date=date).first()
            previous = _describe(override) if override is not None else None
            if override is None:
                override = CalendarOverride(date=date, created_by=actor)
            override.is_working_day = is_working_day
            override.name = name
            override.note = note
            override.save()
            record_event(
                events.OVERRIDE_SET,
                actor=actor,
                target=override,
                payload={
                    "date": date.isoformat(),
                    "is_working_day": is_working_day,
                    "name": name,
                    "note": note,
                    "previous": previous,
                },
            )
            schedule_changed({date.year})
    except IntegrityError:
        # A concurrent first override of the same date won the race.
        raise Conflict(
            ErrorCode.CONFLICT,
            _("该日期正被他人同时调整，请刷新后重试。"),
            details={"field": "date"},
        ) from None
    return override


def do_remove_calendar_override(*, date: dt.date, actor: Any) -> None:
    """Remove the override of ``date``: the library (or the fallback) answers for it again."""
    require(actor, Perm.MANAGE_CALENDAR)
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=date).first()
        if override is None:
            raise NotFound(
                _("%(date)s 没有日历调整。") % {"date": date.isoformat()}, what="calendar_override"
            )
        record_event(
            events.OVERRIDE_REMOVED,
            actor=actor,
            target=override,
            payload={"date": date.isoformat(), **_describe(override)},
        )
        override.delete()
        schedule_changed({date.year})


def do_confirm_calendar_year(*, year: int, source: str, actor: Any) -> ConfirmedYear:
    """Mark ``year``'s official holiday schedule as entered: its deadlines stop being flagged
    "calendar unconfirmed". ``source`` names the State Council notice and its number."""
    require(actor, Perm.MANAGE_CALENDAR)
    check_year(year)
    source = _text(
        source,
        "source",
        SOURCE_MAX,
        required=_("请填写确认依据：国务院办公厅通知的名称及文号。"),
        code=CalendarErrorCode.SOURCE_REQUIRED,
    )
    duplicate = Conflict(
        ErrorCode.DUPLICATE,
        _("%(year)s年的节假日安排已确认。") % {"year": year},
        details={"field": "year"},
    )
    if ConfirmedYear.objects.filter(year=year).exists():
        raise duplicate
    try:
        with transaction.atomic():
            confirmed = ConfirmedYear.objects.create(year=year, source=source, confirmed_by=actor)
            record_event(
                events.YEAR_CONFIRMED,
                actor=actor,
                target=confirmed,
                payload={"year": year, "source": source},
            )
            schedule_changed({year})
    except IntegrityError:
        raise duplicate from None
    return confirmed
