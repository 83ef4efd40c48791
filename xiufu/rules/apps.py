from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "xiufu.rules"
    label = "rules"
    verbose_name = "规则包"
