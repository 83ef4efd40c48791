from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "xiufu.records"
    label = "records"
    verbose_name = "信用记录"
