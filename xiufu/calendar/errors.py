"""Stable error codes of the calendar app (the API returns them; clients rely on them)."""

from __future__ import annotations

from enum import StrEnum


class CalendarErrorCode(StrEnum):
    YEAR_OUT_OF_RANGE = "year_out_of_range"
    SOURCE_REQUIRED = "source_required"
    NAME_REQUIRED = "name_required"
    INVALID_PERIOD = "invalid_period"


# The years an administrator may touch or a page may show. Wide enough for any dispute we will
# see, narrow enough that a typo (20277) is refused instead of stored.
MIN_YEAR = 2000
MAX_YEAR = 2100
# Ten years: the longest period any rule pack counts, with room to spare.
MAX_PERIOD_LENGTH = 3660
