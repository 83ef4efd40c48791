from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "xiufu.cases"
    label = "cases"
    verbose_name = "异议案件"
