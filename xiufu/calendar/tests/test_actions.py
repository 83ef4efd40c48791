"""The compliance admin's calendar actions: permission, validation, audit, and their effect on
the schedule every deadline is computed on."""

from __future__ import annotations

import datetime as dt

import pytest

from xiufu.audit.models import AuditEvent
from xiufu.calendar import selectors
from xiufu.calendar.actions import (
    do_confirm_calendar_year,
    do_remove_calendar_override,
    do_set_calendar_override,
)
from xiufu.calendar.models import CalendarOverride, ConfirmedYear
from xiufu.calendar.schedule import DayKind, DaySource, PeriodUnit
from xiufu.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

D = dt.date
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号，测试用）"


@pytest.mark.parametrize("persona", ["clerk", "investigator", "approver", "auditor", "outsider"])
def test_only_the_compliance_admin_changes_the_calendar(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied) as exc:
        do_set_calendar_override(date=D(2027, 2, 1), is_working_day=False, name="x", actor=user)
    assert exc.value.code == "role_required"
    assert exc.value.details["permission"] == "manage_calendar"
    with pytest.raises(PermissionDenied):
        do_confirm_calendar_year(year=2027, source=NOTICE_2027, actor=user)
    with pytest.raises(PermissionDenied):
        do_remove_calendar_override(date=D(2027, 2, 1), actor=user)
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.exists()


def test_setting_an_override_is_audited_with_the_previous_value(compliance):
    # given an override of 2027-02-01
    do_set_calendar_override(
        date=D(2027, 2, 1), is_working_day=False, name="春节", note="初稿", actor=compliance
    )
    # when it is set again
    override = do_set_calendar_override(
        date=D(2027, 2, 1), is_working_day=True, name=" 春节调休上班 ", actor=compliance
    )
    # then the row is replaced and both changes are audited, the second with the old value
    assert CalendarOverride.objects.count() == 1
    assert (override.is_working_day, override.name, override.note) == (True, "春节调休上班", "")
    events = list(AuditEvent.objects.filter(type="xiufu.calendar.override_set").order_by("id"))
    assert [e.payload["previous"] for e in events] == [
        None,
        {"is_working_day": False, "name": "春节"},
    ]
    assert events[1].payload["date"] == "2027-02-01"
    assert events[1].actor == compliance
    assert events[1].target_type == "calendar.calendaroverride"
    assert events[1].target_id == str(override.pk)


def test_removing_an_override_is_audited_and_restores_the_library(compliance):
    do_set_calendar_override(
        date=D(2025, 10, 8), is_working_day=True, name="本地补班", actor=compliance
    )
    assert selectors.current_schedule().is_working_day(D(2025, 10, 8))
    do_remove_calendar_override(date=D(2025, 10, 8), actor=compliance)
    assert not selectors.current_schedule().is_working_day(D(2025, 10, 8))
    event = AuditEvent.objects.get(type="xiufu.calendar.override_removed")
    assert event.payload == {"date": "2025-10-08", "is_working_day": True, "name": "本地补班"}
    with pytest.raises(NotFound):
        do_remove_calendar_override(date=D(2025, 10, 8), actor=compliance)


def test_confirming_a_year_is_audited_and_a_second_time_is_409(compliance):
    confirmed = do_confirm_calendar_year(year=2027, source=NOTICE_2027, actor=compliance)
    assert confirmed.confirmed_by == compliance
    event = AuditEvent.objects.get(type="xiufu.calendar.year_confirmed")
    assert event.payload == {"year": 2027, "source": NOTICE_2027}
    with pytest.raises(Conflict) as exc:
        do_confirm_calendar_year(year=2027, source="再次确认", actor=compliance)
    assert (exc.value.status, exc.value.code) == (409, "duplicate")
    assert ConfirmedYear.objects.count() == 1


@pytest.mark.parametrize(
    ("call", "code", "field"),
    [
        (
            lambda a: do_confirm_calendar_year(year=1999, source="x", actor=a),
            "year_out_of_range",
            "year",
        ),
        (
            lambda a: do_confirm_calendar_year(year=2101, source="x", actor=a),
            "year_out_of_range",
            "year",
        ),
        (
            lambda a: do_confirm_calendar_year(year=2027, source="  ", actor=a),
            "source_required",
            "source",
        ),
        (
            lambda a: do_set_calendar_override(
                date=D(1999, 1, 1), is_working_day=True, name="x", actor=a
            ),
            "year_out_of_range",
            "date",
        ),
        (
            lambda a: do_set_calendar_override(
                date=D(2027, 1, 1), is_working_day=True, name="", actor=a
            ),
            "name_required",
            "name",
        ),
        (
            lambda a: do_set_calendar_override(
                date=D(2027, 1, 1), is_working_day=True, name="名" * 61, actor=a
            ),
            "invalid_input",
            "name",
        ),
    ],
)
def test_invalid_input_is_refused_with_a_stable_code(compliance, call, code, field):
    with pytest.raises(InvalidInput) as exc:
        call(compliance)
    assert exc.value.code == code
    assert exc.value.details["field"] == field
    assert not CalendarOverride.objects.exists()
    assert not ConfirmedYear.objects.exists()


def test_overriding_a_date_to_what_the_library_says_is_allowed(compliance):
    do_set_calendar_override(
        date=D(2025, 10, 1), is_working_day=False, name="国庆节", actor=compliance
    )
    info = selectors.current_schedule().day(D(2025, 10, 1))
    assert (info.kind, info.source) == (DayKind.HOLIDAY, DaySource.OVERRIDE)


def test_2027_becomes_confirmed_once_entered(compliance):
    # given no 2027 schedule: a deadline there is flagged
    before = selectors.deadline_for(D(2027, 9, 14), 20, PeriodUnit.CALENDAR_DAYS)
    assert (before.due, before.confirmed, before.unconfirmed_years) == (
        D(2027, 10, 4),
        False,
        (2027,),
    )
    # when the compliance admin enters the (hypothetical) National Day swap and confirms the year
    for day in range(4, 8):
        do_set_calendar_override(
            date=D(2027, 10, day), is_working_day=False, name="国庆节", actor=compliance
        )
    for makeup in (D(2027, 9, 26), D(2027, 10, 9)):
        do_set_calendar_override(
            date=makeup, is_working_day=True, name="国庆节调休上班", actor=compliance
        )
    do_confirm_calendar_year(year=2027, source=NOTICE_2027, actor=compliance)
    # then the same deadline uses the overrides and is confirmed
    after = selectors.deadline_for(D(2027, 9, 14), 20, PeriodUnit.CALENDAR_DAYS)
    assert (after.due, after.moved_from, after.confirmed, after.unconfirmed_years) == (
        D(2027, 10, 8),
        D(2027, 10, 4),
        True,
        (),
    )
    working = selectors.deadline_for(D(2027, 9, 24), 1, PeriodUnit.WORKING_DAYS)
    assert working.due == D(2027, 9, 26)
    days = selectors.calendar_year(2027)
    assert len(days) == 365
    assert all(day.confirmed for day in days)
    assert selectors.year_status(2027) == ("confirmed", NOTICE_2027)
