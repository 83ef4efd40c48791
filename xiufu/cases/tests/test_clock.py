"""The statutory clock: Art. 25's 20 days on China's calendar, warnings, breaches, pauses."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xiufu.cases import actions
from xiufu.cases.deadlines import deadline_rows, format_rows
from xiufu.cases.models import CaseEvent
from xiufu.core.errors import Conflict

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _accepted_on(drive, day: dt.date):
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)):
        d = drive()
        d.to_accepted()
    return d


def test_twenty_days_across_national_day_2025(drive):
    # received 2025-09-12: the 20th day is 10-02, inside the holiday → the next working day
    case = _accepted_on(drive, dt.date(2025, 9, 12)).case
    assert case.received_on == dt.date(2025, 9, 12)
    assert case.due_on == dt.date(2025, 10, 9)
    assert case.calendar_confirmed
    event = CaseEvent.objects.get(case=case, event="accept")
    assert event.payload["clock"]["due"] == "2025-10-09"
    assert "CD-DL-REPLY" in event.rule_ids


def test_twenty_days_into_spring_festival_2026(drive):
    case = _accepted_on(drive, dt.date(2026, 1, 27)).case
    assert case.due_on == dt.date(2026, 2, 24)


def test_a_deadline_in_a_year_without_a_confirmed_schedule_is_flagged(drive):
    case = _accepted_on(drive, dt.date(2026, 12, 20)).case
    assert not case.calendar_confirmed
    assert case.unconfirmed_years == [2027]


def test_warning_then_breach_are_recorded_once(drive):
    d = _accepted_on(drive, dt.date(2025, 9, 12))
    assert actions.do_check_clocks(today=dt.date(2025, 9, 20)).warned == []
    report = actions.do_check_clocks(today=dt.date(2025, 10, 1))
    assert report.warned == [d.case.number]
    assert actions.do_check_clocks(today=dt.date(2025, 10, 2)).warned == []
    assert actions.do_check_clocks(today=dt.date(2025, 10, 10)).breached == [d.case.number]
    assert actions.do_check_clocks(today=dt.date(2025, 10, 11)).breached == []
    events = list(CaseEvent.objects.filter(case_id=d.case_id).values_list("event", flat=True))
    assert events.count("warn_clock") == 1
    assert events.count("record_breach") == 1


def test_deadline_listing_shows_at_risk_and_breached(drive):
    with time_machine.travel(dt.datetime(2025, 10, 10, 9, tzinfo=SHANGHAI)):
        _accepted_on(drive, dt.date(2025, 9, 12))
        rows = deadline_rows()
        assert [r.state for r in rows] == ["breached"]
        assert "已超期" in format_rows(rows)


def test_this_pack_allows_no_pause(drive):
    d = _accepted_on(drive, dt.date(2025, 9, 12))
    with pytest.raises(Conflict) as caught:
        actions.do_pause_clock(
            d.case_id, reason="等待外部机构回函", expected_version=d.v, actor=d.cast.investigator
        )
    assert caught.value.code == "pause_not_allowed"


def test_xiufu_deadlines_records_and_lists(drive, capsys):
    from xiufu.cli import main

    with time_machine.travel(dt.datetime(2025, 10, 10, 9, tzinfo=SHANGHAI)):
        d = _accepted_on(drive, dt.date(2025, 9, 12))
        assert main(["deadlines"]) == 0
    output = capsys.readouterr().out
    assert "超期 1 件" in output
    assert d.case.number in output
    assert d.case.breached_at is not None


def test_confirming_a_years_schedule_recomputes_the_flagged_due_dates(drive, compliance):
    from xiufu.calendar.actions import do_confirm_calendar_year, do_set_calendar_override

    d = _accepted_on(drive, dt.date(2026, 12, 20))  # 20 days → 2027-01-09, a Saturday
    assert (d.case.due_on, d.case.calendar_confirmed) == (dt.date(2027, 1, 11), False)
    # when the compliance admin enters 2027's schedule: a make-up working Saturday, then confirms
    do_set_calendar_override(
        date=dt.date(2027, 1, 9), is_working_day=True, name="调休上班（示例）", actor=compliance
    )
    do_confirm_calendar_year(year=2027, source="国办发明电〔2026〕X号（示例）", actor=compliance)
    # then the case's due date follows, is no longer flagged, and the change is an event
    case = d.case
    assert (case.due_on, case.calendar_confirmed, case.unconfirmed_years) == (
        dt.date(2027, 1, 9),
        True,
        [],
    )
    events = CaseEvent.objects.filter(case=case, event="recalculate_clock")
    assert events.count() == 2
    assert events.order_by("seq")[1].payload["clock"]["old_due"] == "2027-01-09"


def test_where_a_pack_allows_it_the_clock_pauses_and_the_due_date_moves(drive, compliance):
    from xiufu.rules.actions import do_activate_rule_pack, do_load_rule_pack
    from xiufu.rules.tests.helpers import dump, shipped_data

    data = shipped_data()
    data["version"] = "2026.9"
    data["deadlines"]["pauses"]["states"] = ["under_investigation"]
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, tzinfo=SHANGHAI)):
        row = do_load_rule_pack(text=dump(data), actor=compliance)
        do_activate_rule_pack(row.pk, actor=compliance)
        d = drive()
        d.to_accepted()
        d.investigate()
        assert d.case.due_on == dt.date(2025, 6, 23)
        actions.do_pause_clock(
            d.case_id, reason="等待外地法院回函", expected_version=d.v, actor=d.cast.investigator
        )
    with time_machine.travel(dt.datetime(2025, 6, 9, 10, tzinfo=SHANGHAI)):
        case = actions.do_resume_clock(d.case_id, expected_version=d.v, actor=d.cast.investigator)
    # paused 7 days: 06-23 + 7 = 06-30 (a Monday)
    assert case.due_on == dt.date(2025, 6, 30)
    assert case.clock_paused_at is None
    pause = case.pauses.get()
    assert pause.rule_id == "CD-DL-PAUSE"
    assert pause.resumed_at is not None
    assert [e.event for e in case.events.order_by("seq")][-2:] == ["pause_clock", "resume_clock"]
