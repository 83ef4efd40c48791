"""Day boundaries in Asia/Shanghai.

A period ends at 24:00 local time (民法典 Art. 203), so "which day is it" is always answered in
the project's time zone (settings.TIME_ZONE), never in UTC and never in a time zone a request
may have activated.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def to_local_date(value: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of an aware datetime."""
    if timezone.is_naive(value):
        raise ValueError("a naive datetime has no calendar date; pass an aware one")
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def local_today() -> dt.date:
    return to_local_date(timezone.now())
