from django.contrib import admin

from xiufu.accounts.admin import ReadOnlyAdmin, admin_site
from xiufu.calendar.models import CalendarOverride, ConfirmedYear


@admin.register(CalendarOverride, site=admin_site)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_working_day", "name", "note", "created_by", "updated_at")
    list_filter = ("is_working_day",)
    search_fields = ("name", "note")
    date_hierarchy = "date"


@admin.register(ConfirmedYear, site=admin_site)
class ConfirmedYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "confirmed_by", "confirmed_at")
