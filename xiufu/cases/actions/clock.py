"""The statutory clock's events: warnings, breaches, and pauses where the rule pack allows them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from xiufu.cases import workflow
from xiufu.cases.checklists import pack_of
from xiufu.cases.clock import clock_state
from xiufu.cases.models import Case, ClockPause
from xiufu.cases.transitions import Step, run_transition


def do_pause_clock(case_id: int, *, reason: str, expected_version: int, actor: Any) -> Case:
    """Pause the statutory clock — only in a state where the case's rule pack allows it."""

    def effect(case: Case) -> Step:
        now = timezone.now()
        rule_id = pack_of(case).pause_rule_id(case.status)
        ClockPause.objects.create(case=case, reason=reason[:300], rule_id=rule_id, paused_at=now)
        case.clock_paused_at = now
        return Step(payload={"paused_at": now.isoformat()}, rule_ids=[rule_id])

    return run_transition(
        case_id,
        "pause_clock",
        actor=actor,
        expected_version=expected_version,
        effect=effect,
        reason=reason,
    )


def do_resume_clock(case_id: int, *, expected_version: int, actor: Any) -> Case:
    """Resume: the due date moves by the calendar days paused, then past any rest days."""
    from xiufu.calendar.selectors import current_schedule

    def effect(case: Case) -> Step:
        now = timezone.now()
        pause = case.pauses.filter(resumed_at__isnull=True).get()
        pause.resumed_at = now
        pause.save(update_fields=["resumed_at"])
        paused_days = (timezone.localdate(now) - timezone.localdate(pause.paused_at)).days
        schedule = current_schedule()
        due = (case.due_on or timezone.localdate()) + dt.timedelta(days=paused_days)
        if not schedule.is_working_day(due):
            due = schedule.next_working_day(due)
        old_due, case.due_on, case.clock_paused_at = case.due_on, due, None
        return Step(
            payload={
                "paused_days": paused_days,
                "old_due": old_due.isoformat() if old_due else None,
                "due": due.isoformat(),
            },
            rule_ids=[pause.rule_id],
        )

    return run_transition(
        case_id, "resume_clock", actor=actor, expected_version=expected_version, effect=effect
    )


@dataclass
class ClockReport:
    warned: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)


def do_check_clocks(*, today: dt.date | None = None) -> ClockReport:
    """Record a warning when a case passes its pack's warning share of the time, and a breach
    when it passes its due date — each once, as an event by the system."""
    today = today or timezone.localdate()
    report = ClockReport()
    running = Case.objects.filter(
        status__in=workflow.CLOCK_STATES, due_on__isnull=False, clock_paused_at__isnull=True
    ).filter(breached_at__isnull=True)
    for case in running.select_related("rule_pack"):
        state = clock_state(case, today, warning_share=pack_of(case).warning_share)
        if state == "breached":
            _mark(case, "record_breach", today)
            report.breached.append(case.number)
        elif state == "at_risk" and case.warned_at is None:
            _mark(case, "warn_clock", today)
            report.warned.append(case.number)
    return report


def _mark(case: Case, event: str, today: dt.date) -> None:
    def effect(locked: Case) -> Step:
        now = timezone.now()
        if event == "record_breach":
            locked.breached_at = now
        else:
            locked.warned_at = now
        return Step(
            payload={
                "due": locked.due_on.isoformat() if locked.due_on else None,
                "today": today.isoformat(),
            },
            rule_ids=[locked.clock_rule_id] if locked.clock_rule_id else [],
        )

    run_transition(case.pk, event, actor=None, expected_version=None, effect=effect)


def do_recalculate_clocks(years: frozenset[int]) -> list[str]:
    """The holiday schedule of ``years`` changed: recompute every running due date that depends
    on them (a date inside those years, or one flagged unconfirmed because of them)."""
    from xiufu.cases.clock import start_clock

    changed = []
    running = Case.objects.filter(status__in=workflow.CLOCK_STATES, due_on__isnull=False)
    for case in running:
        if case.due_on is None or case.received_on is None:
            continue
        span = set(range(case.received_on.year, case.due_on.year + 1))
        if not (span | set(case.unconfirmed_years)) & years:
            continue

        def effect(locked: Case) -> Step:
            old_due, was_confirmed = locked.due_on, locked.calendar_confirmed
            clock = start_clock(locked)
            clock.payload.update(
                old_due=old_due.isoformat() if old_due else None,
                was_confirmed=was_confirmed,
            )
            return Step(payload={"clock": clock.payload}, rule_ids=clock.rule_ids)

        run_transition(
            case.pk, "recalculate_clock", actor=None, expected_version=None, effect=effect
        )
        changed.append(case.number)
    return changed
