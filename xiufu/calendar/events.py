"""Audit event types of the working-day calendar (autodiscovered by the audit app)."""

from __future__ import annotations

from xiufu.audit.events import register

OVERRIDE_SET = register(
    "xiufu.calendar.override_set",
    "设置日历调整",
    ("date", "is_working_day", "name", "note", "previous"),
)
OVERRIDE_REMOVED = register(
    "xiufu.calendar.override_removed", "删除日历调整", ("date", "is_working_day", "name")
)
YEAR_CONFIRMED = register("xiufu.calendar.year_confirmed", "确认年度节假日安排", ("year", "source"))
