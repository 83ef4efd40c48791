"""The statutory clock of a case: when it starts, when it is due, how much time is left.

The length, the unit (calendar or working days) and the start event come from the case's rule
pack; the counting follows 民法典 Arts. 201 and 203 (xiufu/calendar). A due date that depends on a
year whose official holiday schedule is not confirmed is flagged, never silently guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from xiufu.cases import workflow
from xiufu.cases.models import Case


@dataclass(frozen=True)
class ClockStart:
    payload: dict[str, Any]
    rule_ids: list[str]


def start_clock(case: Case) -> ClockStart:
    """Set the case's due date from the pack's reply deadline (at acceptance or reopening)."""
    from xiufu.calendar.schedule import deadline
    from xiufu.calendar.selectors import current_schedule
    from xiufu.cases.checklists import pack_of

    rule = pack_of(case).reply_deadline()
    today = timezone.localdate()
    start = today
    if rule.start_event == "application_complete" and case.received_on is not None:
        start = case.received_on
    case.received_on = start
    due = deadline(start, rule.length, rule.unit, current_schedule())
    if case.due_on != due.due:
        # a new due date: warnings and breaches are judged afresh against it
        case.warned_at = case.breached_at = None
    case.due_on = due.due
    case.clock_rule_id = rule.id
    case.calendar_confirmed = due.confirmed
    case.unconfirmed_years = list(due.unconfirmed_years)
    payload = {
        "start": start.isoformat(),
        "due": due.due.isoformat(),
        "length": rule.length,
        "unit": rule.unit,
        "calendar_confirmed": due.confirmed,
        "unconfirmed_years": list(due.unconfirmed_years),
        "explanation": due.explanation,
    }
    return ClockStart(payload, [rule.id])


def clock_running(case: Case) -> bool:
    return case.status in workflow.CLOCK_STATES and case.due_on is not None


def days_left(case: Case, today: dt.date | None = None) -> int | None:
    """Calendar days until the due date (negative once breached); None when no clock runs."""
    if not clock_running(case) or case.due_on is None:
        return None
    return (case.due_on - (today or timezone.localdate())).days


def clock_state(case: Case, today: dt.date | None = None, *, warning_share: float) -> str:
    """'none', 'paused', 'on_track', 'at_risk' (past the pack's warning share) or 'breached'."""
    if not clock_running(case) or case.due_on is None or case.received_on is None:
        return "none"
    if case.clock_paused_at is not None:
        return "paused"
    today = today or timezone.localdate()
    if today > case.due_on:
        return "breached"
    total = max((case.due_on - case.received_on).days, 1)
    elapsed = (today - case.received_on).days
    return "at_risk" if elapsed / total >= warning_share else "on_track"
