"""What `xiufu deadlines` lists: cases at risk of, or in breach of, their statutory deadline."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from xiufu.cases import workflow
from xiufu.cases.checklists import pack_of
from xiufu.cases.choices import CaseStatus
from xiufu.cases.clock import clock_state
from xiufu.cases.models import Case

STATE_LABELS = {"breached": "已超期", "at_risk": "临近期限", "on_track": "正常", "paused": "已暂停"}


@dataclass(frozen=True)
class DeadlineRow:
    number: str
    enterprise: str
    status: str
    due_on: str
    days_left: int
    state: str
    calendar_confirmed: bool


def deadline_rows(*, include_on_track: bool = False) -> list[DeadlineRow]:
    today = timezone.localdate()
    rows = []
    cases = Case.objects.filter(status__in=workflow.CLOCK_STATES, due_on__isnull=False)
    for case in cases.select_related("enterprise", "rule_pack").order_by("due_on", "number"):
        state = clock_state(case, today, warning_share=pack_of(case).warning_share)
        if state == "on_track" and not include_on_track:
            continue
        assert case.due_on is not None
        rows.append(
            DeadlineRow(
                number=case.number,
                enterprise=case.enterprise.name,
                status=str(CaseStatus(case.status).label),
                due_on=case.due_on.isoformat(),
                days_left=(case.due_on - today).days,
                state=state,
                calendar_confirmed=case.calendar_confirmed,
            )
        )
    return rows


def format_rows(rows: list[DeadlineRow]) -> str:
    if not rows:
        return "没有临近期限或已超期的案件。"
    lines = [f"{'案件编号':<14}{'期限':<12}{'剩余天数':>6}  状态      企业"]
    for row in rows:
        flag = "" if row.calendar_confirmed else "（日历未确认）"
        lines.append(
            f"{row.number:<18}{row.due_on:<12}{row.days_left:>6}  "
            f"{STATE_LABELS[row.state]:<6}{flag} {row.enterprise}（{row.status}）"
        )
    return "\n".join(lines)
