from __future__ import annotations

from xiufu.accounts.admin import ReadOnlyAdmin, admin_site
from xiufu.calendar.models import CalendarOverride, ConfirmedYear


def test_calendar_tables_are_read_only_in_the_admin():
    for model in (CalendarOverride, ConfirmedYear):
        assert isinstance(admin_site._registry[model], ReadOnlyAdmin)
