"""Day boundaries are Asia/Shanghai, whatever time zone is active."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from xiufu.calendar.clock import local_today, to_local_date

UTC = dt.UTC


def test_project_time_zone_is_shanghai():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


def test_half_past_four_utc_on_new_years_day_is_the_second_in_shanghai():
    moment = dt.datetime(2026, 1, 1, 16, 30, tzinfo=UTC)
    assert to_local_date(moment) == dt.date(2026, 1, 2)
    assert to_local_date(dt.datetime(2026, 1, 1, 15, 59, tzinfo=UTC)) == dt.date(2026, 1, 1)


def test_an_activated_time_zone_does_not_move_the_day_boundary():
    with timezone.override("America/New_York"):
        assert to_local_date(dt.datetime(2026, 1, 1, 16, 30, tzinfo=UTC)) == dt.date(2026, 1, 2)


def test_local_today(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 1, 16, 30, tzinfo=UTC))
    assert local_today() == dt.date(2026, 1, 2)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        to_local_date(dt.datetime(2026, 1, 1, 16, 30))
