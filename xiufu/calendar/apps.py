from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "xiufu.calendar"
    label = "calendar"
    verbose_name = "工作日历"
