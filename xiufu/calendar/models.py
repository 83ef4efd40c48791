"""The administrators' part of the working-day calendar: per-date overrides and confirmed years.

The official schedules 2004–2026 come from the chinese-calendar library (see schedule.py); these
tables hold what the library cannot know: a year the State Council published after the library's
release, and local exceptions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarOverride(models.Model):
    """One date declared a working day or a rest day, whatever the library says."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=60, help_text="如：2027年春节调休上班")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Changed on every edit: part of the fingerprint that invalidates the cached schedule.
    updated_at = models.DateTimeField("最后修改时间", auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "日历调整"
        verbose_name_plural = "日历调整"

    def __str__(self) -> str:
        kind = "工作日" if self.is_working_day else "休息日"
        return f"{self.date:%Y-%m-%d} {kind} {self.name}"


class ConfirmedYear(models.Model):
    """A year whose official holiday schedule an administrator entered and confirmed."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.TextField(
        "依据", help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）"
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["year"]
        verbose_name = "已确认年度"
        verbose_name_plural = "已确认年度"

    def __str__(self) -> str:
        return f"{self.year}年"
